import Foundation
import ReproData
import ReproNumerics
import ReproOptim

/// The optimisers compared on the Monte Carlo NQM. All run at a constant learning rate.
///
/// - `sgd`: plain SGD (the preconditioning-free baseline of Zhang et al.).
/// - `normalizedSGD`: θ ← θ − η·g/‖g‖₂ (steepest descent under ℓ₂ on the whole tensor).
/// - `signSGD`: θ ← θ − η·sign(g) (steepest descent under ℓ∞).
/// - `adam`: Adam with PyTorch defaults β = (0.9, 0.999), ε = 10⁻⁸.
/// - `spectral`: W ← W − η·UVᵀ for g = UΣVᵀ, the exact polar factor by SVD (steepest descent
///   under the spectral norm; Muon without momentum and without the Newton–Schulz approximation).
///
/// No momentum anywhere (Cesista & Wen's bound allows Nesterov momentum; we test the plain
/// steepest-descent steps). The first four come from ReproOptim.
public enum NQMOptimizer: String, Codable, Sendable, CaseIterable {
    case sgd
    case normalizedSGD = "nsgd"
    case signSGD = "sign"
    case adam
    case spectral

    /// The ReproOptim implementation; nil for `spectral` (exact polar factor, `PolarFactor`).
    var reference: (any Optimizer)? {
        switch self {
        case .sgd: SGD()
        case .normalizedSGD: SteepestDescent.normalizedSGD()
        case .signSGD: SteepestDescent.signSGD()
        case .adam: Adam()
        case .spectral: nil
        }
    }

    /// Where the search at the smallest batch starts; the bracketing walk moves from there.
    var firstGuess: Double {
        switch self {
        case .sgd: 0.05
        case .normalizedSGD: 0.05
        case .signSGD, .adam: 0.002
        case .spectral: 0.01
        }
    }
}

/// The NQM of Zhang et al. as a trainable tensor, driven by mini-batch gradients
/// g = Hθ + ξ, ξ ~ N(0, C/B), and run until the (exact, noise-free) loss ½ Σ h θ² reaches a target.
///
/// Vector form: θ ∈ ℝᵈ with h_i = i^−1 (`NoisyQuadraticModel(dimension: d)`).
/// Matrix form: W ∈ ℝ^{m×n}, L = ½ tr(WᵀHW) with H = diag(h_1…h_m) from
/// `NoisyQuadraticModel(dimension: m)`: row i has curvature h_i and noise variance c_i per entry.
/// θ₀ ~ N(0, I); the target is a fraction of E[L(θ₀)] = ½ Σ h.
///
/// Randomness: θ₀ from `RNG(seed, .initialisation).derived(form)`, the gradient noise of a run
/// from `RNG(seed, .noise).derived(form·1000 + batch index)` — every rate and every optimiser at
/// one batch size sees the same noise draws (common random numbers), so rate comparisons are
/// not blurred by independent noise.
struct MonteCarloNQM {
    enum Form: String, Codable, Sendable { case vector, matrix }

    let form: Form
    let rows: Int
    let cols: Int
    /// h and c per entry, row-major.
    let curvatures: [Float]
    let noiseDeviations: [Float]
    let initial: [Float]
    let target: Double

    init(form: Form, rows: Int, cols: Int, targetFraction: Double, seed: UInt64) {
        self.form = form; self.rows = rows; self.cols = cols
        let model = NoisyQuadraticModel(dimension: form == .vector ? rows * cols : rows)
        let perEntry = { (values: [Float]) in form == .vector ? values : values.flatMap { Array(repeating: $0, count: cols) } }
        curvatures = perEntry(model.curvatures)
        noiseDeviations = perEntry(model.noiseVariances).map { $0.squareRoot() }
        var rng = RNG(seed: seed, stream: RNG.Stream.initialisation).derived(form == .vector ? 0 : 1)
        initial = rng.normals(rows * cols)
        target = targetFraction * curvatures.reduce(0) { $0 + 0.5 * Double($1) }
    }

    func loss(_ theta: [Float]) -> Double {
        var sum = 0.0
        for i in theta.indices { sum += Double(curvatures[i]) * Double(theta[i]) * Double(theta[i]) }
        return sum / 2
    }

    /// Steps until loss ≤ target, +∞ if the run diverges or `maxSteps` pass, and `cap` itself
    /// when the run passes `cap` < `maxSteps` (a censored count: the caller already knows a
    /// rate that is at least `cap` steps faster).
    func stepsToTarget(_ optimizer: NQMOptimizer, lr: Double, batch: Double, batchIndex: Int,
                       seed: UInt64, cap: Int, maxSteps: Int) -> Double {
        let parameter = Parameter(name: "theta", role: .hiddenMatrix,
                                  value: Tensor(shape: form == .vector ? [rows * cols] : [rows, cols], data: initial))
        var noise = RNG(seed: seed, stream: RNG.Stream.noise).derived(UInt64((form == .vector ? 0 : 1) * 1000 + batchIndex))
        var reference = optimizer.reference
        var polar = optimizer == .spectral ? PolarFactor(rows: rows, cols: cols) : nil
        let scale = Float(1 / batch.squareRoot())
        let limit = min(cap, maxSteps)
        for step in 1...limit {
            let z = noise.normals(rows * cols)
            parameter.value.data.withUnsafeBufferPointer { theta in
                parameter.grad.data.withUnsafeMutableBufferPointer { g in
                    for i in g.indices { g[i] = curvatures[i] * theta[i] + scale * noiseDeviations[i] * z[i] }
                }
            }
            if var p = polar {
                let direction = p(parameter.grad.data)
                polar = p
                let eta = Float(lr)
                parameter.value.data.withUnsafeMutableBufferPointer { theta in
                    for i in theta.indices { theta[i] -= eta * direction[i] }
                }
            } else {
                do { try reference!.step([parameter], lr: Float(lr)) } catch { return .infinity }
            }
            let l = loss(parameter.value.data)
            if !l.isFinite { return .infinity }
            if l <= target { return Double(step) }
        }
        return limit < maxSteps ? Double(limit) : .infinity
    }
}
