import Foundation
@testable import Lipschitz
import RealModule
import ReproKit
import ReproNumerics
import ReproOptim
import ReproTestSupport
import Testing

@Suite("lipschitz experiment, quick preset")
struct LipschitzExperimentTests {
    static let quick = LipschitzExperiment.presets.first { $0.name == "quick" }!
    static let measurements: Measurements = {
        // A failing run is a test failure; there is nothing to recover.
        try! LipschitzExperiment.run(Trial(preset: "quick", config: quick.config, seed: 1),
                                     .silent(dataDirectory: repositoryRoot.appending(path: "data")))
    }()

    func value(_ name: String) -> Double? { Self.measurements.scalars[name]?.value }

    @Test("Every claim's measurement is recorded")
    func claimsMeasured() {
        for claim in LipschitzExperiment.claims {
            #expect(value(claim.measurement) != nil, "missing \(claim.measurement)")
        }
    }

    /// A vs B on shared seeds is paired; certified bounds are every-seed checks.
    @Test("Interval kinds fit the statistics")
    func intervalKinds() {
        for claim in LipschitzExperiment.claims {
            if claim.measurement.contains(".gap.") || claim.measurement.contains("_minus_") {
                #expect(claim.interval == .pairedDifference, "\(claim.id)")
            }
            if claim.measurement.hasSuffix("worst_bound_ratio") { #expect(claim.interval == .everySeed, "\(claim.id)") }
        }
    }

    @Test("The soft cap keeps the certified bound at its target in every run at an allowed rate, and Stiefel Muon stays on the manifold")
    func guarantees() throws {
        #expect(try #require(value("mlp.soft-cap.worst_bound_ratio")) <= 1 + 1e-3)
        #expect(try #require(value("transformer.soft-cap.worst_bound_ratio")) <= 1 + 1e-3)
        #expect(try #require(value("transformer.two_lipschitz.bound")) <= 2 * (1 + 1e-3))
        #expect(try #require(value("mlp.stiefel.worst_orthogonality")) < 1e-4)
        #expect(try #require(value("stiefel.square_forms_gap")) < 1e-9)
    }

    @Test("The 2-Lipschitz model's w_max certifies exactly 2 when every matrix sits at it")
    func twoLipschitzNorm() throws {
        let w = try #require(value("transformer.two_lipschitz.w_max"))
        let layers = Self.quick.config.transformer.model.layers
        #expect(CertifiedBound.transformer(.uniform(w, layers: layers), softmaxScale: 1).isApproximatelyEqual(to: 2, relativeTolerance: 1e-9))
    }

    /// The MLP's certificate is a true Lipschitz bound: for random input pairs the RMS change of
    /// the logits never exceeds bound × the RMS change of the input.
    @Test("The MLP's certified bound holds empirically")
    func mlpBoundHolds() {
        let model = ImageMLP(sizes: [20, 16, 16, 10], seed: 3)
        for p in model.parameters { for i in p.value.data.indices { p.value.data[i] *= 1.7 } }
        let bound = CertifiedBound.mlp(model)
        var rng = RNG(seed: 4, stream: RNG.Stream.noise)
        let tape = Tape(recording: false)
        func rms(_ x: [Float]) -> Double { (x.reduce(0) { $0 + Double($1 * $1) } / Double(x.count)).squareRoot() }
        for _ in 0..<200 {
            let x = rng.normals(20), dx = rng.normals(20, std: 0.01)
            let y0 = model.forward(tape.constant(Tensor(shape: [1, 20], data: x)), on: tape).value.data
            let y1 = model.forward(tape.constant(Tensor(shape: [1, 20], data: zip(x, dx).map(+))), on: tape).value.data
            #expect(rms(zip(y1, y0).map(-)) <= bound * rms(dx) * (1 + 1e-4))
        }
    }

    /// The transformer's certificate, read from a model whose matrices all sit at one norm,
    /// equals the uniform target, and every matrix starts at RMS→RMS norm 1 (zero for the
    /// zero-initialised ones) with embedding rows at RMS 1.
    @Test("ModulaGPT initialisation and the bound's reading of it")
    func transformerInitialisation() {
        let model = ModulaGPT(ModulaGPTConfig(vocabulary: 12, context: 8, dimension: 16, layers: 2, heads: 2, zeroInit: false), seed: 5)
        let norms = CertifiedBound.norms(model)
        #expect(norms.embed.isApproximatelyEqual(to: 1, relativeTolerance: 1e-5))
        for n in norms.q + norms.k + norms.v + norms.o + norms.mlpIn + norms.mlpOut + [norms.head] {
            #expect(n.isApproximatelyEqual(to: 1, relativeTolerance: 1e-5))
        }
        #expect(CertifiedBound.transformer(norms, softmaxScale: 1)
            .isApproximatelyEqual(to: CertifiedBound.transformer(.uniform(1, layers: 2), softmaxScale: 1), relativeTolerance: 1e-4))
    }

    /// ModulaGPT's gradient (tape) against central differences of its loss, with and without
    /// layer norm, on entries of every kind of parameter.
    @Test("ModulaGPT gradients match finite differences", arguments: [false, true])
    func transformerGradients(layerNorm: Bool) {
        let model = ModulaGPT(ModulaGPTConfig(vocabulary: 7, context: 5, dimension: 8, layers: 2, heads: 2,
                                              layerNorm: layerNorm, zeroInit: false), seed: 6)
        let tokens: [Int32] = [1, 3, 0, 6, 2, 5, 4, 4, 1, 0], targets: [Int32] = [3, 0, 6, 2, 5, 4, 4, 1, 0, 2]
        let tape = Tape()
        model.zeroGrad()
        tape.backward(model.loss(tokens, targets: targets, batch: 2, on: tape))
        let probe = Tape(recording: false)
        func loss() -> Double { Double(model.loss(tokens, targets: targets, batch: 2, on: probe).value.data[0]) }
        for p in model.parameters {
            for i in [0, p.value.count / 2, p.value.count - 1] {
                let original = p.value.data[i], h: Float = 1e-2
                p.value.data[i] = original + h
                let up = loss()
                p.value.data[i] = original - h
                let down = loss()
                p.value.data[i] = original
                let numeric = (up - down) / Double(2 * h)
                #expect(Double(p.grad.data[i]).isApproximatelyEqual(to: numeric, absoluteTolerance: 2e-3, relativeTolerance: 2e-2),
                        "\(p.name)[\(i)]: tape \(p.grad.data[i]), finite difference \(numeric)")
            }
        }
    }

    @Test("Fronts: best accuracy at or below each bound, a constant predictor's accuracy below every run")
    func fronts() {
        let runs = [(bound: 2.0, accuracy: 0.5), (bound: 8.0, accuracy: 0.7), (bound: 4.0, accuracy: 0.4)]
        #expect(front(runs, grid: [1, 3, 5, 10], floor: 0.1) == [0.1, 0.5, 0.5, 0.7])
        #expect(frontGap([0.5, 0.7], [0.4, 0.4]).isApproximatelyEqual(to: 0.2, relativeTolerance: 1e-12))
    }
}
