import Foundation
import ReproKit
import Testing
@testable import ReproReport

@Suite struct ResultsDiffTests {
    /// The golden files' rule, as `repro diff` passes it in.
    let rule: ResultsDiff.Tolerance = { mean, se, exact in
        let floor = (exact ? 1e-9 : 1e-4) * max(1, abs(mean))
        let spread = se.map { 3 * $0 } ?? 0
        return exact || spread <= floor ? (floor, "floor") : (spread, "3·SE")
    }

    func results(_ trials: [TrialRecord]) throws -> [String: CommittedResults] {
        ["fake-paper": try #require(ResultsWriter.committed(experiment: Fixtures.experiment, preset: "full", trials: trials))]
    }

    @Test func identicalSetsDoNotChange() throws {
        let a = try results(Fixtures.trials())
        let d = ResultsDiff(a, a, labelA: "A", labelB: "B", tolerance: rule)
        #expect(!d.changed)
        #expect(d.claimsCompared == 4 && d.measurementsCompared == 3)
        #expect(d.text().contains("No change beyond noise."))
    }

    @Test func verdictChangesComeFirstThenMeasurementsBeyondNoise() throws {
        let a = try results(Fixtures.trials())
        let b = try results(Fixtures.trials(divergeSeed: 2))
        let d = ResultsDiff(a, b, labelA: "A", labelB: "B", tolerance: rule)
        #expect(d.changed)
        #expect(d.verdictChanges.map(\.claim) == ["stable"])
        #expect(d.verdictChanges[0].before == "reproduced" && d.verdictChanges[0].after == "not reproduced")
        #expect(d.measurementChanges.map(\.measurement) == ["final_loss"])
        let text = d.text()
        #expect(text.range(of: "verdict changes")!.lowerBound < text.range(of: "measurements beyond noise")!.lowerBound)
    }

    @Test func smallShiftsAreNoiseLargeOnesAreNot() throws {
        func shifted(_ delta: Double) -> [TrialRecord] {
            Fixtures.trials().map { t in
                var t = t
                t.measurements!.scalars["accuracy"]!.value += delta
                return t
            }
        }
        // accuracy: sd 0.003 over 3 seeds, SE 0.00173 per side, tolerance 3·√2·SE ≈ 0.0073.
        let base = try results(Fixtures.trials())
        #expect(!ResultsDiff(base, try results(shifted(0.005)), labelA: "A", labelB: "B", tolerance: rule).changed)
        let moved = ResultsDiff(base, try results(shifted(0.01)), labelA: "A", labelB: "B", tolerance: rule)
        #expect(moved.measurementChanges.map(\.measurement) == ["accuracy"])
        #expect(abs(moved.measurementChanges[0].tolerance! - 3 * (2 * 0.003 * 0.003 / 3).squareRoot()) < 1e-12)
    }

    @Test func missingExperimentsAndClaimsAreChanges() throws {
        let a = try results(Fixtures.trials())
        var b = a
        b["fake-paper"]!.claims.removeLast()
        let d = ResultsDiff(a, b, labelA: "A", labelB: "B", tolerance: rule)
        #expect(d.claimsAddedOrRemoved == ["fake-paper/absent: only in A"] && d.changed)
        let e = ResultsDiff(a, [:], labelA: "A", labelB: "B", tolerance: rule)
        #expect(e.experimentsOnlyIn == ["fake-paper: only in A"] && e.changed)
    }

    @Test func standardErrorsFitTheStatistic() {
        typealias S = CommittedResults.SeedValue
        func entry(_ seeds: [S], sd: Double?) -> CommittedResults.MeasurementEntry {
            .init(name: "m", unit: "", exact: false, timing: false, interval: "x", value: 0.5, lower: nil, upper: nil,
                  standardDeviation: sd, reason: nil, perSeed: seeds)
        }
        // Proportion: 30 of 100 pooled over two seeds → √(0.3·0.7/100).
        let p = entry([S(seed: 1, value: 0.2, successes: 10, trials: 50), S(seed: 2, value: 0.4, successes: 20, trials: 50)], sd: 0.14)
        #expect(abs(ResultsDiff.standardError(p)! - (0.21 / 100).squareRoot()) < 1e-15)
        // Monte Carlo, one seed: its own error.
        #expect(ResultsDiff.standardError(entry([S(seed: 1, value: 1, standardError: 0.05)], sd: nil)) == 0.05)
        // Plain, two seeds: sd/√2; one seed: none.
        #expect(abs(ResultsDiff.standardError(entry([S(seed: 1, value: 1), S(seed: 2, value: 2)], sd: 0.7))! - 0.7 / 2.0.squareRoot()) < 1e-15)
        #expect(ResultsDiff.standardError(entry([S(seed: 1, value: 1)], sd: nil)) == nil)
    }
}
