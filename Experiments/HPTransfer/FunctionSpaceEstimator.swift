import Foundation
import ReproNumerics

/// The layerwise function-space learning rate of Milsom, Anson & Aitchison ("Function-Space
/// Learning Rates", ICML 2025, arXiv:2502.17405), estimated as their code does
/// (`flerm.py` in github.com/edwardmilsom/function-space-learning-rates-paper, class `FLeRM`).
///
/// The quantity: for a parameter tensor W_ℓ updated by ΔW_ℓ, the RMS over a batch's outputs of the
/// first-order change of the network output, ‖J_ℓ·ΔW_ℓ‖_RMS (J_ℓ = ∂f/∂W_ℓ). One probe
/// (`RandomLinComb` in flerm.py) draws ε ~ N(0, I) of the output's shape and back-propagates
/// Φ = Σ f ⊙ ε / √numel(f); with P_ℓ = ΔW_ℓ ⊙ ∂Φ/∂W_ℓ (`update_times_phigrad`),
/// (Σ P_ℓ)² = (Σ_i ε_i (J_ℓΔW_ℓ)_i)² / numel(f), whose expectation over ε is exactly
/// ‖J_ℓ·ΔW_ℓ‖²_RMS. The three `approx_type`s of `_compute_delta_ell_fs` estimate that square
/// with an exponential moving average over probes (β = 0.9, started at 0, bias-corrected by
/// 1 − βᵗ with t the number of probes so far, `self.step`):
///
/// - `iid`: √(EMA(Σ P²) / (1 − βᵗ)) — treats the terms of Σ P as uncorrelated (biased unless
///   they are);
/// - `full_cov`: √(EMA((Σ P)²) / (1 − βᵗ)) — the unbiased mean square, with the largest variance;
/// - `kronecker` (flerm.py's default): for a D-dimensional tensor, N_d = EMA(Σ over the other
///   axes of (Σ over axis d of P)²) for each axis d (torch `P.sum(d).pow(2).sum()`),
///   Q = EMA(Σ P²), estimate √(Π_d N_d / Q^(D−1) / (1 − βᵗ)) (the D − 1 other bias corrections
///   cancel); for a vector (D = 1) it equals `full_cov`.
///
/// One `FunctionSpaceEstimator` holds one EMA per parameter tensor, as one `FLeRM` object does;
/// `update(products:)` is one call of `_compute_delta_ell_fs`.
struct FunctionSpaceEstimator: Sendable {
    enum Approximation: String, Codable, Sendable, CaseIterable {
        case iid
        case fullCovariance = "full_cov"
        case kronecker
    }

    let approximation: Approximation
    /// The EMA's decay β (flerm.py: `beta=0.9`).
    let beta: Double
    /// Probes fed so far (flerm.py's `self.step` − 1).
    private(set) var probes = 0
    /// Per tensor: the EMA of Σ P² (`iid`, and Kronecker's Q).
    private var squares: [Double]
    /// Per tensor: the EMA of (Σ P)² (`full_cov`).
    private var sums: [Double]
    /// Per tensor: Kronecker's N_d, one per axis.
    private var axes: [[Double]]

    init(shapes: [[Int]], approximation: Approximation = .kronecker, beta: Double = 0.9) {
        self.approximation = approximation
        self.beta = beta
        squares = Array(repeating: 0, count: shapes.count)
        sums = Array(repeating: 0, count: shapes.count)
        axes = shapes.map { Array(repeating: 0, count: max($0.count, 1)) }
    }

    /// Feeds one probe's products P_ℓ = ΔW_ℓ ⊙ ∂Φ/∂W_ℓ (one array per tensor, in the order of
    /// `shapes`) into the EMAs and returns the estimate of ‖J_ℓ·ΔW_ℓ‖_RMS for every tensor.
    mutating func update(products: [[Float]], shapes: [[Int]]) -> [Double] {
        precondition(products.count == squares.count && shapes.count == squares.count, "one product per tensor")
        probes += 1
        let correction = 1 - pow(beta, Double(probes))
        var estimates: [Double] = []
        for (l, p) in products.enumerated() {
            let shape = shapes[l].isEmpty ? [1] : shapes[l]
            precondition(shape.reduce(1, *) == p.count, "product \(l) does not match shape \(shape)")
            var sumSquares = 0.0, total = 0.0
            for x in p { let d = Double(x); sumSquares += d * d; total += d }
            squares[l] = (1 - beta) * sumSquares + beta * squares[l]
            sums[l] = (1 - beta) * total * total + beta * sums[l]
            var axisSums = [Double](repeating: 0, count: shape.count)
            if approximation == .kronecker {
                for d in shape.indices { axisSums[d] = Self.squaredAxisSums(p, shape: shape, axis: d) }
                for d in shape.indices { axes[l][d] = (1 - beta) * axisSums[d] + beta * axes[l][d] }
            }
            switch approximation {
            case .iid:
                estimates.append((squares[l] / correction).squareRoot())
            case .fullCovariance:
                estimates.append((sums[l] / correction).squareRoot())
            case .kronecker:
                // In logs, as flerm.py does, so that products of many small N_d do not underflow.
                let logN = axes[l].reduce(0) { $0 + log($1) }
                let logEstimate = 0.5 * (logN - Double(shape.count - 1) * log(squares[l]) - log(correction))
                estimates.append(exp(logEstimate))
            }
        }
        return estimates
    }

    /// Σ over the other axes of (Σ over `axis` of P)² for P of `shape` (row-major): torch's
    /// `P.sum(axis).pow(2).sum()`.
    static func squaredAxisSums(_ p: [Float], shape: [Int], axis: Int) -> Double {
        let inner = shape[(axis + 1)...].reduce(1, *), length = shape[axis], outer = shape[..<axis].reduce(1, *)
        var total = 0.0
        for o in 0..<outer {
            for i in 0..<inner {
                var s = 0.0
                for k in 0..<length { s += Double(p[(o * length + k) * inner + i]) }
                total += s * s
            }
        }
        return total
    }
}

/// The pieces of one probe and of the direct measurement it is checked against.
enum FunctionSpaceProbe {
    /// ∂Φ/∂W_ℓ for every parameter, with Φ = Σ f ⊙ ε / √numel(f) on `inputs` and ε ~ N(0, I)
    /// drawn from `rng` (flerm.py `RandomLinComb`, then `phi.backward()`): one forward and one
    /// backward pass. The parameters' own `grad` is neither read nor changed.
    static func gradients(of output: (Tape, Tensor) -> Variable, parameters: [Parameter], inputs: Tensor,
                          rng: inout RNG) -> [[Float]] {
        let tape = Tape()
        let f = output(tape, inputs)
        let scale = 1 / Float(f.value.count).squareRoot()
        let epsilon = Tensor(shape: f.shape, data: (0..<f.value.count).map { _ in rng.normal() * scale })
        tape.backward(f, seed: epsilon, keepingGradients: true)
        var byParameter: [ObjectIdentifier: [Float]] = [:]
        for (p, g) in tape.keptGradients { byParameter[ObjectIdentifier(p)] = g }
        let gradients = parameters.map { byParameter[ObjectIdentifier($0)] ?? [Float](repeating: 0, count: $0.value.count) }
        tape.reset()
        return gradients
    }

    /// P_ℓ = ΔW_ℓ ⊙ ∂Φ/∂W_ℓ.
    static func products(updates: [[Float]], gradients: [[Float]]) -> [[Float]] {
        zip(updates, gradients).map { u, g in zip(u, g).map { $0 * $1 } }
    }

    /// The direct measurement the estimator approximates: the mean over the outputs of `inputs`
    /// of the squared directional derivative of f along `direction` in `parameter`, by central
    /// differences (f(W + hΔ) − f(W − hΔ)) / 2h with the other parameters fixed. The parameter's
    /// value is restored bit for bit afterwards.
    ///
    /// Exact for a network linear in W_ℓ; otherwise its error is O(h²) plus Float32 rounding of
    /// the outputs (≈ 6·10⁻⁸·|f| / h): take h as the step actually taken (the update at its own
    /// learning rate), which keeps both small against the change measured.
    static func meanSquareChange(of output: (Tape, Tensor) -> Variable, parameter: Parameter, direction: [Float],
                                 step h: Float, inputs: Tensor) -> Double {
        let original = parameter.value
        let tape = Tape(recording: false)
        func shifted(_ sign: Float) -> [Float] {
            parameter.value = Tensor(shape: original.shape, data: zip(original.data, direction).map { $0 + sign * h * $1 })
            tape.reset()
            return output(tape, inputs).value.data
        }
        let plus = shifted(1), minus = shifted(-1)
        parameter.value = original
        var total = 0.0
        for (a, b) in zip(plus, minus) {
            let d = (Double(a) - Double(b)) / (2 * Double(h))
            total += d * d
        }
        return total / Double(plus.count)
    }
}
