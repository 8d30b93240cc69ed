import ReproNumerics
import ReproOptim
import Testing

/// NESGD (Crawshaw et al.'s code) and Scion on hand-checkable first steps. A diagonal gradient
/// diag(3, 1) has polar factor I and nuclear norm 4, so Polar Express must return ≈ I.
@Suite struct NonEuclideanSGDTests {
    static func matrix(_ value: [Float] = [0, 0, 0, 0], grad: [Float] = [3, 0, 0, 1]) -> Parameter {
        parameter("W", .hiddenMatrix, shape: [2, 2], value: value, grad: grad)
    }

    /// Polar Express ×5 of diag(3, 1) (≈ I to within its ≈ 8% approximation error) and ⟨g, O⟩ (≈ ‖g‖_* = 4).
    static func polar() -> (o: [Float], nuclear: Double) {
        var o: [Float] = [3, 0, 0, 1]
        NewtonSchulz.orthogonalize(&o, rows: 2, cols: 2, schedule: .polarExpress)
        return (o, 3 * Double(o[0]) + Double(o[3]))
    }

    @Test("MuonAdam's first step: W − η·polar(g) on matrices, θ − η·g/(ε + |g|) elsewhere (momenta start at g)")
    func muonAdamFirstStep() throws {
        let w = Self.matrix(), b = parameter("b", value: [1, 1], grad: [0.5, -2])
        var opt = NonEuclideanSGD.muonAdam()
        try opt.step([w, b], lr: 0.1)
        let (o, _) = Self.polar()
        #expect(abs(o[0] - 1) < 0.1 && abs(o[3] - 1) < 0.1 && abs(o[1]) < 1e-6)
        expectClose(w.value.data, o.map { -0.1 * Double($0) })
        expectClose(b.value.data, [1 - 0.1 * 0.5 / (0.5 + 1e-8), 1 + 0.1 * 2 / (2 + 1e-8)])
        #expect(opt.lastStepSize == 0.1)
    }

    @Test("MuonMax's matrix step is scaled by the sum of the spectral layers' nuclear norms; its Adam-2 step is plain Adam")
    func muonMaxFirstStep() throws {
        let w = Self.matrix(), b = parameter("b", value: [1, 1], grad: [0.5, -2])
        var opt = NonEuclideanSGD.muonMax()
        try opt.step([w, b], lr: 0.01)
        // S = ⟨g, O⟩ ≈ ‖diag(3, 1)‖_* = 4: W ← −0.01·S·O.
        let (o, nuclear) = Self.polar()
        #expect(abs(nuclear - 4) < 0.2)
        expectClose(w.value.data, o.map { -0.01 * nuclear * Double($0) }, relative: 1e-4)
        expectClose(b.value.data, [1 - 0.01 * 0.5 / (0.5 + 1e-8), 1 + 0.01 * 2 / (2 + 1e-8)], relative: 1e-4)
    }

    @Test("Momo truncation at the first step: η_t = min(η, (f − f_*)/D²) regularised, min(η, (f − f_*)/D) LMO")
    func momoFirstStep() throws {
        // At step 1, M = g and F̄ = f − ⟨w, g⟩, so N = f − f_*; one matrix only: D = ⟨g, O⟩ ≈ ‖g‖_* = 4.
        let d = Self.polar().nuclear
        for (truncated, expected) in [(NonEuclideanSGD.muonMax(lowerBound: 0.2), 0.8 / (d * d)),
                                      (NonEuclideanSGD.muonAdam(lowerBound: 0.2), 0.8 / d)] {
            var opt = truncated
            let w = Self.matrix([0.3, -0.2, 0.1, 0.5])
            try opt.step([w], lr: 10, loss: 1)
            #expect(abs(Double(opt.lastStepSize) - expected) < 1e-4 * expected, "\(opt.lastStepSize) vs \(expected)")
            var capped = truncated
            try capped.step([Self.matrix()], lr: 1e-4, loss: 1)
            #expect(capped.lastStepSize == 1e-4, "a small η is not truncated")
        }
    }

    @Test("Through `any Optimizer` (as the training loop calls it) the loss reaches the truncated step")
    func momoThroughExistential() throws {
        // Dispatch to the protocol's default `step(_:lr:loss:)` would drop the loss and hit the
        // precondition; the override must run and truncate η = 10 to (f − f_*)/D².
        var opt: any Optimizer = NonEuclideanSGD.muonMax(lowerBound: 0)
        try opt.step([Self.matrix([0.3, -0.2, 0.1, 0.5])], lr: 10, loss: 1)
        let d = Self.polar().nuclear
        let step = try #require(opt as? NonEuclideanSGD).lastStepSize
        #expect(abs(Double(step) - 1 / (d * d)) < 1e-4 / (d * d), "\(step)")
    }

    @Test("Constrained Scion keeps a sign-updated head inside its ∞-ball ρ/d_in; uScion takes the plain step")
    func scionBall() throws {
        let head = parameter("head", .head, shape: [2, 4], value: [Float](repeating: 0, count: 8), grad: [Float](repeating: 0, count: 8))
        var opt = Scion(constrained: true, alpha: 0.5, headRadius: 8)
        var rng = RNG(seed: 3, stream: 0)
        for _ in 0..<200 {
            head.grad.data = (0..<8).map { _ in Float(rng.normal()) }
            try opt.step([head], lr: 0.3)
        }
        #expect(head.value.data.allSatisfy { abs($0) <= 8 / 4 + 1e-6 }, "\(head.value.data)")
        let v = parameter("v", .vector, value: [1, 1], grad: [3, -4])
        var u = Scion(constrained: false, alpha: 1)
        try u.step([v], lr: 0.1)
        // d = g, RMS = √((9 + 16)/2), ρ = 1.
        let rms = (25.0 / 2).squareRoot()
        expectClose(v.value.data, [1 - 0.1 * 3 / rms, 1 + 0.1 * 4 / rms])
    }
}
