import CReproBLAS
import ReproNumerics

/// Muon on the Stiefel manifold: steepest descent under the spectral norm for weights kept
/// semi-orthogonal (WᵀW = I for tall W), after Bernstein's "manifold Muon" (Thinking Machines,
/// "Modular Manifolds", code github.com/thinking-machines-lab/manifolds `src/manifold_muon.py`)
/// and F. Cesista, "Heuristic Solutions for Steepest Descent on the Stiefel Manifold"
/// (leloykun.github.io/ponder/steepest-descent-stiefel, §2–§5).
///
/// For a hidden matrix, oriented tall (m ≥ n; a wide weight is handled as its transpose), with
/// momentum M of the gradient (EMA, `momentum` 0 uses the raw gradient as manifold_muon does):
///
///     A = argmax ⟨M, A⟩  subject to  ‖A‖₂ ≤ 1  and  WᵀA + AᵀW = 0   (the tangent space T_W)
///     W ← msign(W − η·A)                                             (retraction)
///
/// msign (the polar factor U·Vᵀ) is computed exactly in Float64 (`MatrixSpectrum.polar`), so after
/// every step ‖WᵀW − I‖ is at the level of Float32 rounding of the stored W (≈ 1e-6), whatever
/// the direction. The direction is one of (`Direction`):
/// - `.bernstein`: A = W·msign(skew(WᵀM)) (Cesista §3, Bernstein 2025): always in T_W with
///   ‖A‖₂ ≤ 1; it ignores the part of M outside W's column space, so it is optimal only for square W.
/// - `.su`: A = msign(M − W·sym(WᵀM)) = msign(proj_T(M)) (Cesista §3–§4, Su 2025): unit norm, in
///   T_W for square W only (§4.1); the retraction restores the constraint either way.
/// - `.dualAscent`: manifold_muon's dual ascent on the symmetric multiplier Λ:
///   Λ₀ = −¼(WᵀM + MᵀW); A = msign(M + 2WΛ); H = WᵀA + AᵀW; stop when ‖H‖_F/n < tol;
///   Λ ← Λ − α(1 − k/steps)·H (defaults α 0.01, 100 steps, tol 1e-6: the code's).
/// For square full-rank W the three agree (Cesista §3 proves Bernstein = Su; the dual optimum is
/// the same maximiser); `StiefelMuonTests` checks it.
///
/// Differences from the reference: msign is exact here (the reference runs 10 Polar Express steps
/// in bfloat16); momentum is optional (the reference has none); parameters that are not hidden
/// matrices go to `adamW`, as in `Muon`. The descent sign follows the code: W ← msign(W − ηA) with
/// A aligned with the gradient.
public struct StiefelMuon: Optimizer {
    public enum Direction: Sendable, Equatable, Codable {
        case bernstein
        case su
        case dualAscent(steps: Int, alpha: Double, tolerance: Double)

        /// manifold_muon's defaults: 100 steps, α = 0.01, tolerance 1e-6.
        public static let dualAscentDefaults = Direction.dualAscent(steps: 100, alpha: 0.01, tolerance: 1e-6)
    }

    public var direction: Direction
    /// EMA coefficient β of m ← β·m + (1 − β)·g (0: the raw gradient).
    public var momentum: Float
    public var groups: [ParameterGroup]
    public var adamW: Adam

    private var buffers = StateTable<[Float]>()

    public init(direction: Direction = .su, momentum: Float = 0, groups: [ParameterGroup] = [],
                adamW: Adam = .adamW(beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0)) {
        self.direction = direction; self.momentum = momentum; self.groups = groups; self.adamW = adamW
    }

    public mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError) {
        try DivergenceError.checkGradients(parameters)
        let matrices = parameters.filter(Muon.isMatrix)
        for p in matrices {
            let eta = Double(groups.hyperparameters(for: p, lr: lr, defaultWeightDecay: 0).lr)
            let m = averaged(p)
            p.value.data = Self.update(p.value.data, gradient: m, rows: p.value.rows, cols: p.value.cols,
                                       eta: eta, direction: direction)
        }
        try adamW.step(parameters.filter { !Muon.isMatrix($0) }, lr: lr)
        try DivergenceError.checkValues(matrices)
    }

    private mutating func averaged(_ p: Parameter) -> [Float] {
        let g = p.grad.data
        let beta = momentum
        if beta == 0 { return g }
        return buffers.withState(of: p, initial: { [Float](repeating: 0, count: g.count) }) { m in
            for i in m.indices { m[i] = beta * m[i] + (1 - beta) * g[i] }
            return m
        }
    }

    /// Projects every hidden matrix onto the manifold, W ← msign(W) (manifold_muon's `main.py`
    /// does this with a zero step before training).
    public static func project(_ parameters: [Parameter]) {
        for p in parameters where Muon.isMatrix(p) {
            let (rows, cols) = (p.value.rows, p.value.cols)
            p.value.data = MatrixSpectrum.polar(p.value.data.map(Double.init), rows: rows, cols: cols).map { Float($0) }
        }
    }

    /// One step on a row-major rows×cols weight: W ← msign(W − η·A(W, G)).
    public static func update(_ w: [Float], gradient g: [Float], rows: Int, cols: Int, eta: Double,
                              direction: Direction) -> [Float] {
        let tall = rows >= cols
        let (m, n) = tall ? (rows, cols) : (cols, rows)
        let W = oriented(w, rows: rows, cols: cols, tall: tall)
        let G = oriented(g, rows: rows, cols: cols, tall: tall)
        let A = Self.direction(W: W, G: G, m: m, n: n, direction)
        var next = W
        for i in next.indices { next[i] -= eta * A[i] }
        let retracted = MatrixSpectrum.polar(next, rows: m, cols: n)
        return (tall ? retracted : transpose(retracted, rows: m, cols: n)).map { Float($0) }
    }

    /// The steepest-descent direction A for tall m×n W (WᵀW = I) and gradient G, both Float64.
    public static func direction(W: [Double], G: [Double], m: Int, n: Int, _ direction: Direction) -> [Double] {
        switch direction {
        case .bernstein:
            // A = W·msign(skew(WᵀG)).
            let skewed = skew(product(W, G, m: m, n: n), n: n)
            return multiply(W, MatrixSpectrum.polar(skewed, rows: n, cols: n), m: m, k: n, n: n)
        case .su:
            // A = msign(G − W·sym(WᵀG)).
            return MatrixSpectrum.polar(tangentProjection(W: W, G, m: m, n: n), rows: m, cols: n)
        case let .dualAscent(steps, alpha, tolerance):
            let wg = product(W, G, m: m, n: n)
            var lambda = sym(wg, n: n).map { -0.5 * $0 }  // −¼(WᵀG + GᵀW)
            var a = [Double]()
            for k in 0..<steps {
                let wl = multiply(W, lambda, m: m, k: n, n: n)
                var shifted = G
                for i in shifted.indices { shifted[i] += 2 * wl[i] }
                a = MatrixSpectrum.polar(shifted, rows: m, cols: n)
                let wa = product(W, a, m: m, n: n)
                var h = wa
                for i in 0..<n { for j in 0..<n { h[i * n + j] = wa[i * n + j] + wa[j * n + i] } }
                let rms = h.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(n)
                if rms < tolerance { break }
                let rate = alpha * (1 - Double(k) / Double(steps))
                for i in lambda.indices { lambda[i] -= rate * h[i] }
            }
            return a
        }
    }

    /// proj_T(V) = V − W·sym(WᵀV) (Cesista, Theorem 2).
    public static func tangentProjection(W: [Double], _ v: [Double], m: Int, n: Int) -> [Double] {
        let correction = multiply(W, sym(product(W, v, m: m, n: n), n: n), m: m, k: n, n: n)
        var out = v
        for i in out.indices { out[i] -= correction[i] }
        return out
    }

    /// ‖WᵀW − I‖_F of a row-major weight, oriented so that the Gram matrix is the smaller one
    /// (WᵀW for tall, WWᵀ for wide): the distance from the Stiefel manifold.
    public static func orthogonalityError(_ w: [Float], rows: Int, cols: Int) -> Double {
        let g = MatrixSpectrum.gram(w.map(Double.init), rows: rows, cols: cols)
        let s = min(rows, cols)
        var sum = 0.0
        for i in 0..<s { for j in 0..<s { let d = g[i * s + j] - (i == j ? 1 : 0); sum += d * d } }
        return sum.squareRoot()
    }

    // MARK: Small Float64 helpers (row-major)

    static func oriented(_ x: [Float], rows: Int, cols: Int, tall: Bool) -> [Double] {
        let d = x.map(Double.init)
        return tall ? d : transpose(d, rows: rows, cols: cols)
    }

    static func transpose(_ x: [Double], rows: Int, cols: Int) -> [Double] {
        var t = [Double](repeating: 0, count: x.count)
        for i in 0..<rows { for j in 0..<cols { t[j * rows + i] = x[i * cols + j] } }
        return t
    }

    /// Aᵀ·B for m×n A and B: n×n.
    static func product(_ a: [Double], _ b: [Double], m: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(n), Int32(n), Int32(m), 1,
                    a, Int32(n), b, Int32(n), 0, &c, Int32(n))
        return c
    }

    /// A·B for m×k A and k×n B.
    static func multiply(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(k), b, Int32(n), 0, &c, Int32(n))
        return c
    }

    static func sym(_ x: [Double], n: Int) -> [Double] {
        var s = x
        for i in 0..<n { for j in 0..<n { s[i * n + j] = (x[i * n + j] + x[j * n + i]) / 2 } }
        return s
    }

    static func skew(_ x: [Double], n: Int) -> [Double] {
        var s = x
        for i in 0..<n { for j in 0..<n { s[i * n + j] = (x[i * n + j] - x[j * n + i]) / 2 } }
        return s
    }

    public func flops(for parameters: [Parameter]) -> Double {
        let matrices = parameters.filter(Muon.isMatrix)
        let perMatrix = matrices.reduce(0.0) { total, p in
            let (s, l) = (Double(min(p.value.rows, p.value.cols)), Double(max(p.value.rows, p.value.cols)))
            // Two polar factors (Gram 2s²l, eigen ≈ 10s³, two products 2s³ + 2s²l), WᵀG and W·sym: 4s²l.
            let polar = 4 * s * s * l + 12 * s * s * s
            let inner: Double
            switch direction {
            case .bernstein, .su: inner = polar + 4 * s * s * l
            case .dualAscent(let steps, _, _): inner = Double(steps) * (polar + 4 * s * s * l)
            }
            return total + inner + polar
        }
        return perMatrix + adamW.flops(for: parameters.filter { !Muon.isMatrix($0) })
    }
}
