import ReproStats
import Foundation

/// IID questions (the paper's §3.1): N questions answered correctly with probability θ each, so
/// k ~ Binomial(N, θ). Every interval here depends on the data only through k, so its coverage is
/// an exact finite sum over k = 0…N — for fixed θ, and averaged over a Beta(a, b) law of θ
/// (where ∫ Binomial(k; N, θ)·1[L_k ≤ θ ≤ U_k] Beta(θ; a, b) dθ is a beta-binomial weight times
/// the Beta(a + k, b + N − k) mass of [L_k, U_k]). No simulation.
struct BinomialCoverage {
    struct Method: Sendable {
        var name: String
        var interval: @Sendable (_ successes: Int, _ trials: Int) -> Interval
    }

    /// The paper's five methods, each the workbench's own implementation (ReproStats).
    static let methods: [Method] = [
        Method(name: "wald") { CentralLimit.wald(successes: $0, trials: $1) },
        Method(name: "wilson") { Proportion.wilson(successes: $0, trials: $1) },
        Method(name: "clopper-pearson") { Proportion.clopperPearson(successes: $0, trials: $1) },
        Method(name: "beta-posterior") { Proportion.betaPosterior(successes: $0, trials: $1) },
        // The verdicts' deterministic percentile bootstrap on the N outcomes (k ones, N − k zeros).
        Method(name: "bootstrap") { k, n in
            Bootstrap.percentileMean(Array(repeating: 1, count: k) + Array(repeating: 0, count: n - k))
        },
    ]

    let trials: Int
    /// intervals[m][k]: method m's interval after k successes.
    let intervals: [[Interval]]

    init(trials n: Int, methods: [Method] = BinomialCoverage.methods) {
        trials = n
        intervals = methods.map { m in (0...n).map { m.interval($0, n) } }
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    static func binomial(_ k: Int, _ n: Int, _ p: Double) -> Double {
        if p <= 0 { return k == 0 ? 1 : 0 }
        if p >= 1 { return k == n ? 1 : 0 }
        return exp(logChoose(n, k) + Double(k) * log(p) + Double(n - k) * log(1 - p))
    }

    /// Coverage and mean width of method m at a fixed θ.
    func atTheta(_ m: Int, _ theta: Double) -> (coverage: Double, width: Double) {
        var coverage = 0.0, width = 0.0
        for k in 0...trials {
            let w = Self.binomial(k, trials, theta), ci = intervals[m][k]
            if ci.lower <= theta && theta <= ci.upper { coverage += w }
            width += w * (ci.upper - ci.lower)
        }
        return (coverage, width)
    }

    /// Coverage and mean width of method m with θ ~ Beta(a, b) (the authors' protocol draws θ
    /// from Beta(1, 1); their ablations from Beta(10, 10), Beta(100, 20), Beta(20, 100)).
    func averaged(_ m: Int, a: Double = 1, b: Double = 1) -> (coverage: Double, width: Double) {
        let n = trials
        var coverage = 0.0, width = 0.0
        let logNorm = lgamma(a + b) - lgamma(a) - lgamma(b)
        for k in 0...n {
            let ka = a + Double(k), kb = b + Double(n - k)
            // Beta-binomial P(k) = C(N, k)·B(a + k, b + N − k)/B(a, b).
            let logB = lgamma(ka) + lgamma(kb) - lgamma(ka + kb)
            let pk = exp(Self.logChoose(n, k) + logB + logNorm)
            let ci = intervals[m][k]
            let lo = min(max(ci.lower, 0), 1), hi = min(max(ci.upper, 0), 1)
            if hi > lo {
                coverage += pk * (IncompleteBeta.regularized(x: hi, a: ka, b: kb) - IncompleteBeta.regularized(x: lo, a: ka, b: kb))
            }
            width += pk * (ci.upper - ci.lower)
        }
        return (coverage, width)
    }
}
