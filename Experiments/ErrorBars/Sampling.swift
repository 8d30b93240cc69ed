import ReproNumerics
import ReproStats
import Foundation

/// Double-precision draws on top of the workbench's Philox generator.
struct Draws {
    var rng: RNG
    init(seed: UInt64, stream: UInt64) { rng = RNG(seed: seed, stream: stream) }

    /// Uniform in (0, 1): never exactly 0, so logs are finite.
    mutating func uniform() -> Double { (Double(rng.nextUInt64() >> 11) + 0.5) * 0x1p-53 }

    /// Standard normal (Box–Muller, one output used: simple and stateless).
    mutating func normal() -> Double {
        sqrt(-2 * log(uniform())) * cos(2 * Double.pi * uniform())
    }

    mutating func exponential() -> Double { -log(uniform()) }

    /// log of a Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 by the U^{1/a} boost,
    /// kept in logs so tiny shapes do not underflow).
    mutating func logGamma(shape a: Double) -> Double {
        if a < 1 { return logGamma(shape: a + 1) + log(uniform()) / a }
        let d = a - 1.0 / 3, c = 1 / sqrt(9 * d)
        while true {
            var x = 0.0, v = 0.0
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = uniform()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return log(d * v) }
        }
    }

    /// Beta(a, b) as X/(X + Y) of Gamma draws, computed from their logs.
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let lx = logGamma(shape: a), ly = logGamma(shape: b)
        return 1 / (1 + exp(ly - lx))
    }

    /// Binomial(n, p) by n Bernoulli draws (n is small here).
    mutating func binomial(_ n: Int, _ p: Double) -> Int {
        var k = 0
        for _ in 0..<n where uniform() < p { k += 1 }
        return k
    }
}

/// A randomly shifted Halton point set (Cranley–Patterson rotation): a low-discrepancy stand-in
/// for the authors' 10 000 fresh prior draws per data set. The shift comes from the trial's seed,
/// so the posterior's quadrature error is random across seeds and averages out.
enum Halton {
    static func radicalInverse(_ i: Int, base: Int) -> Double {
        var f = 1.0, r = 0.0, n = i
        while n > 0 { f /= Double(base); r += f * Double(n % base); n /= base }
        return r
    }

    /// `count` points in (0, 1)^dimensions (bases 2, 3, 5, 7), each coordinate shifted mod 1.
    static func points(_ count: Int, dimensions: Int, seed: UInt64) -> [[Double]] {
        precondition(dimensions <= 4)
        let bases = [2, 3, 5, 7]
        var draws = Draws(seed: seed, stream: 0xA17)
        let shifts = (0..<dimensions).map { _ in draws.uniform() }
        return (1...count).map { i in
            (0..<dimensions).map { d in
                let x = radicalInverse(i, base: bases[d]) + shifts[d]
                let y = x >= 1 ? x - 1 : x
                return min(max(y, 1e-12), 1 - 1e-12)
            }
        }
    }
}

enum Normal {
    static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / sqrt(2)) }

    /// P(X ≤ h, Y ≤ k) for standard normals with correlation ρ, from
    /// Φ₂ = Φ(h)Φ(k) + (1/2π)∫₀^{asin ρ} exp(−(h² + k² − 2hk sin t)/(2 cos² t)) dt
    /// (differentiate Φ₂ in ρ and substitute ρ = sin t). 8-point Gauss–Legendre on panels that
    /// shrink geometrically towards asin ρ, where the integrand changes fast as |ρ| → 1.
    /// (The authors use Tsay & Ke's closed-form approximation; this is exact to ~1e-10.)
    static func bivariateCDF(_ h: Double, _ k: Double, rho: Double) -> Double {
        let base = cdf(h) * cdf(k)
        if rho == 0 { return base }
        let top = asin(min(1, max(-1, rho)))
        var edges: [Double] = [0]
        if abs(rho) <= 0.9 {
            edges += (1...4).map { top * Double($0) / 4 }
        } else {
            edges += (1...24).map { top * (1 - pow(2, -Double($0))) }
            edges.append(top)
        }
        var integral = 0.0
        for p in 0..<(edges.count - 1) {
            let a = edges[p], b = edges[p + 1], mid = (a + b) / 2, half = (b - a) / 2
            for (x, w) in zip(gaussLegendreNodes, gaussLegendreWeights) {
                for t in [mid - half * x, mid + half * x] {
                    let c = cos(t)
                    guard c > 0 else { continue }
                    let e = -(h * h + k * k - 2 * h * k * sin(t)) / (2 * c * c)
                    integral += w * half * exp(e)
                }
            }
        }
        return min(1, max(0, base + integral / (2 * Double.pi)))
    }

    static let gaussLegendreNodes = [0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363]
    static let gaussLegendreWeights = [0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763]
}

/// A posterior represented by weights on a fixed set of prior points, each carrying the value of
/// the quantity of interest; the points are sorted by that value once.
struct WeightedPosterior {
    /// Quantity of interest at each prior point, ascending.
    let values: [Double]

    /// Equal-tailed interval and P(value > 0) from unnormalised log-weights (−∞ allowed).
    func summary(logWeights: [Double], level: Double = 0.95) -> (interval: Interval, probabilityPositive: Double, effectiveSize: Double) {
        let top = logWeights.max() ?? 0
        var weights = [Double](repeating: 0, count: logWeights.count)
        var total = 0.0, squares = 0.0, positive = 0.0
        for i in logWeights.indices {
            let w = logWeights[i].isFinite ? exp(logWeights[i] - top) : 0
            weights[i] = w; total += w; squares += w * w
            if values[i] > 0 { positive += w }
        }
        let alpha = 1 - level
        let lower = quantile(weights, total: total, alpha / 2)
        let upper = quantile(weights, total: total, 1 - alpha / 2)
        return (Interval(lower: lower, upper: upper, level: level, method: "importance-weighted posterior"),
                positive / total, total * total / squares)
    }

    /// Smallest value whose cumulative weight reaches p·total.
    private func quantile(_ weights: [Double], total: Double, _ p: Double) -> Double {
        let target = p * total
        var cumulative = 0.0
        for i in weights.indices {
            cumulative += weights[i]
            if cumulative >= target { return values[i] }
        }
        return values[values.count - 1]
    }
}

/// Coverage estimate from `covered` of `total` independent simulated data sets, with its
/// binomial standard error (the Monte Carlo error of the estimate itself).
struct CoverageEstimate {
    var covered = 0
    var total = 0
    var widthSum = 0.0
    var widthSquares = 0.0
    mutating func add(_ ci: Interval, truth: Double) {
        total += 1
        if ci.lower <= truth && truth <= ci.upper { covered += 1 }
        let w = ci.upper - ci.lower
        widthSum += w; widthSquares += w * w
    }
    var value: Double { Double(covered) / Double(total) }
    var standardError: Double {
        let p = value
        // At p = 0 or 1 the plug-in SE is 0; use the Beta(1,1)-posterior SD instead, never 0.
        let q = (Double(covered) + 1) / (Double(total) + 2)
        return max(sqrt(p * (1 - p) / Double(total)), sqrt(q * (1 - q) / Double(total + 3)))
    }
    var meanWidth: Double { widthSum / Double(total) }
    var widthStandardError: Double {
        let n = Double(total), m = meanWidth
        return sqrt(max(0, widthSquares / n - m * m) / max(1, n - 1))
    }
}
