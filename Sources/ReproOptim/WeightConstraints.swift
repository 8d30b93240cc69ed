import CReproBLAS
import Foundation
import ReproNumerics

/// A map applied to a weight matrix after each optimiser step, to keep its norm bounded: the
/// constraint methods of Newhouse, Hess, Cesista et al., "Training Transformers with Enforced
/// Lipschitz Constants" (arXiv:2507.13338), as their code implements them
/// (github.com/Arongil/lipschitz-transformers, `modula/atom.py`, commit 158692e).
///
/// Norms are RMS→RMS operator norms, as in the paper's code: a [fan-out, fan-in] weight W is
/// measured as ‖W‖_RMS = ‖M‖₂ with M = W/s and s = √(fan-out/fan-in) (`Linear.project` divides by
/// `scale = sqrt(fanout/fanin)`, maps, multiplies back). `maxNorm` (their `w_max`) bounds ‖M‖₂.
/// For spectral normalisation the code also multiplies the scale by w_max
/// (`sensitive_to_wmax`, set in `models.py` for hard_cap, orthogonal and spec_normalize), which
/// is the same as comparing σ(M) with w_max, as done here.
///
/// What each guarantees, with σ the singular values of M after the map:
/// - `spectralNormalize`: M ← M / max(1, σ̂/w_max) with σ̂ from power iteration. σ_max ≤ w_max·σ_true/σ̂,
///   so ≤ w_max exactly only when the power iteration has converged (σ̂ ≤ σ_true always).
/// - `spectralHammer`: M ← M + (w_max − σ̂)·u·vᵀ sets the top singular value to w_max (when the
///   power iteration converged). No bound: σ₂ is untouched and may exceed w_max.
/// - `spectralWeightDecay(rate)`: M ← M − rate·σ̂·u·vᵀ shrinks the top singular value by (1 − rate).
///   No bound.
/// - `softCap`: the odd polynomial σ ↦ p(σ) = q₊(q₋(σ)), q∓(x) = x ∓ αx³, with α from
///   `softCapStrength` so that p(k) = w_max for k = w_max + (the step's largest RMS→RMS update). It
///   guarantees σ_max ≤ w_max after every step only for small enough steps: when every singular
///   value before the map is ≤ k (true when σ_max ≤ w_max before the step and the update's norm
///   is at most the coupling's) and αk² ≤ `softCapMonotoneLimit` (update ≤ 0.30·w_max), because p
///   increases on [0, k] exactly then.
/// - `hardCap`: σ ↦ min(σ, w_max) exactly, by the Float64 eigen-decomposition of the Gram matrix
///   (their `pure_svd`; their `hard_cap` is a 4-step quintic approximation of the same map,
///   credited to F. Cesista). Guarantees σ_max ≤ w_max up to Float32 rounding of the result.
/// - `rowRMS(maxRMS)`: each row r ← r / max(1, RMS(r)/maxRMS): every row's RMS ≤ maxRMS exactly (up
///   to rounding). Their `embed_project` with `max_inflation_factor` 1 on an embedding table; our
///   tables are [count, dimension], so their columns are our rows.
public enum WeightConstraint: Sendable, Codable, Equatable, Hashable {
    case spectralNormalize(maxNorm: Double)
    case spectralHammer(maxNorm: Double)
    case spectralWeightDecay(rate: Double)
    case softCap(maxNorm: Double)
    case hardCap(maxNorm: Double)
    case rowRMS(maxRMS: Double)

    /// The RMS→RMS bound the map enforces (exactly or for small steps, see above), nil for maps
    /// that enforce none.
    public var enforcedNorm: Double? {
        switch self {
        case .spectralNormalize(let w), .softCap(let w), .hardCap(let w): w
        case .spectralHammer, .spectralWeightDecay, .rowRMS: nil
        }
    }

    /// Whether the map needs the top singular triple from power iteration.
    var usesPowerIteration: Bool {
        switch self {
        case .spectralNormalize, .spectralHammer, .spectralWeightDecay: true
        case .softCap, .hardCap, .rowRMS: false
        }
    }

    /// Applies the map to the row-major [fan-out = rows, fan-in = cols] weight `w`.
    ///
    /// - `updateNorm`: the largest RMS→RMS norm the optimiser step just taken can have (the soft
    ///   cap's coupling; ignored by the others).
    /// - `powerStart`: the power iteration's start vector (min(rows, cols) entries); replaced by
    ///   the converged vector, so the next call warm-starts from it.
    /// - `powerIterations`: 16 in the paper's code.
    public func apply(to w: inout [Float], rows: Int, cols: Int, updateNorm: Double = 0,
                      powerStart: inout [Double], powerIterations: Int = 16) {
        precondition(w.count == rows * cols, "WeightConstraint: \(w.count) elements is not \(rows)×\(cols)")
        let s = (Double(rows) / Double(cols)).squareRoot()
        switch self {
        case .rowRMS(let maxRMS):
            Self.capRowRMS(&w, rows: rows, cols: cols, maxRMS: maxRMS)
            return
        case .hardCap(let wMax):
            let clipped = MatrixSpectrum.mapSingularValues(w.map(Double.init), rows: rows, cols: cols) { sigma in
                sigma > s * wMax ? s * wMax / sigma : 1
            }
            w = clipped.map { Float($0) }
            return
        case .softCap(let wMax):
            let alpha = Self.softCapStrength(maxNorm: wMax, updateNorm: updateNorm)
            guard alpha > 0 else { return }
            // On W = s·M: M(I ∓ αMᵀM) = W(I ∓ (α/s²)WᵀW)/s·s, i.e. the same passes on W with α/s².
            var x = w.map(Double.init)
            Self.oddCubicPass(&x, rows: rows, cols: cols, alpha: -alpha / (s * s))
            Self.oddCubicPass(&x, rows: rows, cols: cols, alpha: alpha / (s * s))
            w = x.map { Float($0) }
            return
        case .spectralNormalize, .spectralHammer, .spectralWeightDecay:
            break
        }
        let (u, sigmaW, v) = MatrixSpectrum.powerIteration(w, rows: rows, cols: cols, start: powerStart,
                                                           iterations: powerIterations)
        powerStart = rows < cols ? u : v
        let sigma = sigmaW / s  // σ̂ of M
        switch self {
        case .spectralNormalize(let wMax):
            let divisor = max(1, sigma / wMax)
            if divisor > 1 { for i in w.indices { w[i] = Float(Double(w[i]) / divisor) } }
        case .spectralHammer(let wMax):
            Self.addOuter(&w, rows: rows, cols: cols, coefficient: s * (wMax - sigma), u: u, v: v)
        case .spectralWeightDecay(let rate):
            Self.addOuter(&w, rows: rows, cols: cols, coefficient: -rate * sigmaW, u: u, v: v)
        case .softCap, .hardCap, .rowRMS:
            preconditionFailure("handled above")
        }
    }

    // MARK: The soft cap

    /// α for the soft cap: the smallest non-negative root of
    /// −k⁹α⁴ + 3k⁷α³ − 3k⁵α² + (k − w_max) = 0 with k = w_max + updateNorm, i.e. the α for which the
    /// two passes send k to w_max (lipschitz-transformers `modula/atom.py`, `soft_cap_coupling`,
    /// with `wd` = 0: weight decay only lowers k, so leaving it out keeps the cap at least as strong).
    ///
    /// With β = αk² the condition is q(β) = w_max/k for q(β) = 1 − 3β² + 3β³ − β⁴, which is strictly
    /// decreasing on [0, ∞) (q′(β) = −β(6 − 9β + 4β²) < 0), so the root is unique; it is found by
    /// bisection in Float64. k ≤ w_max needs no cap: α = 0 (the authors' root filter would return 1
    /// there, a case their training never meets with wd = 0).
    ///
    /// Difference from their code: `Linear.project` passes `max_update_norm / scale` although the
    /// update's norm is already in the RMS→RMS units of M, which makes the cap weaker than the
    /// update for layers with fan-out > fan-in (their 4d×d MLP input layers). Here `updateNorm` is
    /// the update's RMS→RMS norm, unscaled.
    public static func softCapStrength(maxNorm wMax: Double, updateNorm: Double) -> Double {
        precondition(wMax > 0 && updateNorm >= 0, "softCapStrength needs w_max > 0 and a non-negative update norm")
        let k = wMax + updateNorm
        guard k > wMax else { return 0 }
        let target = wMax / k
        var (lo, hi) = (0.0, 1.0)
        while softCapPolynomial(hi) > target { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if softCapPolynomial(mid) > target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2 / (k * k)
    }

    /// q(β) = 1 − 3β² + 3β³ − β⁴: the two soft-cap passes send σ to σ·q(ασ²).
    public static func softCapPolynomial(_ beta: Double) -> Double {
        1 - beta * beta * (3 - 3 * beta + beta * beta)
    }

    /// The soft cap's scalar map p(σ) = q₊(q₋(σ)) = σ·q(ασ²).
    public static func softCapMap(_ sigma: Double, alpha: Double) -> Double {
        let first = sigma - alpha * sigma * sigma * sigma
        return first + alpha * first * first * first
    }

    /// β_c ≈ 0.33, the root of d/dσ[σ·q(ασ²)] = 0 in β = ασ², i.e. of 1 − 15β² + 21β³ − 9β⁴: p
    /// increases on [0, k] iff αk² ≤ β_c, so the soft cap bounds every σ ≤ k by p(k) = w_max iff
    /// αk² ≤ β_c (w_max/k ≥ q(β_c) ≈ 0.77: an update of at most ≈ 0.30·w_max).
    public static let softCapMonotoneLimit: Double = {
        var (lo, hi) = (0.0, 0.5)
        func slope(_ b: Double) -> Double { 1 - 15 * b * b + 21 * b * b * b - 9 * b * b * b * b }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if slope(mid) > 0 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }()

    // MARK: Kernels

    /// X ← X + a·X·(XᵀX) = X(I + a·XᵀX), computed on the smaller Gram side: (I + a·XXᵀ)X for a
    /// wide X (the same matrix).
    static func oddCubicPass(_ x: inout [Double], rows: Int, cols: Int, alpha a: Double) {
        let wide = rows <= cols
        let g = MatrixSpectrum.gram(x, rows: rows, cols: cols)
        var y = x
        if wide {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(cols), Int32(rows), a,
                        g, Int32(rows), x, Int32(cols), 1, &y, Int32(cols))
        } else {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(cols), Int32(cols), a,
                        x, Int32(cols), g, Int32(cols), 1, &y, Int32(cols))
        }
        x = y
    }

    /// W ← W + c·u·vᵀ.
    static func addOuter(_ w: inout [Float], rows: Int, cols: Int, coefficient c: Double, u: [Double], v: [Double]) {
        for i in 0..<rows {
            let ci = c * u[i]
            for j in 0..<cols { w[i * cols + j] = Float(Double(w[i * cols + j]) + ci * v[j]) }
        }
    }

    static func capRowRMS(_ w: inout [Float], rows: Int, cols: Int, maxRMS: Double) {
        for i in 0..<rows {
            var sum = 0.0
            for j in 0..<cols { sum += Double(w[i * cols + j]) * Double(w[i * cols + j]) }
            let divisor = max(1, (sum / Double(cols)).squareRoot() / maxRMS)
            if divisor > 1 { for j in 0..<cols { w[i * cols + j] = Float(Double(w[i * cols + j]) / divisor) } }
        }
    }

    /// Floating-point operations of one application to a rows×cols matrix (s = min, l = max).
    func flops(rows: Int, cols: Int, powerIterations: Int) -> Double {
        let (s, l) = (Double(min(rows, cols)), Double(max(rows, cols)))
        switch self {
        case .rowRMS: return 3 * s * l
        case .softCap: return 2 * (2 * s * s * l + 2 * s * s * l)
        case .hardCap: return 2 * s * s * l + 10 * s * s * s + 2 * s * s * l
        case .spectralNormalize, .spectralHammer, .spectralWeightDecay:
            return Double(powerIterations) * 4 * s * l + 2 * s * l
        }
    }
}

/// An optimiser followed by weight constraints: `base.step`, then each parameter's constraint
/// (the lipschitz-transformers training step, `Atom.decay_step_project`: decay, step, project).
///
/// ```swift
/// var optimiser = ConstrainedOptimizer(base: muon, constraint: { p in
///     p.role == .hiddenMatrix ? .softCap(maxNorm: 2) : nil
/// }, updateNorm: { p, lr in Double(lr) * 1.2 })
/// ```
public struct ConstrainedOptimizer: Optimizer {
    public var base: any Optimizer
    /// The map applied to each parameter after the step; nil leaves it alone.
    public var constraint: @Sendable (Parameter) -> WeightConstraint?
    /// The largest RMS→RMS norm of the update `base` gives a parameter at base rate lr (the soft
    /// cap's coupling): for Muon with RMS→RMS-scaled orthogonal updates, lr × multiplier × the
    /// Newton–Schulz map's largest output.
    public var updateNorm: @Sendable (Parameter, Float) -> Double
    public var powerIterations: Int

    private var powerVectors = StateTable<[Double]>()

    public init(base: any Optimizer, constraint: @escaping @Sendable (Parameter) -> WeightConstraint?,
                updateNorm: @escaping @Sendable (Parameter, Float) -> Double = { _, _ in 0 }, powerIterations: Int = 16) {
        self.base = base; self.constraint = constraint; self.updateNorm = updateNorm
        self.powerIterations = powerIterations
    }

    public mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError) {
        try base.step(parameters, lr: lr)
        for p in parameters { apply(to: p, lr: lr) }
        try DivergenceError.checkValues(parameters)
    }

    /// Applies `p`'s constraint alone (at initialisation, or after a step taken elsewhere).
    public mutating func apply(to p: Parameter, lr: Float) {
        guard let c = constraint(p) else { return }
        let (rows, cols) = (p.value.rows, p.value.cols)
        let bound = updateNorm(p, lr)
        let iterations = powerIterations
        powerVectors.withState(of: p, initial: { Self.startVector(min(rows, cols)) }) { start in
            c.apply(to: &p.value.data, rows: rows, cols: cols, updateNorm: bound, powerStart: &start,
                    powerIterations: iterations)
        }
    }

    /// A fixed pseudo-random unit start (the paper's code draws a fresh normal vector each step;
    /// here the first step draws it and later steps warm-start from the last vector).
    static func startVector(_ n: Int) -> [Double] {
        var rng = RNG(seed: 0x5EED, stream: UInt64(n))
        return (0..<n).map { _ in Double(rng.normal()) }
    }

    public func flops(for parameters: [Parameter]) -> Double {
        parameters.reduce(base.flops(for: parameters)) { total, p in
            total + (constraint(p)?.flops(rows: p.value.rows, cols: p.value.cols, powerIterations: powerIterations) ?? 0)
        }
    }
}
