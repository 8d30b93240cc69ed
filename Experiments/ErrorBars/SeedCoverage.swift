import ReproStats
import Foundation

/// Our own seeds (issue 15, part 4): how often the workbench's interval kinds, computed by
/// `Summary(_:kind:)` exactly as the verdicts compute them, cover the true value when a
/// measurement is summarised over n = 2…16 seeds, for per-seed values shaped like ours.
struct SeedCoverage {
    /// A per-seed value law, its true target, and the kind judged on it.
    struct Scenario: Sendable {
        var name: String
        var kind: IntervalKind
        var truth: Double
        var note: String
        /// One seed's value, its own Monte Carlo standard error (or nil), and its count (or nil).
        var draw: @Sendable (inout Draws) -> (value: Double, standardError: Double?, count: Count?)
    }

    @Sendable static func normal(_ d: inout Draws) -> (Double, Double?, Count?) { (1 + 0.3 * d.normal(), nil, nil) }
    @Sendable static func lognormal(_ d: inout Draws) -> (Double, Double?, Count?) { (exp(d.normal()), nil, nil) }
    @Sendable static func pointMass(_ d: inout Draws) -> (Double, Double?, Count?) {
        (d.uniform() < 0.5 ? 0 : d.exponential(), nil, nil)
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "normal.student-t", kind: .studentT, truth: 1,
                 note: "N(1, 0.3²) per seed: Student-t is exact here", draw: normal),
        Scenario(name: "normal.bootstrap", kind: .bootstrap, truth: 1,
                 note: "N(1, 0.3²) per seed", draw: normal),
        Scenario(name: "skewed.student-t", kind: .studentT, truth: exp(0.5),
                 note: "lognormal exp(N(0, 1)) per seed; target its mean e^{1/2}", draw: lognormal),
        Scenario(name: "skewed.bootstrap", kind: .bootstrap, truth: exp(0.5),
                 note: "lognormal per seed; target its mean", draw: lognormal),
        Scenario(name: "skewed.log-ratio", kind: .logRatio, truth: 1,
                 note: "lognormal per seed; target its geometric mean 1 (log-ratio t is exact here)", draw: lognormal),
        Scenario(name: "point-mass.student-t", kind: .studentT, truth: 0.5,
                 note: "0 with probability ½, else Exp(1): mean ½", draw: pointMass),
        Scenario(name: "point-mass.bootstrap", kind: .bootstrap, truth: 0.5,
                 note: "0 with probability ½, else Exp(1)", draw: pointMass),
        Scenario(name: "monte-carlo.monte-carlo", kind: .monteCarlo, truth: 0.2,
                 note: "seed value 0.2 + 0.01·z (between seeds) + 0.004·e (within), SE 0.004 recorded",
                 draw: { d in (0.2 + 0.01 * d.normal() + 0.004 * d.normal(), 0.004, nil) }),
        Scenario(name: "counts.proportion", kind: .proportion, truth: 0.3,
                 note: "each seed 50 Bernoulli(0.3) trials, pooled: the kind's own model",
                 draw: { d in let k = d.binomial(50, 0.3); return (Double(k) / 50, nil, Count(successes: k, trials: 50)) }),
        Scenario(name: "overdispersed.proportion", kind: .proportion, truth: 0.3,
                 note: "each seed 50 trials at its own p ~ Beta(6, 14) (mean 0.3): seeds differ, counts pooled",
                 draw: { d in
                     let p = d.beta(6, 14), k = d.binomial(50, p)
                     return (Double(k) / 50, nil, Count(successes: k, trials: 50))
                 }),
    ]

    static func coverage(_ scenario: Scenario, seeds n: Int, repetitions: Int, seed: UInt64, stream: UInt64) -> CoverageEstimate {
        var draws = Draws(seed: seed, stream: stream)
        var estimate = CoverageEstimate()
        for _ in 0..<repetitions {
            let seedsData = (0..<n).map { _ in scenario.draw(&draws) }
            let errors = seedsData.compactMap(\.1), counts = seedsData.compactMap(\.2)
            let summary = Summary(seedsData.map(\.0), kind: scenario.kind,
                                  standardErrors: errors.count == n ? errors : nil,
                                  counts: counts.count == n ? counts : nil)
            // Every kind here gives an interval for n ≥ 2 (all-equal values give a zero-width one);
            // a missing interval would count as not covering.
            if let ci = summary.interval { estimate.add(ci, truth: scenario.truth) } else { estimate.total += 1 }
        }
        return estimate
    }
}
