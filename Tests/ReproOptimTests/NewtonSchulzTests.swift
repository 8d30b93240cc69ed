import CReproBLAS
import Foundation
import RealModule
import ReproNumerics
import Testing
@testable import ReproOptim

@Suite("Newton–Schulz")
struct NewtonSchulzTests {
    let jordan = Quintic(a: 3.4445, b: -4.7750, c: 2.0315)

    @Test("Jordan's quintic at points worked out by hand")
    func jordanByHand() {
        // p(1) = 3.4445 − 4.7750 + 2.0315 = 0.701.
        #expect(jordan(1).isApproximatelyEqual(to: 0.701, relativeTolerance: 1e-14))
        // p(½) = 3.4445/2 − 4.7750/8 + 2.0315/32 = 1.72225 − 0.596875 + 0.063484375.
        #expect(jordan(0.5).isApproximatelyEqual(to: 1.188859375, relativeTolerance: 1e-14))
        #expect(jordan(0) == 0)
        // Two steps from 1: p(0.701) = 3.4445·0.701 − 4.7750·0.701³ + 2.0315·0.701⁵.
        let x = 0.701, x3 = x * x * x, x5 = x3 * x * x
        let twoSteps = NewtonSchulzSchedule(name: "two", repeating: jordan, count: 2)
        #expect(twoSteps.map(1).isApproximatelyEqual(to: 3.4445 * x - 4.7750 * x3 + 2.0315 * x5, relativeTolerance: 1e-14))
        // Odd map: f(−σ) = −f(σ).
        #expect(NewtonSchulzSchedule.jordan.map(-0.3) == -NewtonSchulzSchedule.jordan.map(0.3))
        #expect(NewtonSchulzSchedule.jordan.steps.count == 5)
    }

    @Test("Safety factor rescales the input")
    func safetyFactor() {
        let scaled = jordan.scaledInput(by: 1.01)
        for x in [0.01, 0.3, 0.9, 1.0] {
            #expect(scaled(x).isApproximatelyEqual(to: jordan(x / 1.01), relativeTolerance: 1e-13))
        }
        #expect(NewtonSchulzSchedule.polarExpress.steps[0] == NewtonSchulzSchedule.polarExpressPublished[0].scaledInput(by: 1.01))
        #expect(NewtonSchulzSchedule.polarExpress(steps: 10).steps[9] == Quintic(a: 1.875, b: -1.25, c: 0.375))
    }

    @Test("Orthogonalised spectra fall in the range the scalar map predicts", arguments: [(96, 200), (200, 96), (64, 64)])
    func spectrumInPredictedRange(rows: Int, cols: Int) {
        var rng = RNG(seed: 11, stream: RNG.Stream.data)
        let g = rng.normals(rows * cols)
        var x0 = g
        NewtonSchulz.normalize(&x0)
        let input = singularValues(x0, rows: rows, cols: cols)
        var x = g
        NewtonSchulz.orthogonalize(&x, rows: rows, cols: cols, schedule: .jordan)
        let output = singularValues(x, rows: rows, cols: cols)
        let lo = Double(input.min()!), hi = Double(input.max()!)
        let predicted = (0...20_000).map { i in NewtonSchulzSchedule.jordan.map(lo * pow(hi / lo, Double(i) / 20_000)) }
        #expect(Double(output.min()!) >= predicted.min()! - 1e-3)
        #expect(Double(output.max()!) <= predicted.max()! + 1e-3)
        #expect(output.allSatisfy { $0.isFinite })
    }

    @Test("A tall matrix gives the transpose of the wide result")
    func tallIsTransposeOfWide() {
        let rows = 40, cols = 90
        var rng = RNG(seed: 3, stream: RNG.Stream.data)
        var wide = rng.normals(rows * cols)
        var tall = [Float](repeating: 0, count: rows * cols)
        for i in 0..<rows { for j in 0..<cols { tall[j * rows + i] = wide[i * cols + j] } }
        NewtonSchulz.orthogonalize(&wide, rows: rows, cols: cols, schedule: .cesista)
        NewtonSchulz.orthogonalize(&tall, rows: cols, cols: rows, schedule: .cesista)
        var worst: Float = 0
        for i in 0..<rows { for j in 0..<cols { worst = max(worst, abs(tall[j * rows + i] - wide[i * cols + j])) } }
        #expect(worst < 1e-5)
    }

    @Test("A zero matrix stays zero, without NaN")
    func zeroMatrix() {
        var x = [Float](repeating: 0, count: 12 * 7)
        NewtonSchulz.orthogonalize(&x, rows: 12, cols: 7, schedule: .polarExpress)
        #expect(x.allSatisfy { $0 == 0 })
    }

    @Test("FLOP counts: executed (ssyrk, ssyrk, ssymm) and nominal (three general products)")
    func flops() {
        // s = 64: Gram 64·65·64, A² 64²·65, product 2·64³.
        #expect(NewtonSchulz.flops(rows: 64, cols: 64, steps: 1) == Double(64 * 65 * 64 + 64 * 64 * 65 + 2 * 64 * 64 * 64))
        #expect(NewtonSchulz.nominalFlops(rows: 64, cols: 64, steps: 1) == Double(6 * 64 * 64 * 64))
        #expect(NewtonSchulz.flops(rows: 128, cols: 512, steps: 5) == NewtonSchulz.flops(rows: 512, cols: 128, steps: 5))
        let gemms: Double = 4 * 128 * 128 * 512 + 2 * 128 * 128 * 128
        #expect(NewtonSchulz.nominalFlops(rows: 128, cols: 512, steps: 5) == 5 * gemms)
        let executed: Double = 128 * 129 * 512 + 128 * 128 * 129 + 2 * 128 * 128 * 512
        #expect(NewtonSchulz.flops(rows: 128, cols: 512, steps: 5) == 5 * executed)
        #expect(NewtonSchulz.flops(rows: 128, cols: 512, steps: 5) < 0.75 * 5 * gemms)
    }

    /// The symmetric-BLAS step against the quintic written out in Float64 with plain loops:
    /// X ← aX + (bA + cA²)X, A = XXᵀ (on the transpose side for tall). Shapes cross the
    /// 8-wide tiles of the triangle mirroring. Tolerance: Float32 products of inner length ≤ 70
    /// on entries of order 1 after normalisation, a few 1e-7 relative; 2e-5 absolute is loose.
    @Test("One step equals the quintic computed in Float64", arguments: [(5, 9), (9, 5), (33, 70), (70, 33), (40, 40)])
    func stepMatchesReference(rows: Int, cols: Int) {
        var rng = RNG(seed: 5, stream: RNG.Stream.data)
        var x = rng.normals(rows * cols)
        NewtonSchulz.normalize(&x)
        let x64 = x.map(Double.init)
        var workspace = NewtonSchulz.Workspace()
        NewtonSchulz.step(&x, rows: rows, cols: cols, quintic: jordan, workspace: &workspace)
        // Work on the wide orientation: W is s×l with W[i][k] = X[i][k] (wide) or X[k][i] (tall).
        let wide = rows <= cols, s = min(rows, cols), l = max(rows, cols)
        func w(_ i: Int, _ k: Int) -> Double { wide ? x64[i * cols + k] : x64[k * cols + i] }
        var a = [Double](repeating: 0, count: s * s)
        for i in 0..<s { for j in 0..<s { for k in 0..<l { a[i * s + j] += w(i, k) * w(j, k) } } }
        var b = [Double](repeating: 0, count: s * s)
        for i in 0..<s { for j in 0..<s {
            var a2 = 0.0
            for k in 0..<s { a2 += a[i * s + k] * a[k * s + j] }
            b[i * s + j] = jordan.b * a[i * s + j] + jordan.c * a2
        } }
        var worst = 0.0
        for i in 0..<s { for k in 0..<l {
            var y = jordan.a * w(i, k)
            for j in 0..<s { y += b[i * s + j] * w(j, k) }
            let got = Double(wide ? x[i * cols + k] : x[k * cols + i])
            worst = max(worst, abs(got - y))
        } }
        #expect(worst < 2e-5)
    }

    /// `orthogonalize` alternates its iterate between the caller's buffer and the workspace;
    /// for odd and even step counts and both orientations it must equal normalising and then
    /// calling `step` once per quintic, bit for bit.
    @Test("orthogonalize equals normalize then step per quintic", arguments: [(1, 12, 30), (2, 30, 12), (3, 17, 17), (4, 9, 40)])
    func pingPongMatchesSteps(steps: Int, rows: Int, cols: Int) {
        var rng = RNG(seed: 11, stream: RNG.Stream.data)
        let g = rng.normals(rows * cols)
        let schedule = NewtonSchulzSchedule(name: "test", steps: Array(repeating: jordan, count: steps))
        var fused = g
        var workspace = NewtonSchulz.Workspace()
        NewtonSchulz.orthogonalize(&fused, rows: rows, cols: cols, schedule: schedule, workspace: &workspace)
        var stepped = g
        NewtonSchulz.normalize(&stepped)
        var other = NewtonSchulz.Workspace()
        for _ in 0..<steps { NewtonSchulz.step(&stepped, rows: rows, cols: cols, quintic: jordan, workspace: &other) }
        #expect(fused == stepped)
    }

    @Test("Minimax quintic equioscillates on [ℓ, u]", arguments: [(1e-3, 1.0), (0.05, 1.2), (0.5, 1.0)])
    func minimaxQuintic(lower: Double, upper: Double) {
        let (p, e) = PolarExpress.optimalQuintic(lower: lower, upper: upper)
        #expect(abs(1 - p(lower)).isApproximatelyEqual(to: e, relativeTolerance: 1e-9))
        #expect(abs(1 - p(upper)).isApproximatelyEqual(to: e, relativeTolerance: 1e-9))
        let grid = (0...10_000).map { lower + (upper - lower) * Double($0) / 10_000 }
        #expect(grid.allSatisfy { abs(1 - p($0)) <= e * (1 + 1e-9) })
    }

    /// Singular values by LAPACK, reading the row-major array as its column-major transpose.
    func singularValues(_ x: [Float], rows: Int, cols: Int) -> [Float] {
        var a = x
        var m = Int32(cols), n = Int32(rows), lda = Int32(cols), one: Int32 = 1, info: Int32 = 0
        var s = [Float](repeating: 0, count: min(rows, cols))
        var job = CChar(UInt8(ascii: "N")), u: Float = 0, vt: Float = 0
        var lwork = Int32(10 * (rows + cols) + 64)
        var work = [Float](repeating: 0, count: Int(lwork))
        sgesvd_(&job, &job, &m, &n, &a, &lda, &s, &u, &one, &vt, &one, &work, &lwork, &info)
        #expect(info == 0)
        return s
    }
}
