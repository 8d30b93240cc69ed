import CReproBLAS
import ReproNumerics
import ReproOptim

/// Newton–Schulz (5 Jordan quintics) against plain `sgemm` at the same shape, in GFLOP/s.
///
/// Newton–Schulz's rate is `NewtonSchulz.flops` (the flops its `ssyrk`, `ssyrk`, `ssymm` calls
/// execute per step) over the measured time of `orthogonalize` (which also normalises, mirrors
/// and copies). The reference is one `sgemm`
/// of the step's product B·X for a wide rows×cols matrix: [rows×rows]·[rows×cols], NoTrans ×
/// NoTrans, 2·rows²·cols flops. It and the Gram product X·Xᵀ (NoTrans × Trans, the same flop
/// count) together are 2·2s²l of the 4s²l + 2s³ per step, so B·X is the dominant product
/// (jointly with the Gram) for every wide shape.
struct OrthogonalisationThroughput {
    var rows: Int
    var cols: Int
    var newtonSchulz: Samples
    var sgemm: Samples

    var newtonSchulzGFLOPS: Double { NewtonSchulz.flops(rows: rows, cols: cols, steps: 5) / newtonSchulz.median / 1e9 }
    var sgemmGFLOPS: Double { 2 * Double(rows * rows * cols) / sgemm.median / 1e9 }
    /// Time of three general products per step at the measured sgemm rate, over the NS time.
    var speedUpOverGeneralProducts: Double {
        NewtonSchulz.nominalFlops(rows: rows, cols: cols, steps: 5) / (sgemmGFLOPS * 1e9) / newtonSchulz.median
    }

    /// One orthogonalisation of a fixed Gaussian rows×cols matrix per call (for `profile`).
    static func step(rows: Int, cols: Int) -> () -> Void {
        var rng = RNG(seed: 0, stream: RNG.Stream.data)
        let g = rng.normals(rows * cols)
        var x = g
        var workspace = NewtonSchulz.Workspace()
        return {
            x = g
            NewtonSchulz.orthogonalize(&x, rows: rows, cols: cols, schedule: .jordan, workspace: &workspace)
        }
    }

    static func measure(rows: Int, cols: Int, warmup: Int, repetitions: Int) -> OrthogonalisationThroughput {
        precondition(rows <= cols, "the reference product is written for the wide orientation")
        var rng = RNG(seed: 0, stream: RNG.Stream.data)
        let g = rng.normals(rows * cols)
        var x = g
        var workspace = NewtonSchulz.Workspace()
        let ns = Samples.measure(warmup: warmup, repetitions: repetitions) {
            x = g
            NewtonSchulz.orthogonalize(&x, rows: rows, cols: cols, schedule: .jordan, workspace: &workspace)
        }
        let b = rng.normals(rows * rows)
        var y = [Float](repeating: 0, count: rows * cols)
        let gemm = Samples.measure(warmup: warmup, repetitions: repetitions) {
            BLAS.sgemm(m: rows, n: cols, k: rows, a: b, lda: rows, b: g, ldb: cols, c: &y, ldc: cols)
        }
        return OrthogonalisationThroughput(rows: rows, cols: cols, newtonSchulz: ns, sgemm: gemm)
    }
}
