import Foundation
import ReproKit
import ReproNumerics
import RealModule
import ReproOptim
import Testing
@testable import WeightDecay

@Suite("weight-decay experiment: numerics of the protocol")
struct WeightDecayNumericsTests {
    @Test("τ_epoch = B/(ηλN) and its inverse agree")
    func timescaleRoundTrip() {
        let tau = EMATimescale.epochs(lr: 3e-3, weightDecay: 0.5, batchSize: 100, examples: 4000)
        #expect(abs(tau - 100 / (3e-3 * 0.5 * 4000)) < 1e-12)
        let lambda = EMATimescale.weightDecay(lr: 3e-3, epochs: tau, batchSize: 100, examples: 4000)
        #expect(abs(lambda - 0.5) < 1e-12)
    }
}

@Suite("weight-decay experiment: AdamW as the protocol uses it")
struct WeightDecayOptimiserTests {
    /// A μP setting at width 32 over base 8 (m = 4) on a 5-input, 3-class problem, one hidden
    /// matrix; input and readout matrices decay with λ = 0.2.
    static let setting = TrainingSetting(width: 32, baseWidth: 8, hiddenMatrices: 1, scaling: .muP, scope: .hiddenMatrices(others: 0.2),
                                         lr: 1e-2, batchSize: 4, epochs: 1, averagedEpochs: 1)

    static func model() -> MLP { setting.model(inputs: 5, classes: 3, seed: 3) }

    /// Ten steps on fixed random batches; returns every parameter's values.
    static func train(_ model: MLP, _ optimizer: inout Adam) throws -> [[Float]] {
        var rng = RNG(seed: 9, stream: RNG.Stream.data)
        let tape = Tape()
        for _ in 0..<10 {
            let x = Tensor(shape: [4, 5], data: rng.normals(20))
            let labels = (0..<4).map { _ in Int32(rng.int(below: 3)) }
            tape.reset()
            model.zeroGrad()
            tape.backward(tape.crossEntropy(model.forward(tape.constant(x), on: tape), labels: labels))
            try optimizer.step(model.parameters, lr: Float(setting.lr))
        }
        return model.parameters.map(\.value.data)
    }

    @Test("With λ = 0 everywhere, AdamW with the experiment's groups gives bitwise the weights of plain Adam with the same rates")
    func zeroDecayIsAdam() throws {
        var setting = Self.setting
        setting.scope = .allMatrices
        let a = setting.model(inputs: 5, classes: 3, seed: 3), b = setting.model(inputs: 5, classes: 3, seed: 3)
        var adamW = Adam.adamW(weightDecay: 0, groups: setting.groups(for: a, weightDecay: 0))
        var adam = Adam(groups: setting.groups(for: b, weightDecay: 0))
        #expect(try Self.train(a, &adamW) == Self.train(b, &adam))
    }

    @Test("Initialisation as mup's set_base_shapes: readout weight and bias, and biases with fan-in w, × √m; the rest as MLP's")
    func mupRescaling() {
        let ours = Self.model()
        let plain = MLP(sizes: [5, 32, 32, 3], activation: .relu, initialisation: .muP(baseWidth: 8), seed: 3)
        for (i, (a, b)) in zip(ours.layers, plain.layers).enumerated() {
            let weightScale: Float = i == ours.layers.count - 1 ? 2 : 1, biasScale: Float = i == 0 ? 1 : 2
            #expect(a.weight.value.data == b.weight.value.data.map { $0 * weightScale }, "layer \(i) weight")
            #expect(a.bias!.value.data == b.bias!.value.data.map { $0 * biasScale }, "layer \(i) bias")
        }
        var base = Self.setting
        base.width = 8
        let atBase = base.model(inputs: 5, classes: 3, seed: 3)
        let plainBase = MLP(sizes: [5, 8, 8, 3], activation: .relu, initialisation: .muP(baseWidth: 8), seed: 3)
        #expect(atBase.parameters.map(\.value) == plainBase.parameters.map(\.value), "no change at the base width")
    }

    @Test("With zero gradients each matrix decays as (1 − η_p·λ_p)ᵗ with its own rate and decay; biases do not decay")
    func emaDecayWithoutGradient() throws {
        let model = Self.model()
        let lambda: Float = 0.5, others: Float = 0.2, steps = 1000
        var optimizer = Adam.adamW(weightDecay: Float(Self.setting.otherDecay(Double(lambda))),
                                   groups: Self.setting.groups(for: model, weightDecay: Double(lambda)))
        let before = model.parameters.map(\.value.data)
        for _ in 0..<steps {
            model.zeroGrad()
            try optimizer.step(model.parameters, lr: Float(Self.setting.lr))
        }
        let eta = Float(Self.setting.lr), hiddenEta = Float(Self.setting.hiddenLR)
        #expect(hiddenEta * 4 == eta, "μP at m = 4 gives the width×width matrix η/4")
        for (p, start) in zip(model.parameters, before) {
            let decay: Float = p.role == .vector ? 0 : p === model.layers[1].weight ? hiddenEta * lambda : eta * others
            let factor = Float(pow(1 - Double(decay), Double(steps)))
            for (value, initial) in zip(p.value.data, start) {
                // 1000 roundings of a Float product: relative error ≲ 1000·2⁻²⁴ ≈ 6·10⁻⁵.
                #expect(value.isApproximatelyEqual(to: initial * factor, absoluteTolerance: 1e-12, relativeTolerance: 2e-4),
                        "\(p.name): \(value) vs \(initial * factor)")
            }
        }
    }
}

@Suite("weight-decay experiment, quick preset")
struct WeightDecayQuickTests {
    static let measurements: Measurements = {
        let quick = WeightDecayExperiment.presets.first { $0.name == "quick" }!
        // A failing run is a test failure; there is nothing to recover.
        return try! WeightDecayExperiment.run(Trial(preset: "quick", config: quick.config, seed: 1), .silent())
    }()

    func value(_ name: String) -> Double? { Self.measurements.scalars[name]?.value }

    @Test("Every claim's measurement is recorded and finite")
    func claimsMeasured() {
        for claim in WeightDecayExperiment.claims {
            let v = value(claim.measurement)
            #expect(v != nil, "missing \(claim.measurement)")
            #expect(v?.isFinite == true, "\(claim.measurement) = \(String(describing: v))")
        }
    }

    @Test("λ* falls as the training set grows (quick preset, seed 1)")
    func lambdaFallsWithN() throws {
        let slope = try #require(value("data.lambda_slope"))
        #expect(slope < 0)
        let sizes = WeightDecayExperiment.presets[0].config.data.sizes
        let first = try #require(value("data.N\(sizes.first!).lambda_star"))
        let last = try #require(value("data.N\(sizes.last!).lambda_star"))
        #expect(last < first)
    }

    @Test("τ_epoch* is λ* converted exactly, and the two slopes add to −1 (τ_epoch ∝ 1/(λN))")
    func timescaleConsistency() throws {
        let config = WeightDecayExperiment.presets[0].config
        for n in config.data.sizes {
            let lambda = try #require(value("data.N\(n).lambda_star"))
            let tau = try #require(value("data.N\(n).tau_epoch_star"))
            #expect(abs(tau - Double(config.batchSize) / (config.lr * lambda * Double(n))) <= 1e-9 * tau)
        }
        let sum = try #require(value("data.lambda_slope")) + (try #require(value("data.tau_epoch_slope")))
        #expect(abs(sum + 1) < 1e-9)
    }

    @Test("At the base width the μP and constant-rate arms are the same run, and the slope difference is the arms' difference")
    func armsAgreeAtBaseWidth() throws {
        let base = WeightDecayExperiment.presets[0].config.width.baseWidth
        let muP = try #require(value("width.muP.w\(base).lambda_star"))
        let constant = try #require(value("width.constant.w\(base).lambda_star"))
        #expect(muP == constant)
        let difference = try #require(value("width.lambda_slope_difference"))
        #expect(difference == (try #require(value("width.muP.lambda_slope"))) - (try #require(value("width.constant.lambda_slope"))))
    }

    @Test("Every figure's series is recorded")
    func figuresHaveSeries() {
        let quickSizes = Set(WeightDecayExperiment.presets[0].config.data.sizes.map { "N\($0)" })
        for figure in WeightDecayExperiment.figures {
            for name in figure.series where !name.hasPrefix("sweep.") || quickSizes.contains(String(name.split(separator: ".").last!)) {
                #expect(Self.measurements.series[name] != nil, "missing series \(name)")
            }
        }
    }
}
