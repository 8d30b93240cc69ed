import RealModule
import ReproNumerics
@testable import ReproOptim
import Testing

private func gaussian(_ count: Int, seed: UInt64) -> [Double] {
    var rng = RNG(seed: seed, stream: RNG.Stream.noise)
    return (0..<count).map { _ in Double(rng.normal()) }
}

/// A point on St(m, n) and a gradient, both Float64, tall m×n.
private func point(m: Int, n: Int, seed: UInt64) -> (W: [Double], G: [Double]) {
    (MatrixSpectrum.polar(gaussian(m * n, seed: seed), rows: m, cols: n), gaussian(m * n, seed: seed + 100))
}

private func inner(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

/// ‖WᵀA + AᵀW‖_F: zero exactly when A is in the tangent space at W.
private func tangentResidual(W: [Double], A: [Double], m: Int, n: Int) -> Double {
    let wa = StiefelMuon.product(W, A, m: m, n: n)
    var sum = 0.0
    for i in 0..<n { for j in 0..<n { let h = wa[i * n + j] + wa[j * n + i]; sum += h * h } }
    return sum.squareRoot()
}

private func spectralNorm(_ a: [Double], m: Int, n: Int) -> Double {
    MatrixSpectrum.spectralNorm(a.map { Float($0) }, rows: m, cols: n)
}

@Suite struct StiefelMuonTests {
    /// Cesista §3: for square full-rank W, Bernstein's W·msign(skew(WᵀG)) equals Su's
    /// msign(G − W·sym(WᵀG)); both are tangent with unit spectral norm.
    @Test func bernsteinEqualsSuForSquareW() {
        for (n, seed) in [(8, 1), (16, 2), (32, 3)] as [(Int, UInt64)] {
            let (W, G) = point(m: n, n: n, seed: seed)
            let bernstein = StiefelMuon.direction(W: W, G: G, m: n, n: n, .bernstein)
            let su = StiefelMuon.direction(W: W, G: G, m: n, n: n, .su)
            let gap = zip(bernstein, su).map { abs($0 - $1) }.max()!
            #expect(gap < 1e-9, "n = \(n): max |A_bernstein − A_su| = \(gap)")
            #expect(tangentResidual(W: W, A: su, m: n, n: n) < 1e-9)
            #expect(spectralNorm(su, m: n, n: n).isApproximatelyEqual(to: 1, relativeTolerance: 1e-6))
        }
    }

    /// The dual ascent of manifold_muon reaches the same maximiser for square W: tangent to its
    /// tolerance and as aligned with G as the closed form (which is optimal there).
    @Test func dualAscentAgreesWithClosedFormForSquareW() {
        let n = 8
        let (W, G) = point(m: n, n: n, seed: 4)
        let closed = StiefelMuon.direction(W: W, G: G, m: n, n: n, .bernstein)
        let dual = StiefelMuon.direction(W: W, G: G, m: n, n: n, .dualAscent(steps: 2000, alpha: 0.05, tolerance: 1e-8))
        #expect(tangentResidual(W: W, A: dual, m: n, n: n) < 1e-5)
        #expect(inner(G, dual).isApproximatelyEqual(to: inner(G, closed), relativeTolerance: 1e-4))
        let distance = zip(dual, closed).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        #expect(distance < 1e-3)
    }

    /// Rectangular W (Cesista §4.1, §5.1): Bernstein's direction stays tangent but Su's leaves
    /// the tangent space; every feasible direction's alignment is at most ‖proj_T(G)‖_nuc.
    @Test func rectangularForms() {
        let (m, n) = (24, 6)
        let (W, G) = point(m: m, n: n, seed: 5)
        let bernstein = StiefelMuon.direction(W: W, G: G, m: m, n: n, .bernstein)
        let su = StiefelMuon.direction(W: W, G: G, m: m, n: n, .su)
        #expect(tangentResidual(W: W, A: bernstein, m: m, n: n) < 1e-9)
        #expect(tangentResidual(W: W, A: su, m: m, n: n) > 1e-2)
        let projected = StiefelMuon.tangentProjection(W: W, G, m: m, n: n)
        let nuclear = MatrixSpectrum.singularValues(projected.map { Float($0) }, rows: m, cols: n).reduce(0, +)
        #expect(inner(G, bernstein) <= nuclear * (1 + 1e-6))
        // Run long enough to become feasible, the dual ascent uses the whole tangent space:
        // at least as aligned as Bernstein's W-span direction, at most the bound.
        let dual = StiefelMuon.direction(W: W, G: G, m: m, n: n, .dualAscent(steps: 4000, alpha: 0.05, tolerance: 1e-9))
        let residual = tangentResidual(W: W, A: dual, m: m, n: n)
        #expect(residual < 1e-3)
        #expect(inner(G, dual) <= nuclear * (1 + 1e-3), "residual \(residual)")
        #expect(inner(G, dual) >= inner(G, bernstein))
    }

    /// Training steps keep ‖WᵀW − I‖_F at Float32 rounding for tall and wide weights, every
    /// direction, and descend a simple objective ‖W − T‖²/2.
    @Test func stepsStayOnTheManifoldAndDescend() throws {
        for (rows, cols) in [(20, 8), (8, 20), (12, 12)] {
            for direction in [StiefelMuon.Direction.su, .bernstein, .dualAscent(steps: 20, alpha: 0.01, tolerance: 1e-6)] {
                let target = MatrixSpectrum.polar(gaussian(rows * cols, seed: 6), rows: rows, cols: cols).map { Float($0) }
                let p = Parameter(name: "w", role: .hiddenMatrix,
                                  value: Tensor(shape: [rows, cols], data: gaussian(rows * cols, seed: 7).map { Float($0) }))
                StiefelMuon.project([p])
                var optimiser = StiefelMuon(direction: direction, momentum: 0.5)
                func loss() -> Double { zip(p.value.data, target).reduce(0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / 2 }
                let initial = loss()
                for _ in 0..<20 {
                    p.grad = Tensor(shape: [rows, cols], data: zip(p.value.data, target).map { $0 - $1 })
                    try optimiser.step([p], lr: 0.1)
                    #expect(StiefelMuon.orthogonalityError(p.value.data, rows: rows, cols: cols) < 1e-5)
                }
                #expect(loss() < initial * 0.8, "\(rows)×\(cols) \(direction): \(initial) → \(loss())")
            }
        }
    }
}
