import RealModule

/// A two-sided confidence interval around a point estimate.
public struct Interval: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    /// Nominal coverage, e.g. 0.95.
    public var level: Double
    /// How it was computed ("student-t", "wilson", "clopper-pearson", "exact").
    public var method: String

    public init(lower: Double, upper: Double, level: Double, method: String) {
        self.lower = lower; self.upper = upper; self.level = level; self.method = method
    }
    public var halfWidth: Double { (upper - lower) / 2 }
}

/// Point estimate, spread and interval of a handful of per-seed values, for one `IntervalKind`.
public struct Summary: Codable, Sendable, Equatable {
    public var values: [Double]
    public var kind: IntervalKind
    /// The kind's point estimate: the arithmetic mean, except the geometric mean for `logRatio`
    /// and the pooled k/n for `proportion`.
    public var mean: Double
    /// Sample standard deviation of the per-seed values (n − 1 denominator); nil for one value.
    public var standardDeviation: Double?
    /// The kind's 95% interval; nil when the data cannot give one (`problem` says why, or there
    /// is a single seed of a kind that needs a spread, or a seed diverged, or the kind is exact).
    public var interval: Interval?
    /// Why the requested kind could not be computed from these data (missing standard errors,
    /// missing counts, non-positive ratios); nil when it could.
    public var problem: String?
    public var count: Int { values.count }

    /// Summarise per-seed values with a Student-t interval on the mean.
    ///
    /// With n seeds the interval is mean ± t(1 − α/2; n − 1)·s/√n. It is exact for normal
    /// per-seed values; for n = 1 there is no interval. Non-finite values (a diverged seed)
    /// make the mean non-finite and the interval nil: a divergence is reported, never averaged away.
    public init(_ values: [Double], level: Double = 0.95) {
        self.init(values, kind: .studentT, level: level)
    }

    /// Summarise per-seed values with the interval of `kind`.
    ///
    /// - `standardErrors`: each seed's own Monte Carlo standard error (required for `.monteCarlo`).
    ///   `sampleShared`: the seeds estimated their means on the same samples, so that error is
    ///   common to all of them and does not average out (it is added in full, not divided by n).
    /// - `counts`: each seed's successes and trials (required for `.proportion`; pooled).
    public init(_ values: [Double], kind: IntervalKind, standardErrors: [Double]? = nil, sampleShared: Bool = false,
                counts: [Count]? = nil, level: Double = 0.95) {
        precondition(!values.isEmpty, "cannot summarise zero values")
        self.values = values
        self.kind = kind
        problem = nil
        interval = nil
        let n = Double(values.count)
        mean = values.reduce(0, +) / n
        let finite = values.allSatisfy(\.isFinite)
        if values.count > 1 && finite {
            let m = mean
            standardDeviation = Double.sqrt(values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1))
        } else {
            standardDeviation = nil
        }
        guard finite else { return }
        let alpha = 1 - level
        switch kind {
        case .exact:
            return
        case .studentT, .pairedDifference:
            guard let sd = standardDeviation else { return }
            let t = Quantile.studentT(1 - alpha / 2, df: n - 1)
            interval = Interval(lower: mean - t * sd / Double.sqrt(n), upper: mean + t * sd / Double.sqrt(n),
                                level: level, method: kind.rawValue)
        case .logRatio:
            guard values.allSatisfy({ $0 > 0 }) else {
                problem = "a ratio is not positive, so it has no logarithm"; return
            }
            let logs = values.map { Double.log($0) }
            let logMean = logs.reduce(0, +) / n
            mean = Double.exp(logMean)
            guard values.count > 1 else { return }
            let s = Double.sqrt(logs.reduce(0) { $0 + ($1 - logMean) * ($1 - logMean) } / (n - 1))
            let t = Quantile.studentT(1 - alpha / 2, df: n - 1)
            interval = Interval(lower: Double.exp(logMean - t * s / Double.sqrt(n)),
                                upper: Double.exp(logMean + t * s / Double.sqrt(n)), level: level, method: kind.rawValue)
        case .monteCarlo:
            guard let se = standardErrors, se.count == values.count, se.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                problem = "no within-trial standard error was recorded"; return
            }
            interval = Self.monteCarlo(mean: mean, sd: standardDeviation, n: values.count, standardErrors: se,
                                       shared: sampleShared, level: level)
        case .proportion:
            guard let counts, counts.count == values.count else {
                problem = "no success counts were recorded"; return
            }
            let k = counts.reduce(0) { $0 + $1.successes }, trials = counts.reduce(0) { $0 + $1.trials }
            mean = Double(k) / Double(trials)
            interval = Proportion.acrossSeeds(counts, level: level)
        case .bootstrap:
            guard values.count > 1 else { return }
            interval = Bootstrap.percentileMean(values, level: level)
        case .everySeed:
            interval = Interval(lower: values.min()!, upper: values.max()!, level: 1, method: kind.rawValue)
        }
    }

    /// mean ± q·√V. Independent samples: the per-seed spread s² already contains the
    /// within-trial variance, so V = max(s², mean SE²)/n (the known within part floors a spread
    /// that came out small by chance) and q = t(n − 1): the floor is no reason to trust s less,
    /// and switching to the normal quantile under it under-covered (0.93 at n = 3 in the
    /// error-bars experiment). Shared samples: the common error does not average out,
    /// V = s²/n + mean SE², with ν by Welch–Satterthwaite, the within part counting as known
    /// (ν = ∞ when it dominates). One seed: V = SE², normal quantile.
    static func monteCarlo(mean: Double, sd: Double?, n: Int, standardErrors se: [Double], shared: Bool,
                           level: Double) -> Interval {
        let nn = Double(n)
        let within = se.reduce(0) { $0 + $1 * $1 } / nn
        let between = (sd ?? 0) * (sd ?? 0)
        let alpha = 1 - level
        let variance: Double, quantile: Double
        if n == 1 {
            variance = within
            quantile = Quantile.normal(1 - alpha / 2)
        } else if shared {
            variance = between / nn + within
            let betweenPart = between / nn
            quantile = betweenPart > 0
                ? Quantile.studentT(1 - alpha / 2, df: variance * variance * (nn - 1) / (betweenPart * betweenPart))
                : Quantile.normal(1 - alpha / 2)
        } else {
            variance = max(between, within) / nn
            quantile = Quantile.studentT(1 - alpha / 2, df: nn - 1)
        }
        let half = quantile * Double.sqrt(variance)
        return Interval(lower: mean - half, upper: mean + half, level: level, method: IntervalKind.monteCarlo.rawValue)
    }
}

/// Intervals for a proportion k/n.
public enum Proportion {
    /// Wilson score interval: good coverage even for small n and k near 0 or n.
    public static func wilson(successes k: Int, trials n: Int, level: Double = 0.95) -> Interval {
        precondition(n > 0 && k >= 0 && k <= n, "need 0 ≤ k ≤ n, n > 0")
        let z = Quantile.normal(1 - (1 - level) / 2)
        let nn = Double(n), p = Double(k) / nn, z2 = z * z
        let centre = (p + z2 / (2 * nn)) / (1 + z2 / nn)
        let half = z * Double.sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn)
        // At k = 0 (k = n) the lower (upper) end is 0 (1) exactly; rounding would leave ~1e-17.
        let lower = k == 0 ? 0 : max(0, centre - half), upper = k == n ? 1 : min(1, centre + half)
        return Interval(lower: lower, upper: upper, level: level, method: "wilson")
    }

    /// The equal-tailed interval of the Beta(1 + k, 1 + n − k) posterior (uniform prior), the
    /// interval Bowyer, Aitchison & Ivanova (arXiv 2503.01747) recommend for small n. Its
    /// coverage averaged over a uniform true proportion is the nominal level by construction.
    public static func betaPosterior(successes k: Int, trials n: Int, level: Double = 0.95) -> Interval {
        precondition(n > 0 && k >= 0 && k <= n, "need 0 ≤ k ≤ n, n > 0")
        let alpha = 1 - level, a = Double(1 + k), b = Double(1 + n - k)
        return Interval(lower: IncompleteBeta.inverse(p: alpha / 2, a: a, b: b),
                        upper: IncompleteBeta.inverse(p: 1 - alpha / 2, a: a, b: b),
                        level: level, method: IntervalKind.proportion.rawValue)
    }

    /// A proportion measured in several seeds: the hull of the Beta posterior interval of the
    /// pooled counts (the binomial error within trials) and the Student-t interval of the
    /// per-seed proportions (the spread between seeds). Pooling alone treats every success as an
    /// independent draw with one common p; when p varies from seed to seed (or the successes of
    /// one trial are correlated, as singular values of one matrix are) its coverage stays near
    /// 0.70 however many seeds there are (error-bars experiment, "our own seeds"). The t part
    /// restores it; with one seed, or equal per-seed proportions, the hull is the Beta interval.
    public static func acrossSeeds(_ counts: [Count], level: Double = 0.95) -> Interval {
        precondition(!counts.isEmpty, "need at least one count")
        let k = counts.reduce(0) { $0 + $1.successes }, n = counts.reduce(0) { $0 + $1.trials }
        let pooled = betaPosterior(successes: k, trials: n, level: level)
        guard counts.count > 1 else { return pooled }
        let seedwise = Summary(counts.map { Double($0.successes) / Double($0.trials) }, kind: .studentT, level: level).interval
        guard let seedwise else { return pooled }
        return Interval(lower: max(0, min(pooled.lower, seedwise.lower)), upper: min(1, max(pooled.upper, seedwise.upper)),
                        level: level, method: IntervalKind.proportion.rawValue)
    }

    /// Clopper–Pearson (Beta) interval: never under-covers.
    public static func clopperPearson(successes k: Int, trials n: Int, level: Double = 0.95) -> Interval {
        precondition(n > 0 && k >= 0 && k <= n, "need 0 ≤ k ≤ n, n > 0")
        let alpha = 1 - level
        let lower = k == 0 ? 0 : IncompleteBeta.inverse(p: alpha / 2, a: Double(k), b: Double(n - k + 1))
        let upper = k == n ? 1 : IncompleteBeta.inverse(p: 1 - alpha / 2, a: Double(k + 1), b: Double(n - k))
        return Interval(lower: lower, upper: upper, level: level, method: "clopper-pearson")
    }
}
