import CReproBLAS
import ReproNumerics
import ReproOptim
import Testing

/// Singular values (descending) of a row-major rows×cols matrix, by LAPACK `sgesvd_`.
/// Column-major reading of the buffer is the transpose, which has the same singular values.
private func singularValues(_ a: [Float], rows: Int, cols: Int) -> [Float] {
    var a = a
    var (m, n, lda, ldu, ldvt, info) = (Int32(cols), Int32(rows), Int32(cols), Int32(1), Int32(1), Int32(0))
    var s = [Float](repeating: 0, count: min(rows, cols))
    var u: Float = 0, vt: Float = 0, query: Float = 0
    var lwork: Int32 = -1
    sgesvd_("N", "N", &m, &n, &a, &lda, &s, &u, &ldu, &vt, &ldvt, &query, &lwork, &info)
    lwork = Int32(query)
    var work = [Float](repeating: 0, count: Int(lwork))
    sgesvd_("N", "N", &m, &n, &a, &lda, &s, &u, &ldu, &vt, &ldvt, &work, &lwork, &info)
    precondition(info == 0, "sgesvd_ failed: info \(info)")
    return s
}

private func gaussian(_ count: Int, seed: UInt64) -> [Float] {
    var rng = RNG(seed: seed, stream: RNG.Stream.noise)
    return (0..<count).map { _ in rng.normal() }
}

@Suite struct MuonTests {
    let jordan = NewtonSchulzSchedule.jordan

    /// A 1×2 matrix has one singular value, so NS(u) = f(‖u‖/(‖u‖ + ε))·u/‖u‖ with f the scalar map.
    @Test func rankOneTwoSteps() throws {
        let p = parameter("w", .hiddenMatrix, shape: [1, 2], value: [0, 0], grad: [3, 4])
        var muon = Muon()
        try muon.step([p], lr: 0.1)
        // m₁ = 0.05·g₁, u₁ = g₁ + 0.95·(m₁ − g₁) = 0.0975·g₁, ‖u₁‖ = 0.4875; s = √max(1, 1/2) = 1.
        let f1 = jordan.map(0.4875 / (0.4875 + 1e-7))
        let p1 = [-0.1 * f1 * 0.6, -0.1 * f1 * 0.8]
        expectClose(p.value.data, p1, relative: 1e-4)

        p.grad.data = [4, -3]
        try muon.step([p], lr: 0.1)
        // m₂ = m₁ + 0.05·(g₂ − m₁) = [0.1425 + 0.2, 0.19 − 0.15]; u₂ = 0.05·g₂ + 0.95·m₂.
        let u2 = [0.2 + 0.95 * 0.3425, -0.15 + 0.95 * 0.04]
        let norm2 = (u2[0] * u2[0] + u2[1] * u2[1]).squareRoot()
        let f2 = jordan.map(norm2 / (norm2 + 1e-7))
        expectClose(p.value.data, [p1[0] - 0.1 * f2 * u2[0] / norm2, p1[1] - 0.1 * f2 * u2[1] / norm2], relative: 1e-4)
    }

    /// A tall 3×2 diagonal gradient: NS maps the normalised singular values 0.6, 0.8 one by one;
    /// decoupled decay uses η, the update η·√(3/2) (Jordan's scale on [fan-out, fan-in]).
    @Test func tallMatrixWithDecayAndShapeScale() throws {
        let p = parameter("w", .hiddenMatrix, shape: [3, 2], value: [1, 1, 1, 1, 1, 1], grad: [3, 0, 0, 4, 0, 0])
        var muon = Muon(weightDecay: 0.5)
        try muon.step([p], lr: 0.1)
        let c = 0.4875 / (0.4875 + 1e-7)
        let (o1, o2) = (jordan.map(0.6 * c), jordan.map(0.8 * c))
        let (decayed, rate) = (1 - 0.1 * 0.5, 0.1 * 1.5.squareRoot())
        expectClose(p.value.data, [decayed - rate * o1, decayed, decayed, decayed - rate * o2, decayed, decayed],
                    relative: 1e-4)
    }

    @Test func shapeScales() {
        #expect(MuonScale.jordan(.outByIn).factor(rows: 12, cols: 3) == 2)
        #expect(MuonScale.jordan(.outByIn).factor(rows: 3, cols: 12) == 1)
        #expect(MuonScale.jordan(.inByOut).factor(rows: 3, cols: 12) == 2)
        #expect(MuonScale.moonshot.factor(rows: 4, cols: 25).isApproximatelyEqual(to: 1))
        #expect(MuonScale.unit.factor(rows: 4, cols: 25) == 1)
    }

    /// After one step from p = 0 with η = 1, s = 1, the applied update is −O. Each singular value
    /// of O must be the scalar map of the matching normalised singular value of g (u ∝ g at t = 1),
    /// and all of them must lie in the range the map takes over [σ_min, σ_max]/‖g‖_F.
    @Test(arguments: [(8, 16), (16, 8), (12, 12)])
    func singularValuesFollowTheSchedule(rows: Int, cols: Int) throws {
        let g = gaussian(rows * cols, seed: UInt64(rows * 100 + cols))
        let p = parameter("w", .hiddenMatrix, shape: [rows, cols], value: .init(repeating: 0, count: g.count), grad: g)
        var muon = Muon(scale: .unit)
        try muon.step([p], lr: 1)
        let update = p.value.data.map { -$0 }

        let sigmaG = singularValues(g, rows: rows, cols: cols).map(Double.init)
        let frobenius = sigmaG.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let normalised = sigmaG.map { $0 / frobenius }
        let predicted = normalised.map { jordan.map($0) }.sorted()
        let measured = singularValues(update, rows: rows, cols: cols).map(Double.init).sorted()
        // Float32 products amplified by the map's slope (≤ a⁵ ≈ 490 near 0) stay below 1e-3.
        for (m, e) in zip(measured, predicted) { #expect(abs(m - e) < 1e-3, "σ \(m) vs predicted \(e)") }

        let (lo, hi) = (normalised.min()!, normalised.max()!)
        let image = (0...10_000).map { jordan.map(lo + (hi - lo) * Double($0) / 10_000) }
        let (low, high) = (image.min()!, image.max()!)
        #expect(measured.allSatisfy { $0 > low - 1e-3 && $0 < high + 1e-3 }, "σ ∉ [\(low), \(high)]")
    }

    /// Hidden matrices get the orthogonalised update; embeddings, heads and vectors get AdamW
    /// (at t = 1 an AdamW step is η·g/(|g| + ε)), with the AdamW groups' own rate.
    @Test func routesByRole() throws {
        let g = gaussian(12, seed: 3)
        let hidden = parameter("h", .hiddenMatrix, shape: [4, 3], value: .init(repeating: 1, count: 12), grad: g)
        let embedding = parameter("e", .embedding, shape: [2, 3], value: [1, 1, 1, 1, 1, 1], grad: [1, -2, 3, -4, 5, -6])
        let head = parameter("o", .head, shape: [3, 2], value: [1, 1, 1, 1, 1, 1], grad: [0.5, -0.5, 1, 2, -3, 4])
        let gain = parameter("v", .vector, value: [1, 1, 1], grad: [-1, 0.25, 2])
        let adamGroups = [ParameterGroup("aux", roles: [.embedding, .head, .vector], lrMultiplier: 0.5)]
        var muon = Muon(adamW: .adamW(beta1: 0.9, beta2: 0.95, epsilon: 1e-10, weightDecay: 0, groups: adamGroups))
        try muon.step([hidden, embedding, head, gain], lr: 0.2)

        for p in [embedding, head, gain] {
            expectClose(p.value.data, p.grad.data.map { 1 - 0.1 * Double($0) / (abs(Double($0)) + 1e-10) })
            #expect(muon.adamW.stepCount(of: p) == 1)
        }
        #expect(muon.adamW.stepCount(of: hidden) == 0)
        var orthogonal = g.map { 0.0975 * $0 }
        NewtonSchulz.orthogonalize(&orthogonal, rows: 4, cols: 3, schedule: jordan)
        let rate = 0.2 * (4.0 / 3.0).squareRoot()
        expectClose(hidden.value.data, orthogonal.map { 1 - rate * Double($0) }, relative: 1e-4)
    }

    @Test func sameInputsGiveBitwiseSameIterates() throws {
        func run() throws -> [Float] {
            let p = parameter("w", .hiddenMatrix, shape: [6, 5], value: gaussian(30, seed: 1), grad: gaussian(30, seed: 2))
            let b = parameter("b", .vector, value: [0, 0, 0, 0, 0], grad: [1, 2, 3, 4, 5])
            var muon = Muon(weightDecay: 0.1)
            for _ in 0..<3 { try muon.step([p, b], lr: 0.02) }
            return p.value.data + b.value.data
        }
        #expect(try run() == run())
    }

    /// Muon's count: per matrix element momentum 3, Nesterov 3, descent 2, plus NS (nominal count); AdamW's 13 per element.
    @Test func flopsAddTheParts() {
        let matrix = parameter("w", .hiddenMatrix, shape: [2, 3], value: .init(repeating: 0, count: 6), grad: .init(repeating: 0, count: 6))
        let gain = parameter("b", .vector, value: [0, 0, 0], grad: [0, 0, 0])
        let ns = NewtonSchulz.nominalFlops(rows: 2, cols: 3, steps: 5)
        #expect(Muon().flops(for: [matrix, gain]) == 8 * 6 + ns + 13 * 3)
    }
}
