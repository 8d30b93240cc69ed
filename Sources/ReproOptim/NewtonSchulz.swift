import CReproBLAS

/// Newton–Schulz orthogonalisation of a row-major Float32 matrix, Jordan's form.
///
/// For G = UΣVᵀ with rows×cols entries, `orthogonalize` computes X₀ = G / (‖G‖_F + ε) and then, for
/// each quintic (a, b, c) of the schedule,
///
///     X ← a·X + (b·A + c·A²)·X,   A = X·Xᵀ            (rows ≤ cols)
///     X ← a·X + X·(b·A + c·A²),   A = Xᵀ·X            (rows > cols: the same step on Xᵀ)
///
/// so the Gram matrix A is always min(rows, cols)² and X ends as U f(Σ/‖G‖_F) Vᵀ with f the
/// schedule's composed scalar map (`NewtonSchulzSchedule.map`). A and A² are symmetric, so they
/// are formed with `ssyrk` (upper triangle: half the multiply-adds of a general product) and the
/// product with X is one `ssymm` by a·I + b·A + c·A² (a folded onto the diagonal, so no copy
/// of X is needed); iterates alternate between the caller's buffer and the workspace, and
/// transposes are BLAS flags, never materialised. `make bench` times 5 steps against the same
/// steps as three general `sgemm` calls each ("speed-up" in `results/benchmarks.md`): 1.10–1.61×
/// faster at 512×512 and 1024×4096, 1 and 2 threads, over six runs on this machine (2026-11-23).
///
/// Precision: Float32 throughout, so each singular value carries a rounding error of order
/// k·2⁻²⁴ per product (k = inner dimension), amplified by the slope of the remaining steps.
/// A zero matrix stays zero (ε keeps the scale finite); no NaN is produced from finite input.
///
/// ```swift
/// var update = gradient.data
/// NewtonSchulz.orthogonalize(&update, rows: 128, cols: 512, schedule: .jordan)
/// ```
public enum NewtonSchulz {
    /// Reusable buffers for the Gram matrix, its polynomial and the next iterate. Passing the
    /// same workspace to successive calls avoids allocating once shapes have been seen.
    public struct Workspace: Sendable {
        var gram: [Float] = []
        var polynomial: [Float] = []
        var next: [Float] = []

        public init() {}

        mutating func reserve(small: Int, count: Int) {
            if gram.count < small * small {
                gram = Array(repeating: 0, count: small * small)
                polynomial = Array(repeating: 0, count: small * small)
            }
            if next.count < count { next = Array(repeating: 0, count: count) }
        }
    }

    /// Orthogonalise the rows×cols row-major matrix `g` in place (see the type's documentation).
    public static func orthogonalize(_ g: inout [Float], rows: Int, cols: Int,
                                     schedule: NewtonSchulzSchedule, epsilon: Float = 1e-7) {
        var workspace = Workspace()
        orthogonalize(&g, rows: rows, cols: cols, schedule: schedule, epsilon: epsilon, workspace: &workspace)
    }

    /// `orthogonalize` with caller-owned buffers.
    public static func orthogonalize(_ g: inout [Float], rows: Int, cols: Int, schedule: NewtonSchulzSchedule,
                                     epsilon: Float = 1e-7, workspace: inout Workspace) {
        precondition(rows * cols == g.count, "matrix of \(g.count) elements is not \(rows)×\(cols)")
        normalize(&g, epsilon: epsilon)
        guard min(rows, cols) > 0, !schedule.steps.isEmpty else { return }
        workspace.reserve(small: min(rows, cols), count: g.count)
        // The iterates alternate between g and the workspace (no copy per step); an odd number
        // of steps ends in the workspace and is copied back once.
        g.withUnsafeMutableBufferPointer { xp in
            workspace.gram.withUnsafeMutableBufferPointer { gp in
                workspace.polynomial.withUnsafeMutableBufferPointer { pp in
                    workspace.next.withUnsafeMutableBufferPointer { np in
                        let (x, y) = (xp.baseAddress!, np.baseAddress!)
                        for (i, quintic) in schedule.steps.enumerated() {
                            let (source, target) = i % 2 == 0 ? (x, y) : (y, x)
                            step(source, into: target, rows: rows, cols: cols, quintic: quintic,
                                 gram: gp.baseAddress!, polynomial: pp.baseAddress!)
                        }
                        if schedule.steps.count % 2 == 1 { x.update(from: y, count: xp.count) }
                    }
                }
            }
        }
    }

    /// X ← X / (‖X‖_F + ε): every singular value ends in [0, 1).
    public static func normalize(_ x: inout [Float], epsilon: Float = 1e-7) {
        let n = blasInt(x.count)
        x.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress, n > 0 else { return }
            let norm = cblas_snrm2(n, base, 1)
            cblas_sscal(n, 1 / (norm + epsilon), base, 1)
        }
    }

    /// One Newton–Schulz step X ← p(X) for the quintic p, on the rows×cols row-major `x`.
    public static func step(_ x: inout [Float], rows: Int, cols: Int, quintic: Quintic, workspace: inout Workspace) {
        precondition(rows * cols == x.count, "matrix of \(x.count) elements is not \(rows)×\(cols)")
        guard min(rows, cols) > 0 else { return }
        workspace.reserve(small: min(rows, cols), count: x.count)
        x.withUnsafeMutableBufferPointer { xp in
            workspace.gram.withUnsafeMutableBufferPointer { gp in
                workspace.polynomial.withUnsafeMutableBufferPointer { pp in
                    workspace.next.withUnsafeMutableBufferPointer { np in
                        step(xp.baseAddress!, into: np.baseAddress!, rows: rows, cols: cols, quintic: quintic,
                             gram: gp.baseAddress!, polynomial: pp.baseAddress!)
                        xp.baseAddress!.update(from: np.baseAddress!, count: xp.count)
                    }
                }
            }
        }
    }

    /// Y = p(X) for the rows×cols matrix at `X`, written to `Y` (a different buffer of the same
    /// size); `A` and `B` hold min(rows, cols)² elements each.
    private static func step(_ X: UnsafePointer<Float>, into Y: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                             quintic: Quintic, gram A: UnsafeMutablePointer<Float>, polynomial B: UnsafeMutablePointer<Float>) {
        let wide = rows <= cols
        let (m, n) = (blasInt(wide ? rows : cols), blasInt(wide ? cols : rows))
        let (a, b, c) = (Float(quintic.a), Float(quintic.b), Float(quintic.c))
        let ld = blasInt(cols), order = Int(m)
        // A = X Xᵀ (wide) or Xᵀ X (tall): small × small, symmetric. `ssyrk` computes the upper
        // triangle only (half the multiply-adds); the lower is mirrored because A is next used as
        // a general operand.
        cblas_ssyrk(CblasRowMajor, CblasUpper, wide ? CblasNoTrans : CblasTrans, m, n, 1, X, ld, 0, A, m)
        mirrorUpper(A, order: order)
        // B = a·I + b·A + c·A² = a·I + b·A + c·A·Aᵀ (A is symmetric): upper triangle only.
        B.update(from: A, count: order * order)
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, m, m, c, A, m, b, B, m)
        for i in 0..<order { B[i * order + i] += a }
        // Y = B·X (wide) or X·B (tall), which is a·X + (b·A + c·A²)·X; `ssymm` reads B's upper
        // triangle and, with β = 0, overwrites Y.
        if wide {
            cblas_ssymm(CblasRowMajor, CblasLeft, CblasUpper, m, n, 1, B, m, X, ld, 0, Y, ld)
        } else {
            cblas_ssymm(CblasRowMajor, CblasRight, CblasUpper, n, m, 1, B, m, X, ld, 0, Y, ld)
        }
    }

    /// Floating-point operations executed by `steps` Newton–Schulz steps on a rows×cols matrix,
    /// counting a multiply-add as two and only the three BLAS-3 calls per step (with s = min,
    /// l = max of the shape): the Gram `ssyrk` s(s+1)l (upper triangle), the A² `ssyrk` s²(s+1)
    /// and the `ssymm` product with X 2s²l. The O(s² + sl) copies and scalings are left out.
    /// `nominalFlops` is the textbook count of three general products, 4s²l + 2s³.
    public static func flops(rows: Int, cols: Int, steps: Int) -> Double {
        let s = Double(min(rows, cols)), l = Double(max(rows, cols))
        return Double(steps) * (s * (s + 1) * l + s * s * (s + 1) + 2 * s * s * l)
    }

    /// The count of three general matrix products per step, 4s²l + 2s³ (Jordan's implementation
    /// with `X @ X.T`, `A @ A` and `B @ X`), the convention of FLOP estimates in the Muon literature.
    public static func nominalFlops(rows: Int, cols: Int, steps: Int) -> Double {
        let s = Double(min(rows, cols)), l = Double(max(rows, cols))
        return Double(steps) * (4 * s * s * l + 2 * s * s * s)
    }

    /// Copy the upper triangle of the row-major order×order matrix `a` onto its lower triangle,
    /// in 8×8 tiles, each destination row written contiguously. Measured against 32×32 tiles
    /// written column-wise: 0.12 vs 0.27 ms at order 512 and 0.52 vs 2.2 ms at 1024 (a column
    /// stride of 2 or 4 KiB maps a tall tile onto few L1 sets).
    static func mirrorUpper(_ a: UnsafeMutablePointer<Float>, order n: Int) {
        let tile = 8
        for j0 in stride(from: 0, to: n, by: tile) {
            for i0 in stride(from: 0, through: j0, by: tile) {
                for j in j0..<min(j0 + tile, n) {
                    let row = a + j * n
                    for i in i0..<min(i0 + tile, j) { row[i] = a[i * n + j] }
                }
            }
        }
    }

    static func blasInt(_ n: Int) -> Int32 {
        guard let v = Int32(exactly: n) else { preconditionFailure("dimension \(n) exceeds BLAS's 32-bit range") }
        return v
    }
}
