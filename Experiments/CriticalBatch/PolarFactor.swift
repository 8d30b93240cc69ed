import CReproBLAS

/// The exact polar factor of a rows×cols matrix G = UΣVᵀ: polar(G) = UVᵀ (thin SVD, LAPACK
/// `sgesvd_` in Float32), the steepest-descent direction under the spectral norm (what Muon
/// approximates with Newton–Schulz). Zero singular values contribute their singular vectors
/// as LAPACK returns them, so polar(0) is some partial isometry, never NaN.
///
/// The row-major array G is LAPACK's column-major Gᵀ; the polar factor of Gᵀ is polar(G)ᵀ, so
/// forming U′V′ᵀ column-major for Gᵀ writes polar(G) row-major.
struct PolarFactor {
    let rows: Int
    let cols: Int
    private var work: [Float]
    private var u: [Float]
    private var vt: [Float]
    private var s: [Float]

    init(rows: Int, cols: Int) {
        self.rows = rows; self.cols = cols
        let k = min(rows, cols)
        var u = [Float](repeating: 0, count: cols * k), vt = [Float](repeating: 0, count: k * rows)
        var s = [Float](repeating: 0, count: k), a = [Float](repeating: 0, count: rows * cols)
        var scratch: [Float] = [0], query: Float = 0, info: Int32 = 0
        Self.svd(&a, rows: rows, cols: cols, s: &s, u: &u, vt: &vt, work: &scratch, lwork: -1, query: &query, info: &info)
        self.u = u; self.vt = vt; self.s = s
        work = Array(repeating: 0, count: max(1, Int(query)))
    }

    /// polar(g), row-major rows×cols.
    mutating func callAsFunction(_ g: [Float]) -> [Float] {
        precondition(g.count == rows * cols, "polar factor of \(g.count) entries, expected \(rows)×\(cols)")
        var a = g
        var info: Int32 = 0
        var unused: Float = 0
        Self.svd(&a, rows: rows, cols: cols, s: &s, u: &u, vt: &vt, work: &work, lwork: Int32(work.count), query: &unused, info: &info)
        precondition(info == 0, "sgesvd_ failed with info = \(info)")
        let (m, n, k) = (Int32(cols), Int32(rows), Int32(min(rows, cols)))
        var out = [Float](repeating: 0, count: rows * cols)
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, u, m, vt, k, 0, &out, m)
        return out
    }

    private static func svd(_ a: inout [Float], rows: Int, cols: Int, s: inout [Float], u: inout [Float], vt: inout [Float],
                            work: inout [Float], lwork: Int32, query: inout Float, info: inout Int32) {
        var m = Int32(cols), n = Int32(rows), lda = Int32(cols)
        var ldu = Int32(cols), ldvt = Int32(min(rows, cols)), lwork = lwork
        var job = CChar(UInt8(ascii: "S"))
        if lwork == -1 {
            sgesvd_(&job, &job, &m, &n, &a, &lda, &s, &u, &ldu, &vt, &ldvt, &query, &lwork, &info)
        } else {
            sgesvd_(&job, &job, &m, &n, &a, &lda, &s, &u, &ldu, &vt, &ldvt, &work, &lwork, &info)
        }
    }
}
