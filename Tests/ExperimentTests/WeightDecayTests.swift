import Foundation
import ReproKit
import ReproNumerics
import RealModule
import ReproOptim
import Testing
@testable import WeightDecay

@Suite("weight-decay experiment: numerics of the protocol")
struct WeightDecayNumericsTests {
    @Test("The parabolic vertex of three points on an exact parabola is its vertex")
    func vertexOfExactParabola() throws {
        let f = { (x: Double) in 3 * (x - 0.7) * (x - 0.7) + 2 }
        let x = try #require(parabolicVertex((0, f(0)), (0.5, f(0.5)), (1.3, f(1.3))))
        #expect(abs(x - 0.7) < 1e-12)
        #expect(parabolicVertex((0, 0), (1, 1), (2, 2)) == nil, "a line has no vertex")
        #expect(parabolicVertex((0, 0), (1, 1), (2, 0)) == nil, "a cap has no minimum")
    }

    @Test("A sweep extends its grid until the optimum is inside and recovers the exact λ* of a parabola in ln λ")
    func sweepExtendsAndRefines() {
        var runs: [Double] = []
        let sweep = WeightDecaySweep(grid: [0.1, 0.1 * 2.0.squareRoot(), 0.2], ratio: 2.0.squareRoot(), extensions: 10) { lambda in
            runs.append(lambda)
            return (log(lambda) - log(5)) * (log(lambda) - log(5))
        }
        #expect(!sweep.censored)
        #expect(abs(sweep.lambdaStar - 5) < 1e-9 * 5)
        #expect(runs.count == sweep.points.count && sweep.points.count > 3, "points were added above the initial grid")
        #expect(sweep.points.map(\.lambda) == sweep.points.map(\.lambda).sorted())
    }

    @Test("A sweep whose loss keeps falling is censored at its extended edge, after exactly `extensions` additions")
    func sweepCensors() {
        let sweep = WeightDecaySweep(grid: [1, 2, 4], ratio: 2, extensions: 3) { -$0 }
        #expect(sweep.censored)
        #expect(sweep.lambdaStar == 32)
        #expect(sweep.points.count == 6)
    }


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
    /// A μP setting at width 32 over base 8 (m = 4) on a 5-input, 3-class problem.
    static let setting = TrainingSetting(width: 32, baseWidth: 8, scaling: .muP, lr: 1e-2, batchSize: 4, epochs: 1)

    static func model() -> MLP {
        MLP(sizes: [5, 32, 32, 3], activation: .relu, initialisation: .muP(baseWidth: 8), seed: 3)
    }

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

    @Test("With λ = 0, AdamW with the experiment's groups gives bitwise the weights of plain Adam with the same rates")
    func zeroDecayIsAdam() throws {
        let a = Self.model(), b = Self.model()
        var adamW = Adam.adamW(weightDecay: 0, groups: Self.setting.groups(for: a))
        var adam = Adam(groups: Self.setting.groups(for: b))
        #expect(try Self.train(a, &adamW) == Self.train(b, &adam))
    }

    @Test("With zero gradients the weights decay as (1 − η_p·λ)ᵗ with each group's own rate; biases do not decay")
    func emaDecayWithoutGradient() throws {
        let model = Self.model()
        let lambda: Float = 0.5, steps = 1000
        var optimizer = Adam.adamW(weightDecay: lambda, groups: Self.setting.groups(for: model))
        let before = model.parameters.map(\.value.data)
        for _ in 0..<steps {
            model.zeroGrad()
            try optimizer.step(model.parameters, lr: Float(Self.setting.lr))
        }
        let eta = Float(Self.setting.lr), hiddenEta = Float(Self.setting.hiddenLR)
        #expect(hiddenEta * 4 == eta, "μP at m = 4 gives the width×width matrix η/4")
        for (p, start) in zip(model.parameters, before) {
            let rate: Float = p.role == .vector ? 0 : p === model.layers[1].weight ? hiddenEta : eta
            let factor = Float(pow(1 - Double(rate * lambda), Double(steps)))
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
        let sizes = WeightDecayExperiment.presets[0].config.sizes
        let first = try #require(value("data.N\(sizes.first!).lambda_star"))
        let last = try #require(value("data.N\(sizes.last!).lambda_star"))
        #expect(last < first)
    }

    @Test("τ_epoch* is λ* converted exactly, and the two slopes add to −1 (τ_epoch ∝ 1/(λN))")
    func timescaleConsistency() throws {
        let config = WeightDecayExperiment.presets[0].config
        for n in config.sizes {
            let lambda = try #require(value("data.N\(n).lambda_star"))
            let tau = try #require(value("data.N\(n).tau_epoch_star"))
            #expect(abs(tau - Double(config.batchSize) / (config.lr * lambda * Double(n))) <= 1e-9 * tau)
        }
        let sum = try #require(value("data.lambda_slope")) + (try #require(value("data.tau_epoch_slope")))
        #expect(abs(sum + 1) < 1e-9)
    }

    @Test("At the base width the μP and constant-rate arms are the same run")
    func armsAgreeAtBaseWidth() throws {
        let base = WeightDecayExperiment.presets[0].config.baseWidth
        let muP = try #require(value("width.muP.w\(base).lambda_star"))
        let constant = try #require(value("width.constant.w\(base).lambda_star"))
        #expect(muP == constant)
    }

    @Test("Every figure's series is recorded")
    func figuresHaveSeries() {
        let quickSizes = Set(WeightDecayExperiment.presets[0].config.sizes.map { "N\($0)" })
        for figure in WeightDecayExperiment.figures {
            for name in figure.series where !name.hasPrefix("sweep.") || quickSizes.contains(String(name.split(separator: ".").last!)) {
                #expect(Self.measurements.series[name] != nil, "missing series \(name)")
            }
        }
    }
}
