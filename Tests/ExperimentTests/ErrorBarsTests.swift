import Foundation
@testable import ErrorBars
import ReproKit
import ReproStats
import Testing

@Suite("error-bars experiment, quick preset")
struct ErrorBarsExperimentTests {
    static let quick = ErrorBarsExperiment.presets.first { $0.name == "quick" }!
    static let measurements: Measurements = {
        // A failing run is a test failure; there is nothing to recover.
        try! ErrorBarsExperiment.run(Trial(preset: "quick", config: quick.config, seed: 1), .silent())
    }()

    func value(_ name: String) -> Double? { Self.measurements.scalars[name]?.value }

    @Test("Every claim's measurement is recorded, finite, and of the kind its claim asks for")
    func claimsMeasured() {
        for claim in ErrorBarsExperiment.claims {
            guard let scalar = Self.measurements.scalars[claim.measurement] else {
                Issue.record("missing \(claim.measurement)"); continue
            }
            #expect(scalar.value.isFinite, "\(claim.measurement) = \(scalar.value)")
            #expect(SeedData([scalar]).mismatch(claim.interval) == nil, "\(claim.id): kind does not fit its data")
            if claim.interval == .monteCarlo {
                // The issue's bar: a simulated coverage's own Monte Carlo error below 0.005.
                #expect((scalar.standardError ?? 1) < 0.005, "\(claim.measurement) s.e. \(String(describing: scalar.standardError))")
            }
        }
    }

    @Test("The exact sums over k agree with a θ quadrature of the fixed-θ sums")
    func exactSumsAgreeWithQuadrature() {
        let exact = BinomialCoverage(trials: 10)
        for m in BinomialCoverage.methods.indices {
            let cells = 4_000
            let quadrature = (0..<cells).reduce(0.0) { $0 + exact.atTheta(m, (Double($1) + 0.5) / Double(cells)).coverage } / Double(cells)
            #expect(abs(exact.averaged(m).coverage - quadrature) < 2e-3, "\(BinomialCoverage.methods[m].name)")
        }
    }

    @Test("The Beta-posterior interval is calibrated under its own prior; Wald collapses at the ends")
    func knownFacts() throws {
        #expect(try #require(value("iid.beta-posterior.max_deviation")) < 1e-6)
        // θ = 0.99, N = 3: k = 3 (probability 0.97) gives a zero-width Wald interval at 1; k = 1, 0 end below 0.99.
        let wald = try #require(value("fixed.wald.theta0.99.N3.coverage"))
        #expect(abs(wald - 3 * 0.99 * 0.99 * 0.01) < 1e-12, "only k = 2 covers θ = 0.99")
        #expect(try #require(value("iid.clopper-pearson.min_over_theta")) >= 0.95)
    }

    @Test("Bivariate normal orthant probabilities match Sheppard's closed form and a brute-force integral")
    func bivariateNormal() {
        for rho in [-0.95, -0.3, 0.2, 0.6, 0.93, 0.99, 0.9999] {
            let closed = 0.25 + asin(rho) / (2 * Double.pi)
            #expect(abs(Normal.bivariateCDF(0, 0, rho: rho) - closed) < 1e-9, "ρ = \(rho)")
        }
        // P(X ≤ h, Y ≤ k) = ∫_{−∞}^{h} φ(x) Φ((k − ρx)/√(1 − ρ²)) dx, Simpson on 200 000 cells.
        for (h, k, rho) in [(0.3, -0.7, 0.97), (-1.2, 0.4, 0.5), (1.5, 1.4, 0.995), (0.8, -0.2, -0.6)] {
            let lower = -9.0, cells = 200_000, step = (h - lower) / Double(cells)
            let s = (1 - rho * rho).squareRoot()
            func f(_ x: Double) -> Double { exp(-x * x / 2) / (2 * Double.pi).squareRoot() * Normal.cdf((k - rho * x) / s) }
            var sum = f(lower) + f(h)
            for i in 1..<cells { sum += f(lower + Double(i) * step) * (i % 2 == 1 ? 4 : 2) }
            #expect(abs(Normal.bivariateCDF(h, k, rho: rho) - sum * step / 3) < 1e-7, "(\(h), \(k), \(rho))")
        }
    }

    @Test("A small configuration is deterministic given the seed")
    func deterministic() throws {
        var config = Self.quick.config
        config.iidTrials = [3]; config.fixedThetaTrials = [3]; config.thetaCurveTrials = [3]
        config.pairedTrials = [3]; config.pairedRepetitions = 300; config.bankSize = 2_000
        config.clusteredTasks = [2]; config.clusteredRepetitions = 300
        config.seedRepetitions = 200; config.bootstrapRepetitions = 50
        let a = try ErrorBarsExperiment.run(Trial(preset: "test", config: config, seed: 7), .silent())
        let b = try ErrorBarsExperiment.run(Trial(preset: "test", config: config, seed: 7), .silent())
        let values = { (m: Measurements) in m.scalars.filter { !$0.value.timing }.mapValues(\.value) }
        #expect(values(a) == values(b))
        #expect(a.series == b.series)
    }

    @Test("Every figure's series is recorded")
    func figuresHaveSeries() {
        for figure in ErrorBarsExperiment.figures {
            for name in figure.series {
                #expect(Self.measurements.series[name] != nil, "missing series \(name)")
            }
        }
    }
}
