import CReproBLAS
import ReproNumerics
import ReproOptim

/// Newton–Schulz (5 Jordan quintics) against plain `sgemm` at the same shape, in GFLOP/s.
///
/// Newton–Schulz's rate is its textbook flop count, `NewtonSchulz.nominalFlops` (4s²l + 2s³ per
/// step: the three general products of Jordan's form, the count `Muon.flops` and the
/// muon-compute experiment use), over the measured time of `orthogonalize` (which also
/// normalises, mirrors and copies): the rate at which this implementation delivers the
/// computation, comparable across implementations that do it with different kernels (the
/// "effective GFLOP/s" convention of, e.g., Strassen-type products). The flops our symmetric
/// kernels execute (`NewtonSchulz.flops`, ≈ ⅔ of the textbook count for square matrices) give
/// the second rate printed, which shows how close `ssyrk`/`ssymm` run to `sgemm`'s speed.
///
/// The reference is one `sgemm`
/// of the step's product B·X for a wide rows×cols matrix: [rows×rows]·[rows×cols], NoTrans ×
/// NoTrans, 2·rows²·cols flops. It and the Gram product X·Xᵀ (NoTrans × Trans, the same flop
/// count) together are 2·2s²l of the 4s²l + 2s³ per step, so B·X is the dominant product
/// (jointly with the Gram) for every wide shape.
///
/// A second baseline is measured too: the same 5 quintics written as Jordan's reference code
/// does, three general `sgemm` products per step (X·Xᵀ, A·A, B·X), whose rate on the same
/// textbook count shows what a three-product implementation achieves against plain sgemm,
/// and whose time the symmetric kernels are compared with.
struct OrthogonalisationThroughput {
    var rows: Int
    var cols: Int
    var newtonSchulz: Samples
    var sgemm: Samples
    var threeProducts: Samples

    var threeProductsGFLOPS: Double { NewtonSchulz.nominalFlops(rows: rows, cols: cols, steps: 5) / threeProducts.median / 1e9 }
    /// The measured three-product time over ours.
    var measuredSpeedUp: Double { threeProducts.median / newtonSchulz.median }

    /// The textbook count over our time (the verdict's rate).
    var newtonSchulzGFLOPS: Double { NewtonSchulz.nominalFlops(rows: rows, cols: cols, steps: 5) / newtonSchulz.median / 1e9 }
    /// The flops our `ssyrk`, `ssyrk`, `ssymm` calls execute over our time.
    var executedGFLOPS: Double { NewtonSchulz.flops(rows: rows, cols: cols, steps: 5) / newtonSchulz.median / 1e9 }
    var sgemmGFLOPS: Double { 2 * Double(rows * rows * cols) / sgemm.median / 1e9 }
    /// One orthogonalisation of a fixed Gaussian rows×cols matrix per call (for `profile`).
    static func step(rows: Int, cols: Int) -> () -> Void {
        var rng = RNG(seed: 0, stream: RNG.Stream.data)
        return newtonSchulz(rng.normals(rows * cols), rows: rows, cols: cols)
    }

    static func measure(rows: Int, cols: Int, warmup: Int, repetitions: Int) -> OrthogonalisationThroughput {
        precondition(rows <= cols, "the reference product is written for the wide orientation")
        var rng = RNG(seed: 0, stream: RNG.Stream.data)
        let g = rng.normals(rows * cols)
        let ns = Samples.measure(warmup: warmup, repetitions: repetitions, newtonSchulz(g, rows: rows, cols: cols))
        let b = rng.normals(rows * rows)
        var y = [Float](repeating: 0, count: rows * cols)
        let gemm = Samples.measure(warmup: warmup, repetitions: repetitions) {
            BLAS.sgemm(m: rows, n: cols, k: rows, a: b, lda: rows, b: g, ldb: cols, c: &y, ldc: cols)
        }
        var buffers = ThreeProductBuffers(rows: rows, cols: cols)
        let three = Samples.measure(warmup: warmup, repetitions: repetitions, onFreshCopy(of: g) {
            threeProductNewtonSchulz(&$0, rows: rows, cols: cols, schedule: .jordan, buffers: &buffers)
        })
        return OrthogonalisationThroughput(rows: rows, cols: cols, newtonSchulz: ns, sgemm: gemm, threeProducts: three)
    }

    /// The library's orthogonalisation (5 Jordan quintics) of a fresh copy of `g` per call.
    private static func newtonSchulz(_ g: [Float], rows: Int, cols: Int) -> () -> Void {
        var workspace = NewtonSchulz.Workspace()
        return onFreshCopy(of: g) { NewtonSchulz.orthogonalize(&$0, rows: rows, cols: cols, schedule: .jordan, workspace: &workspace) }
    }

    /// A closure that restores its own copy of `g` and runs `body` on it: each timed call starts
    /// from the same matrix, and the copy is part of every variant's time alike.
    private static func onFreshCopy(of g: [Float], _ body: @escaping (inout [Float]) -> Void) -> () -> Void {
        var x = g
        return {
            x = g
            body(&x)
        }
    }

    struct ThreeProductBuffers {
        var a, b, y: [Float]
        init(rows: Int, cols: Int) {
            (a, b, y) = ([Float](repeating: 0, count: rows * rows), [Float](repeating: 0, count: rows * rows),
                         [Float](repeating: 0, count: rows * cols))
        }
    }

    /// Jordan's reference step for a wide matrix, X ← a·X + (b·A + c·A·A)·X with A = X·Xᵀ, as
    /// three general products (the baseline only; the library uses symmetric kernels).
    static func threeProductNewtonSchulz(_ x: inout [Float], rows: Int, cols: Int, schedule: NewtonSchulzSchedule,
                                         buffers: inout ThreeProductBuffers) {
        NewtonSchulz.normalize(&x)
        let (s, l) = (rows, cols)
        for q in schedule.steps {
            let (a, b, c) = (Float(q.a), Float(q.b), Float(q.c))
            BLAS.sgemm(transposeB: true, m: s, n: s, k: l, a: x, lda: l, b: x, ldb: l, c: &buffers.a, ldc: s)
            buffers.b.withUnsafeMutableBufferPointer { bp in buffers.a.withUnsafeBufferPointer { ap in
                for i in 0..<s * s { bp[i] = b * ap[i] }
            } }
            BLAS.sgemm(m: s, n: s, k: s, alpha: c, a: buffers.a, lda: s, b: buffers.a, ldb: s, beta: 1, c: &buffers.b, ldc: s)
            buffers.y.withUnsafeMutableBufferPointer { y in x.withUnsafeBufferPointer { y.baseAddress!.update(from: $0.baseAddress!, count: $0.count) } }
            BLAS.sgemm(m: s, n: l, k: s, a: buffers.b, lda: s, b: x, ldb: l, beta: a, c: &buffers.y, ldc: l)
            swap(&x, &buffers.y)
        }
    }
}
