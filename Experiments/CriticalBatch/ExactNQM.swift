import Foundation
import ReproData

/// Plain SGD (no momentum) on the noisy quadratic model, computed exactly in expectation.
///
/// In the Hessian's eigenbasis the coordinates evolve independently:
///
///     θ_i ← θ_i − η·(h_i θ_i + ξ_i),   ξ_i ~ N(0, c_i/B) independent of θ
///
/// so the second moment a_i(t) = E[θ_i(t)²] obeys the closed linear recursion
///
///     a_i(t+1) = (1 − η h_i)²·a_i(t) + η² c_i / B
///
/// whose solution, for 0 < η h_i < 2, is a_i(t) = a_i^∞ + (a_i(0) − a_i^∞)·r_iᵗ with
/// r_i = (1 − η h_i)² and a_i^∞ = η c_i / (B h_i (2 − η h_i)). The expected loss is
/// E[L(t)] = ½ Σ h_i a_i(t), exact in Float64 for any t (evaluated at real t, which interpolates
/// between iterations). B = +∞ is noise-free gradient descent. θ₀ ~ N(0, I) gives a_i(0) = 1.
///
/// Steps-to-target is the smallest real t with E[L(t)] ≤ target: doubling to bracket, then
/// bisection to a relative width of 10⁻¹⁰. It is the first crossing whenever E[L(t)] is
/// non-increasing, which holds when a_i^∞ ≤ a_i(0) for every i (`isMonotone`); otherwise the
/// bisection returns some crossing. +∞ when η h_max ≥ 2 (unstable) or the floor
/// ½ Σ h_i a_i^∞ is at or above the target.
struct ExactSGD {
    let curvatures: [Double]
    let noiseVariances: [Double]
    let initialSecondMoments: [Double]

    init(_ model: NoisyQuadraticModel) {
        curvatures = model.curvatures.map(Double.init)
        noiseVariances = model.noiseVariances.map(Double.init)
        initialSecondMoments = Array(repeating: 1, count: model.dimension)
    }

    /// E[L(0)] = ½ Σ h_i.
    var initialLoss: Double { zip(curvatures, initialSecondMoments).reduce(0) { $0 + 0.5 * $1.0 * $1.1 } }

    /// The decomposition E[L(t)] = floor + Σ weight_i·exp(t·logRate_i) for one (η, B).
    struct Trajectory {
        var floor: Double
        var weights: [Double]
        var logRates: [Double]
        var stationary: [Double]
        var isMonotone: Bool

        func loss(at t: Double) -> Double {
            var sum = floor
            for i in weights.indices { sum += weights[i] * exp(t * logRates[i]) }
            return sum
        }
    }

    func trajectory(lr: Double, batch: Double) -> Trajectory? {
        guard lr > 0, lr * curvatures.max()! < 2 else { return nil }
        var weights = [Double](), logRates = [Double](), stationary = [Double]()
        var floor = 0.0, monotone = true
        for i in curvatures.indices {
            let h = curvatures[i], x = lr * h
            let aInf = batch.isInfinite ? 0 : lr * noiseVariances[i] / (batch * h * (2 - x))
            // log((1 − x)²), with log1p where 1 − x is near 1.
            logRates.append(x < 1 ? 2 * log1p(-x) : 2 * log(abs(1 - x)))
            weights.append(0.5 * h * (initialSecondMoments[i] - aInf))
            stationary.append(aInf)
            floor += 0.5 * h * aInf
            if aInf > initialSecondMoments[i] { monotone = false }
        }
        return Trajectory(floor: floor, weights: weights, logRates: logRates, stationary: stationary, isMonotone: monotone)
    }

    func stepsToTarget(_ target: Double, lr: Double, batch: Double) -> Double {
        guard let path = trajectory(lr: lr, batch: batch), path.floor < target else { return .infinity }
        if path.loss(at: 0) <= target { return 0 }
        var hi = 1.0
        while path.loss(at: hi) > target {
            hi *= 2
            if hi > 1e15 { return .infinity }
        }
        var lo = hi == 1 ? 0 : hi / 2
        while hi - lo > 1e-10 * hi {
            let mid = (lo + hi) / 2
            if path.loss(at: mid) > target { lo = mid } else { hi = mid }
        }
        return hi
    }

    /// a_i(t) along the noisy trajectory (expected, not noise-free).
    func secondMoments(lr: Double, batch: Double, at t: Double) -> [Double] {
        guard let path = trajectory(lr: lr, batch: batch) else { return [] }
        return curvatures.indices.map { i in
            path.stationary[i] + (initialSecondMoments[i] - path.stationary[i]) * exp(t * path.logRates[i])
        }
    }

    /// McCandlish et al.'s noise scales with per-example covariance Σ = diag(c) and the gradient
    /// G = Hθ, as ratios of expectations over the noisy iterate at time t:
    /// B_simple = tr Σ / E|G|² = Σ c_i / Σ h_i² a_i,   B_noise = tr(HΣ) / E[GᵀHG] = Σ h_i c_i / Σ h_i³ a_i.
    func noiseScales(lr: Double, batch: Double, at t: Double) -> (simple: Double, noise: Double) {
        let a = secondMoments(lr: lr, batch: batch, at: t)
        var trace = 0.0, weightedTrace = 0.0, gradient = 0.0, curvedGradient = 0.0
        for i in curvatures.indices {
            let h = curvatures[i], c = noiseVariances[i]
            trace += c; weightedTrace += h * c
            gradient += h * h * a[i]; curvedGradient += h * h * h * a[i]
        }
        return (trace / gradient, weightedTrace / curvedGradient)
    }
}
