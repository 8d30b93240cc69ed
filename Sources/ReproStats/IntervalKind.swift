/// Which interval a measurement's per-seed values get. The kind is part of every claim, so an
/// experiment states what its statistic is instead of getting a Student-t interval by default.
///
/// | kind | statistic | interval |
/// |---|---|---|
/// | `exact` | seed-independent value | none: compared directly |
/// | `studentT` | mean of a continuous, roughly normal per-seed value | mean ± t(0.975; n−1)·s/√n |
/// | `pairedDifference` | mean of per-seed differences A − B on shared seeds | as `studentT`, on the differences |
/// | `logRatio` | geometric mean of positive per-seed ratios A/B on shared seeds | `studentT` on ln(ratio), exponentiated |
/// | `monteCarlo` | mean of per-seed estimates that carry their own standard error | t(n−1) on max(s², mean SE²)/n; shared samples: s²/n + mean SE², Welch–Satterthwaite df; one seed: ±1.96·SE |
/// | `proportion` | k successes in n (pooled over seeds) | equal-tailed Beta(1 + k, 1 + n − k) posterior interval, widened to the t interval of the per-seed proportions when seeds disagree |
/// | `bootstrap` | mean of a skewed, bounded or point-mass per-seed value | percentile bootstrap of the mean (under-covers at n ≤ 5) |
/// | `everySeed` | a bound that must hold in every run | [min, max] over seeds; decided by the worst seed |
///
/// Coverage of each is checked by simulation in `IntervalCoverageTests`.
public enum IntervalKind: String, Codable, Sendable, CaseIterable {
    case exact = "exact"
    case studentT = "student-t"
    case pairedDifference = "paired-t"
    case logRatio = "log-ratio-t"
    case monteCarlo = "monte-carlo-t"
    case proportion = "beta-posterior"
    case bootstrap = "percentile-bootstrap"
    case everySeed = "every-seed"

    /// One phrase for reports: what the interval is.
    public var description: String {
        switch self {
        case .exact: "exact value (seed-independent)"
        case .studentT: "Student-t 95% interval of the mean across seeds"
        case .pairedDifference: "paired Student-t 95% interval of the per-seed differences"
        case .logRatio: "geometric mean of per-seed ratios, Student-t 95% interval on their logs"
        case .monteCarlo: "95% interval combining within-trial Monte Carlo error and seed spread"
        case .proportion: "pooled proportion: hull of the 95% Beta(1+k, 1+n−k) posterior interval and the seeds' t interval"
        case .bootstrap: "percentile-bootstrap 95% interval of the mean (under-covers with ≤ 5 seeds)"
        case .everySeed: "every seed must lie in the band; range over seeds shown"
        }
    }
}

/// A proportion observed in one trial: `successes` of `trials`.
public struct Count: Codable, Sendable, Equatable {
    public var successes: Int
    public var trials: Int
    public init(successes: Int, trials: Int) {
        precondition(trials > 0 && successes >= 0 && successes <= trials, "need 0 ≤ successes ≤ trials, trials > 0")
        self.successes = successes; self.trials = trials
    }
}
