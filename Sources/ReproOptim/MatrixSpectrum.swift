import CReproBLAS
import ReproNumerics

/// Exact spectral facts of small dense matrices, computed in Float64 from the eigen-decomposition
/// of the smaller Gram matrix (LAPACK `dsyevd_`), plus the power iteration the weight constraints
/// use as their cheap estimate.
///
/// For a row-major rows×cols matrix W with s = min(rows, cols), the Gram matrix is W·Wᵀ (rows ≤
/// cols) or Wᵀ·W, s×s, with eigenvalues σᵢ². Forming it in Float64 from Float32 entries is exact
/// up to the Float64 sum of cols products (relative error ≈ cols·2⁻⁵³), and `dsyevd_` returns
/// eigenvalues with absolute error ≈ 2⁻⁵³·σ_max². So σ_max is certified to ~1e-12 relative; a
/// small σᵢ carries absolute error ≈ 1e-8·σ_max (squaring halves the digits), which is why the
/// polar factor below drops directions with σᵢ < 10⁻⁷·σ_max rather than dividing by them.
public enum MatrixSpectrum {
    /// Eigenvalues (ascending) and, when `vectors`, the orthonormal eigenvectors of the symmetric
    /// n×n matrix `a` (row-major; symmetric, so row- and column-major agree). Eigenvector j is
    /// row j of the returned `vectors` (LAPACK writes it as column j, column-major).
    public static func symmetricEigen(_ a: [Double], order n: Int, vectors: Bool) -> (values: [Double], vectors: [Double]) {
        precondition(a.count == n * n, "symmetricEigen: \(a.count) elements is not \(n)×\(n)")
        guard n > 0 else { return ([], []) }
        var a = a
        var values = [Double](repeating: 0, count: n)
        var job: CChar = vectors ? 86 : 78  // "V" or "N"
        var uplo: CChar = 85  // "U"
        var order = Int32(n), lda = Int32(n), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = 0.0, iworkQuery: Int32 = 0
        dsyevd_(&job, &uplo, &order, &a, &lda, &values, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        lwork = Int32(workQuery); liwork = iworkQuery
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&job, &uplo, &order, &a, &lda, &values, &work, &lwork, &iwork, &liwork, &info)
        precondition(info == 0, "dsyevd_ failed with info = \(info)")
        return (values, vectors ? a : [])
    }

    /// The smaller Gram matrix of the row-major rows×cols `w` in Float64: W·Wᵀ when rows ≤ cols
    /// (rows×rows), else Wᵀ·W (cols×cols).
    public static func gram(_ w: [Double], rows: Int, cols: Int) -> [Double] {
        precondition(w.count == rows * cols, "gram: \(w.count) elements is not \(rows)×\(cols)")
        let wide = rows <= cols
        let s = min(rows, cols), k = max(rows, cols)
        var g = [Double](repeating: 0, count: s * s)
        guard s > 0 else { return g }
        cblas_dgemm(CblasRowMajor, wide ? CblasNoTrans : CblasTrans, wide ? CblasTrans : CblasNoTrans,
                    Int32(s), Int32(s), Int32(k), 1, w, Int32(cols), w, Int32(cols), 0, &g, Int32(s))
        return g
    }

    /// All min(rows, cols) singular values of the row-major `w`, descending.
    public static func singularValues(_ w: [Float], rows: Int, cols: Int) -> [Double] {
        let g = gram(w.map(Double.init), rows: rows, cols: cols)
        return symmetricEigen(g, order: min(rows, cols), vectors: false).values.reversed().map { max(0, $0).squareRoot() }
    }

    /// σ_max of the row-major `w` (the ℓ2→ℓ2 operator norm), exact to ~1e-12 relative.
    public static func spectralNorm(_ w: [Float], rows: Int, cols: Int) -> Double {
        singularValues(w, rows: rows, cols: cols).first ?? 0
    }

    /// The RMS→RMS operator norm of a [fan-out, fan-in] weight, √(fan-in/fan-out)·σ_max: the
    /// norm modula logs as `weight_norm` (lipschitz-transformers `modula/atom.py`, `Linear.log`).
    public static func rmsNorm(_ w: [Float], rows fanOut: Int, cols fanIn: Int) -> Double {
        (Double(fanIn) / Double(fanOut)).squareRoot() * spectralNorm(w, rows: fanOut, cols: fanIn)
    }

    /// W ← U·diag(f(σᵢ)/σᵢ)·Uᵀ·W on the shorter side (U from the Gram matrix), in Float64:
    /// a map of the singular values that keeps the singular vectors. `f(σ)/σ` must be given as
    /// `factor(σ)` so that σ = 0 needs no division.
    public static func mapSingularValues(_ w: [Double], rows: Int, cols: Int, factor: (Double) -> Double) -> [Double] {
        let wide = rows <= cols
        let s = min(rows, cols)
        guard s > 0 else { return w }
        let eigen = symmetricEigen(gram(w, rows: rows, cols: cols), order: s, vectors: true)
        // M = Uᵀ·diag(factor)·U with U's rows the eigenvectors (the row-major Vᵀ LAPACK returns).
        var scaled = eigen.vectors
        for j in 0..<s {
            let f = factor(max(0, eigen.values[j]).squareRoot())
            for i in 0..<s { scaled[j * s + i] *= f }
        }
        var m = [Double](repeating: 0, count: s * s)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(s), Int32(s), Int32(s), 1,
                    eigen.vectors, Int32(s), scaled, Int32(s), 0, &m, Int32(s))
        var out = [Double](repeating: 0, count: w.count)
        if wide {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(cols), Int32(rows), 1,
                        m, Int32(rows), w, Int32(cols), 0, &out, Int32(cols))
        } else {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(cols), Int32(cols), 1,
                        w, Int32(cols), m, Int32(cols), 0, &out, Int32(cols))
        }
        return out
    }

    /// The polar factor msign(X) = U·Vᵀ of X = U·Σ·Vᵀ (every nonzero singular value set to 1), in
    /// Float64; singular values below 10⁻⁷·σ_max are treated as zero and map to 0, so a
    /// rank-deficient X gives the partial isometry of its range (msign's usual extension).
    ///
    /// ```swift
    /// let q = MatrixSpectrum.polar(x, rows: 4, cols: 3)   // qᵀq = I₃ when x has rank 3
    /// ```
    public static func polar(_ x: [Double], rows: Int, cols: Int) -> [Double] {
        let top = symmetricEigen(gram(x, rows: rows, cols: cols), order: min(rows, cols), vectors: false).values.last ?? 0
        let floor = max(top, 0).squareRoot() * 1e-7
        return mapSingularValues(x, rows: rows, cols: cols) { sigma in sigma > floor ? 1 / sigma : 0 }
    }

    /// The top singular triple (u, σ, v) of the row-major rows×cols `w` by `iterations` steps
    /// of power iteration on the smaller Gram matrix, started from `start` (length min(rows,
    /// cols): v for tall or square W, u for wide W; a random or the previous step's vector).
    ///
    /// The estimate never exceeds the truth: σ̂ = ‖W·v‖ for a unit v is a Rayleigh quotient, so
    /// σ̂ ≤ σ_max in exact arithmetic, and it converges at the rate (σ₂/σ₁)^(2·iterations). This
    /// is `_power_iterate` of lipschitz-transformers `modula/atom.py` (16 iterations there), in
    /// Float64. The start vector returned (v or u) is always a unit vector, even for W = 0.
    public static func powerIteration(_ w: [Float], rows: Int, cols: Int, start: [Double], iterations: Int)
        -> (u: [Double], sigma: Double, v: [Double]) {
        let wide = rows < cols
        let s = min(rows, cols)
        precondition(start.count == s, "powerIteration: start has \(start.count) entries, need \(s)")
        let a = w.map(Double.init)
        // y = A·x (rows) and z = Aᵀ·y (cols) as matrix–vector products.
        func times(_ x: [Double], transpose: Bool) -> [Double] {
            var y = [Double](repeating: 0, count: transpose ? cols : rows)
            cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), 1,
                        a, Int32(cols), x, 1, 0, &y, 1)
            return y
        }
        func normalised(_ x: [Double]) -> ([Double], Double) {
            let n = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return n > 0 ? (x.map { $0 / n }, n) : (x, 0)
        }
        var x = normalised(start).0
        for _ in 0..<iterations {
            let (next, norm) = wide ? normalised(times(times(x, transpose: true), transpose: false))
                                    : normalised(times(times(x, transpose: false), transpose: true))
            // A zero iterate (x in W's null space, or W = 0) keeps the last unit vector, so a warm
            // start never decays to zero and σ̂ comes out 0 below.
            if norm == 0 { break }
            x = next
        }
        if wide {
            let (v, sigma) = normalised(times(x, transpose: true))
            return (x, sigma, v)
        }
        let (u, sigma) = normalised(times(x, transpose: false))
        return (u, sigma, x)
    }
}
