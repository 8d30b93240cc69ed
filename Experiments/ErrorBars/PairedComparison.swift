import ReproStats
import Foundation

/// Two models on the same N questions (the paper's §3.4), simulated from the authors' latent
/// model: per question z ~ N((Φ⁻¹(θ_A), Φ⁻¹(θ_B)), [[1, ρ], [ρ, 1]]), model A right iff z_A > 0,
/// B iff z_B > 0; θ_A, θ_B ~ Beta(1, 1), ρ = 2·Beta(4, 2) − 1 (their `--positive_rho` runs), a
/// fresh (θ_A, θ_B, ρ) for every simulated data set. The data reduce to the 2×2 counts
/// S (both right), T (only A), U (only B), V (both wrong), so every method's answer is cached by
/// its counts.
struct PairedComparison {
    static let methods = ["paired-bayes", "unpaired-bayes", "paired-wald", "unpaired-wald", "bootstrap"]

    struct Result {
        var coverage: [String: CoverageEstimate] = [:]
        /// Confident calls (P(θ_A > θ_B) ≥ 0.95 or ≤ 0.05) and how many had the wrong sign.
        var calls: [String: (made: Int, wrong: Int)] = [:]
        var effectiveSizes: [Double] = []
    }

    /// Prior points (θ_A, θ_B, ρ) with each point's log cell probabilities.
    struct Bank {
        let posterior: WeightedPosterior
        let logCells: [(s: Double, t: Double, u: Double, v: Double)]
        let logA: [(right: Double, wrong: Double)]
        let logB: [(right: Double, wrong: Double)]

        init(size: Int, seed: UInt64) {
            var rows: [(diff: Double, cells: (Double, Double, Double, Double), a: Double, b: Double)] = []
            rows.reserveCapacity(size)
            for u in Halton.points(size, dimensions: 3, seed: seed) {
                let a = u[0], b = u[1], rho = 2 * PairedComparison.beta42Quantile(u[2]) - 1
                let v = Normal.bivariateCDF(-Quantile.normal(a), -Quantile.normal(b), rho: rho)
                let s = a + b + v - 1, t = 1 - b - v, uu = 1 - a - v
                rows.append((a - b, (s, t, uu, v), a, b))
            }
            rows.sort { $0.diff < $1.diff }
            func lg(_ x: Double) -> Double { x > 0 ? log(x) : -.infinity }
            posterior = WeightedPosterior(values: rows.map(\.diff))
            logCells = rows.map { (lg($0.cells.0), lg($0.cells.1), lg($0.cells.2), lg($0.cells.3)) }
            logA = rows.map { (lg($0.a), lg(1 - $0.a)) }
            logB = rows.map { (lg($0.b), lg(1 - $0.b)) }
        }
    }

    /// Quantile of Beta(4, 2), whose CDF is 5x⁴ − 4x⁵, by bisection.
    static func beta42Quantile(_ p: Double) -> Double {
        var lo = 0.0, hi = 1.0
        for _ in 0..<60 {
            let x = (lo + hi) / 2, x4 = x * x * x * x
            if 5 * x4 - 4 * x4 * x < p { lo = x } else { hi = x }
        }
        return (lo + hi) / 2
    }

    static func term(_ count: Int, _ log: Double) -> Double { count == 0 ? 0 : Double(count) * log }

    static func run(trials n: Int, repetitions: Int, bank: Bank, seed: UInt64) -> Result {
        var draws = Draws(seed: seed, stream: 0x9A1D + UInt64(n))
        var result = Result()
        for m in methods { result.coverage[m] = CoverageEstimate() }
        var pairedCache: [Int: (Interval, Double)] = [:]
        var unpairedCache: [Int: (Interval, Double)] = [:]
        var bootstrapCache: [Int: Interval] = [:]
        var made: [String: Int] = ["paired-bayes": 0, "paired-wald": 0], wrong = made

        for _ in 0..<repetitions {
            let thetaA = draws.uniform(), thetaB = draws.uniform()
            // 2·Beta(4, 2) − 1 from Gamma(4) and Gamma(2) draws (sums of exponentials).
            let g4 = (0..<4).reduce(0.0) { acc, _ in acc + draws.exponential() }
            let g2 = draws.exponential() + draws.exponential()
            let rho = 2 * g4 / (g4 + g2) - 1
            let muA = Quantile.normal(thetaA), muB = Quantile.normal(thetaB)
            let spread = sqrt(max(0, 1 - rho * rho))
            var s = 0, t = 0, u = 0, v = 0
            for _ in 0..<n {
                let e1 = draws.normal(), e2 = draws.normal()
                let a = muA + e1 > 0, b = muB + rho * e1 + spread * e2 > 0
                switch (a, b) {
                case (true, true): s += 1
                case (true, false): t += 1
                case (false, true): u += 1
                case (false, false): v += 1
                }
            }
            let truth = thetaA - thetaB
            let key = ((s * 1001 + t) * 1001 + u)

            let paired: (Interval, Double)
            if let cached = pairedCache[key] { paired = cached } else {
                let logW = bank.logCells.map { term(s, $0.s) + term(t, $0.t) + term(u, $0.u) + term(v, $0.v) }
                let summary = bank.posterior.summary(logWeights: logW)
                result.effectiveSizes.append(summary.effectiveSize)
                paired = (summary.interval, summary.probabilityPositive)
                pairedCache[key] = paired
            }
            let ka = s + t, kb = s + u
            let unpaired: (Interval, Double)
            if let cached = unpairedCache[ka * 1001 + kb] { unpaired = cached } else {
                let logW = zip(bank.logA, bank.logB).map {
                    term(ka, $0.0.right) + term(n - ka, $0.0.wrong) + term(kb, $0.1.right) + term(n - kb, $0.1.wrong)
                }
                let summary = bank.posterior.summary(logWeights: logW)
                unpaired = (summary.interval, summary.probabilityPositive)
                unpairedCache[ka * 1001 + kb] = unpaired
            }
            let boot: Interval
            if let cached = bootstrapCache[t * 1001 + u] { boot = cached } else {
                // The verdicts' percentile bootstrap on the per-question differences x_A − x_B.
                let d = Array(repeating: 1.0, count: t) + Array(repeating: -1.0, count: u) + Array(repeating: 0.0, count: n - t - u)
                boot = Bootstrap.percentileMean(d)
                bootstrapCache[t * 1001 + u] = boot
            }
            let pairedWald = CentralLimit.pairedDifference(onlyA: t, onlyB: u, trials: n)
            result.coverage["paired-bayes"]!.add(paired.0, truth: truth)
            result.coverage["unpaired-bayes"]!.add(unpaired.0, truth: truth)
            result.coverage["paired-wald"]!.add(pairedWald, truth: truth)
            result.coverage["unpaired-wald"]!.add(CentralLimit.unpairedDifference(successesA: ka, successesB: kb, trials: n), truth: truth)
            result.coverage["bootstrap"]!.add(boot, truth: truth)

            // P(θ_A > θ_B): the paired posterior's, and the paired CLT's Φ(d̄/SE) (SE = 0: the
            // sign of d̄ is taken as certain, as a z-test with zero spread would).
            let mean = Double(t - u) / Double(n)
            let se = (pairedWald.upper - pairedWald.lower) / (2 * Quantile.normal(0.975))
            let cltProbability = se > 0 ? Normal.cdf(mean / se) : (mean > 0 ? 1 : mean < 0 ? 0 : 0.5)
            for (name, p) in [("paired-bayes", paired.1), ("paired-wald", cltProbability)] where p >= 0.95 || p <= 0.05 {
                made[name]! += 1
                if (p >= 0.95) != (truth > 0) { wrong[name]! += 1 }
            }
        }
        for name in made.keys { result.calls[name] = (made[name]!, wrong[name]!) }
        return result
    }
}
