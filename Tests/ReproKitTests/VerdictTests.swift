import ReproKit
import ReproStats
import Testing

@Suite struct VerdictTests {
    static let claim = Claim(id: "c", statement: "s", measurement: "m", paperValue: "≈ 1", band: .between(0.9, 1.1),
                             interval: .studentT, tolerance: "t", source: Source("x", location: "§1", url: "u"), differences: "d")

    @Test func intervalInsideBandIsReproduced() {
        let r = ClaimResult(claim: Self.claim, values: [1.0, 1.01, 0.99], exact: false)
        #expect(r.verdict == .reproduced)
    }

    @Test func intervalOutsideBandIsNotReproduced() {
        let r = ClaimResult(claim: Self.claim, values: [1.5, 1.51, 1.49], exact: false)
        #expect(r.verdict == .notReproduced)
    }

    @Test func wideIntervalIsInconclusive() {
        // mean 1.0 but t(0.975; 2)·sd/√3 ≈ 0.25 > 0.1
        let r = ClaimResult(claim: Self.claim, values: [0.9, 1.0, 1.1], exact: false)
        #expect(r.verdict == .inconclusive)
    }

    @Test func singleSeedIsInconclusiveUnlessExact() {
        #expect(ClaimResult(claim: Self.claim, values: [1.0], exact: false).verdict == .inconclusive)
        #expect(ClaimResult(claim: Self.claim(.exact), values: [1.0], exact: true).verdict == .reproduced)
        #expect(ClaimResult(claim: Self.claim(.exact), values: [2.0], exact: true).verdict == .notReproduced)
        // A seed-independent value judged as if it varied (or the reverse) is refused.
        #expect(ClaimResult(claim: Self.claim, values: [1.0], exact: true).verdict == .notMeasured)
        #expect(ClaimResult(claim: Self.claim(.exact), values: [1.0, 1.1], exact: false).verdict == .notMeasured)
    }

    static func claim(_ kind: IntervalKind, band: Band = .between(0.9, 1.1), role: ClaimRole = .claim) -> Claim {
        Claim(id: "c", statement: "s", measurement: "m", paperValue: "≈ 1", band: band, interval: kind, tolerance: "t",
              source: Source("x", location: "§1", url: "u"), differences: "d", role: role)
    }

    @Test func everySeedIsDecidedByTheWorstSeed() {
        let c = Self.claim(.everySeed, band: .atMost(1e-3))
        #expect(ClaimResult(claim: c, values: [1e-4, 5e-4, 9e-4], exact: false).verdict == .reproduced)
        let one = ClaimResult(claim: c, values: [1e-4, 2e-3, 9e-4], exact: false)
        #expect(one.verdict == .notReproduced)
        #expect(one.basis == "1 of 3 seeds outside the band")
    }

    @Test func proportionPoolsCountsOverSeeds() {
        let trials = [49, 49, 50].map { k -> Measurements in
            var m = Measurements()
            m.record("m", successes: k, trials: 50)
            return m
        }
        let e = Evaluation(claims: [Self.claim(.proportion, band: .atLeast(0.9))], trials: trials)
        let s = try! #require(e.claims[0].summary)
        #expect(abs(s.mean - 148.0 / 150) < 1e-12)
        // Hull of Beta(149, 3) (2.5% quantile ≈ 0.95) and the seeds' t interval (lower ≈ 0.958).
        #expect(e.claims[0].verdict == .reproduced)
        #expect(s.interval!.lower > 0.93 && s.interval!.lower < 0.96)
        // Two seeds that disagree: the t part (t(1) = 12.7) makes the interval honest and wide.
        let split = [40, 50].map { k -> Measurements in
            var m = Measurements()
            m.record("m", successes: k, trials: 50)
            return m
        }
        #expect(Evaluation(claims: [Self.claim(.proportion, band: .atLeast(0.9))], trials: split).claims[0].verdict == .inconclusive)
    }

    @Test func kindThatDoesNotFitTheDataIsRefused() {
        var a = Measurements()
        a.record("m", successes: 3, trials: 4)
        let e = Evaluation(claims: [Self.claim(.studentT)], trials: [a, a])
        #expect(e.claims[0].verdict == .notMeasured)
        #expect(e.claims[0].basis.contains("proportion"))
        var b = Measurements()
        b.record("m", 1.0)
        let mc = Evaluation(claims: [Self.claim(.monteCarlo)], trials: [b, b])
        #expect(mc.claims[0].verdict == .notMeasured)
        #expect(mc.claims[0].basis.contains("standard error"))
    }

    @Test func monteCarloIncludesWithinTrialError() {
        // Three seeds that agree to 1e-4 but each estimate carries SE 0.004 on a shared sample:
        // the interval must be about ±1.96·0.004, not the seeds' ±2e-4.
        var trials: [Measurements] = []
        for v in [0.2041, 0.2042, 0.2041] {
            var m = Measurements()
            m.record("m", estimate: v, standardError: 0.004, sampleShared: true)
            trials.append(m)
        }
        let e = Evaluation(claims: [Self.claim(.monteCarlo, band: .between(0.19, 0.21))], trials: trials)
        let ci = try! #require(e.claims[0].summary?.interval)
        #expect(ci.halfWidth > 0.0075 && ci.halfWidth < 0.0085)
        #expect(e.claims[0].verdict == .inconclusive)
    }

    @Test func controlsGetNoVerdictAndChecksAreNotReproductions() {
        let control = Self.claim(.studentT, role: .control), check = Self.claim(.studentT, role: .sanityCheck)
        var m = Measurements()
        m.record("m", 1.0)
        var n = Measurements()
        n.record("m", 1.01)
        let e = Evaluation(claims: [control, check, Self.claim(.studentT)], trials: [m, n])
        #expect(e.claims[0].verdict == .control)
        #expect(e.claims[1].verdict == .reproduced)
        #expect(e.verdictSummary == "1 reproduced, 1/1 checks passed")
    }

    @Test func logRatioIsTheGeometricMean() {
        let r = ClaimResult(claim: Self.claim(.logRatio, band: .between(0.4, 0.6)), values: [0.25, 1.0], exact: false)
        #expect(abs(r.summary!.mean - 0.5) < 1e-12)
        #expect(r.summary!.interval!.lower > 0 )
    }

    @Test func divergenceIsNotReproduced() {
        #expect(ClaimResult(claim: Self.claim, values: [1.0, .nan], exact: false).verdict == .notReproduced)
    }

    @Test func missingMeasurement() {
        let e = Evaluation(claims: [Self.claim], trials: [Measurements()])
        #expect(e.claims[0].verdict == .notMeasured)
    }

    @Test func openBands() {
        #expect(Band.atLeast(2).contains(3) && !Band.atLeast(2).contains(1))
        #expect(Band.atMost(2).contains(-5) && !Band.atMost(2).contains(2.5))
    }

    @Test func measurementsRoundTripNonFinite() throws {
        var m = Measurements()
        m.record("loss", .nan)
        m.record("inf", .infinity)
        m.record(Series(name: "curve", x: .init("step", [0, 1]), ys: [.init("loss", [1, .nan])]))
        let json = canonicalJSON(m)
        let back = try JSONDecoder().decode(Measurements.self, from: Data(json.utf8))
        #expect(back.scalars["loss"]!.value.isNaN)
        #expect(back.scalars["inf"]!.value == .infinity)
        #expect(back.series["curve"]!.ys[0].values[1].isNaN)
    }
}

import Foundation
