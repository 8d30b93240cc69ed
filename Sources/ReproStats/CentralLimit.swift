import RealModule

/// Central-limit (normal-approximation) intervals: estimate ± z·SE. These are what the interval
/// kinds exist to avoid at small n; they are here so that the `error-bars` experiment can measure
/// how badly they cover (Bowyer, Aitchison & Ivanova, arXiv 2503.01747, whose baselines these are,
/// written as in their code `eval_lib/src/intervals*.py`). Nothing in the verdicts uses them.
public enum CentralLimit {
    /// Wald interval p̂ ± z·√(p̂(1 − p̂)/n) for k successes in n trials. Zero width at k = 0 or
    /// k = n; not clipped to [0, 1] (as the authors' `freq_confidence_interval`).
    public static func wald(successes k: Int, trials n: Int, level: Double = 0.95) -> Interval {
        precondition(n > 0 && k >= 0 && k <= n, "need 0 ≤ k ≤ n, n > 0")
        let z = Quantile.normal(1 - (1 - level) / 2)
        let p = Double(k) / Double(n)
        let half = z * Double.sqrt(p * (1 - p) / Double(n))
        return Interval(lower: p - half, upper: p + half, level: level, method: "wald")
    }

    /// Two models answering the same n questions, θ_A − θ_B from the paired differences
    /// d_i = x_A,i − x_B,i ∈ {−1, 0, 1}: d̄ ± z·√(Σ(d_i − d̄)² / (n(n − 1))). Only the discordant
    /// counts matter: `onlyA` questions A got right and B wrong, `onlyB` the reverse. Needs n ≥ 2.
    public static func pairedDifference(onlyA: Int, onlyB: Int, trials n: Int, level: Double = 0.95) -> Interval {
        precondition(n > 1 && onlyA >= 0 && onlyB >= 0 && onlyA + onlyB <= n, "need n ≥ 2 and onlyA + onlyB ≤ n")
        let z = Quantile.normal(1 - (1 - level) / 2)
        let nn = Double(n)
        let mean = Double(onlyA - onlyB) / nn
        let squares = max(0, Double(onlyA + onlyB) - nn * mean * mean)
        let half = z * Double.sqrt(squares / (nn * (nn - 1)))
        return Interval(lower: mean - half, upper: mean + half, level: level, method: "paired-wald")
    }

    /// The same difference treating the two models as independent samples:
    /// (p̂_A − p̂_B) ± z·√(SE_A² + SE_B²) with SE² = p̂(1 − p̂)/n.
    public static func unpairedDifference(successesA a: Int, successesB b: Int, trials n: Int, level: Double = 0.95) -> Interval {
        precondition(n > 0 && a >= 0 && a <= n && b >= 0 && b <= n, "need 0 ≤ successes ≤ n, n > 0")
        let z = Quantile.normal(1 - (1 - level) / 2)
        let nn = Double(n), pa = Double(a) / nn, pb = Double(b) / nn
        let half = z * Double.sqrt(pa * (1 - pa) / nn + pb * (1 - pb) / nn)
        return Interval(lower: pa - pb - half, upper: pa - pb + half, level: level, method: "unpaired-wald")
    }

    /// Clustered standard error (Miller 2024, arXiv 2411.00640, as in the authors'
    /// `clt_subtask_confidence_interval`): questions come in clusters (tasks), cluster t has
    /// `successes[t]` of `trials[t]`. With p̂ the pooled mean and r_i = x_i − p̂,
    /// SE² = p̂(1 − p̂)/N + (1/N²)·Σ_t Σ_{i≠j ∈ t} r_i r_j; the absolute value is taken before the
    /// square root (the sum can be negative). Interval p̂ ± z·SE.
    public static func clustered(successes: [Int], trials: [Int], level: Double = 0.95) -> Interval {
        precondition(!successes.isEmpty && successes.count == trials.count, "one count per cluster")
        precondition(zip(successes, trials).allSatisfy { $0 >= 0 && $0 <= $1 && $1 > 0 }, "need 0 ≤ s_t ≤ n_t, n_t > 0")
        let z = Quantile.normal(1 - (1 - level) / 2)
        let total = Double(trials.reduce(0, +))
        let p = Double(successes.reduce(0, +)) / total
        var within = 0.0
        for (s, n) in zip(successes, trials) {
            let sum = Double(s) - Double(n) * p
            let squares = Double(s) * (1 - p) * (1 - p) + Double(n - s) * p * p
            within += sum * sum - squares
        }
        let variance = p * (1 - p) / total + within / (total * total)
        let half = z * Double.sqrt(abs(variance))
        return Interval(lower: p - half, upper: p + half, level: level, method: "clustered-wald")
    }
}
