import CReproBLAS

/// A thin, checked wrapper over the CBLAS routines the numerics need.
///
/// Every dimension is converted to `Int32` with a trap on overflow (CBLAS takes `blasint`), and
/// transposes are passed as flags so no transposed copy is ever materialised. All matrices are
/// row-major.
public enum BLAS {
    /// C ← α·op(A)·op(B) + β·C with op(A) of shape [m, k], op(B) of shape [k, n], C of shape [m, n].
    ///
    /// `lda`, `ldb`, `ldc` are the row strides of the stored (untransposed) matrices. With β = 0
    /// OpenBLAS overwrites C without reading it, so C may be uninitialised.
    @inline(__always)
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }

    /// `batch` independent products C_i ← α·op(A_i)·op(B_i) + β·C_i over contiguous, densely
    /// packed operands (A_i starts at `a + i·m·k`, B_i at `b + i·k·n`, C_i at `c + i·m·n`).
    ///
    /// The installed `cblas.h` declares no `cblas_sgemm_batch`, so this is a loop of `sgemm`
    /// calls. Products small enough that OpenBLAS runs each on one thread (m·n·k ≤ 2¹⁸, its
    /// `SMP_THRESHOLD_MIN · GEMM_MULTITHREAD_THRESHOLD` in 0.3.21) are spread over
    /// `Parallel.width` threads instead, whole products per thread; either way every product is
    /// computed by one single- or multi-threaded call exactly as in a serial loop, so the result
    /// does not depend on the split.
    public static func sgemmBatched(
        batch: Int, transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        beta: Float = 0, c: UnsafeMutablePointer<Float>
    ) {
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        let flops = m * n * k, singleThreaded = flops <= 1 << 18
        Parallel.forEach(batch, grain: singleThreaded ? max(1, (1 << 15) / max(flops, 1)) : batch + 1) { range in
            for i in range {
                sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                      alpha: alpha, a: a + i * m * k, lda: lda, b: b + i * k * n, ldb: ldb,
                      beta: beta, c: c + i * m * n, ldc: n)
            }
        }
    }

    /// The number of threads OpenBLAS uses for one call; setting it affects the whole process
    /// and also sets `Parallel.width`, the threads of the numerics' own loops.
    ///
    /// Results are bitwise reproducible for a fixed thread count, not across thread counts
    /// (OpenBLAS splits its sums differently); `Parallel`'s loops give the same bits at any width.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set {
            precondition(newValue >= 1, "OpenBLAS needs at least one thread, got \(newValue)")
            openblas_set_num_threads(blasInt(newValue))
            Parallel.width = newValue
        }
    }

    /// The CPU kernel OpenBLAS selected at load time (for example "Zen" or "Haswell").
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// OpenBLAS's build configuration string (version, threading model, maximum threads).
    public static var config: String { openblas_get_config().map { String(cString: $0) } ?? "unknown" }

    @inline(__always)
    static func blasInt(_ value: Int) -> Int32 {
        guard let v = Int32(exactly: value) else { preconditionFailure("BLAS dimension \(value) exceeds Int32") }
        return v
    }
}
