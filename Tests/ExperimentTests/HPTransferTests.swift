import Foundation
import RealModule
import ReproData
import ReproNumerics
import ReproMuP
import ReproOptim
import ReproTraining
import Testing
@testable import HPTransfer

@Suite("hp-transfer: the function-space learning-rate estimator")
struct HPTransferEstimatorTests {
    @Test("Σ over the other axes of (Σ over one axis)² matches a brute-force sum on a 3-D tensor")
    func axisSums() {
        let shape = [2, 3, 4]
        var rng = RNG(seed: 3)
        let p = (0..<24).map { _ in rng.normal() }
        func at(_ i: Int, _ j: Int, _ k: Int) -> Double { Double(p[(i * 3 + j) * 4 + k]) }
        var brute = [0.0, 0.0, 0.0]
        for j in 0..<3 { for k in 0..<4 { let s = (0..<2).reduce(0.0) { $0 + at($1, j, k) }; brute[0] += s * s } }
        for i in 0..<2 { for k in 0..<4 { let s = (0..<3).reduce(0.0) { $0 + at(i, $1, k) }; brute[1] += s * s } }
        for i in 0..<2 { for j in 0..<3 { let s = (0..<4).reduce(0.0) { $0 + at(i, j, $1) }; brute[2] += s * s } }
        for axis in 0..<3 {
            #expect(FunctionSpaceEstimator.squaredAxisSums(p, shape: shape, axis: axis).isApproximatelyEqual(to: brute[axis], relativeTolerance: 1e-12))
        }
    }

    @Test("For a vector the Kronecker form is the full-covariance form; after one probe both are |Σ P|")
    func kroneckerOfVectorIsFullCovariance() {
        var kron = FunctionSpaceEstimator(shapes: [[5]], approximation: .kronecker)
        var full = FunctionSpaceEstimator(shapes: [[5]], approximation: .fullCovariance)
        var rng = RNG(seed: 4)
        for probe in 1...6 {
            let p = [(0..<5).map { _ in rng.normal() }]
            let a = kron.update(products: p, shapes: [[5]]), b = full.update(products: p, shapes: [[5]])
            #expect(a[0].isApproximatelyEqual(to: b[0], relativeTolerance: 1e-12))
            if probe == 1 { #expect(a[0].isApproximatelyEqual(to: abs(p[0].reduce(0) { $0 + Double($1) }), relativeTolerance: 1e-12)) }
        }
    }

    @Test("On a model linear in W, the central difference is exact and the parameter is restored bit for bit")
    func directMeasurementOnALinearModel() {
        var rng = RNG(seed: 5)
        let layer = Linear("l", inputs: 4, outputs: 3, rng: &rng)
        let x = Tensor(shape: [6, 4], data: rng.normals(24))
        let direction = rng.normals(12)
        let before = layer.weight.value
        let ms = FunctionSpaceProbe.meanSquareChange(of: { tape, input in layer.forward(tape.constant(input), on: tape) },
                                                     parameter: layer.weight, direction: direction, step: 1e-2, inputs: x)
        #expect(layer.weight.value == before)
        var exact = 0.0
        for b in 0..<6 { for o in 0..<3 {
            let d = (0..<4).reduce(0.0) { $0 + Double(direction[o * 4 + $1]) * Double(x.data[b * 4 + $1]) }
            exact += d * d
        } }
        #expect(ms.isApproximatelyEqual(to: exact / 18, relativeTolerance: 1e-3))
    }

    @Test("One probe's Σ P is ε·(J ΔW)/√numel(f): its mean square over many probes is the direct value (linear model)")
    func probeIsUnbiasedOnALinearModel() {
        var rng = RNG(seed: 6)
        let layer = Linear("l", inputs: 5, outputs: 4, rng: &rng)
        let x = Tensor(shape: [8, 5], data: rng.normals(40))
        let direction = rng.normals(20)
        let output: (Tape, Tensor) -> Variable = { tape, input in layer.forward(tape.constant(input), on: tape) }
        let direct = FunctionSpaceProbe.meanSquareChange(of: output, parameter: layer.weight, direction: direction, step: 1e-2, inputs: x)
        var noise = RNG(seed: 7, stream: RNG.Stream.noise)
        var total = 0.0
        let probes = 4000
        for _ in 0..<probes {
            let g = FunctionSpaceProbe.gradients(of: output, parameters: [layer.weight], inputs: x, rng: &noise)
            let s = FunctionSpaceProbe.products(updates: [direction], gradients: g)[0].reduce(0) { $0 + Double($1) }
            total += s * s
        }
        // (Σ P)² is a scaled χ²₁-like variable: relative standard error √(2/4000) ≈ 2.2%; 4 s.e.
        #expect((total / Double(probes)).isApproximatelyEqual(to: direct, relativeTolerance: 0.09))
    }
}

@Suite("hp-transfer: FLeRM, μP and the models")
struct HPTransferMethodTests {
    static func data(count: Int = 64, inputs: Int = 6, classes: Int = 3) -> LabelledImages {
        var rng = RNG(seed: 11, stream: RNG.Stream.data)
        let labels = (0..<count).map { _ in rng.int(below: classes) }
        return LabelledImages(images: Tensor(shape: [count, inputs], data: rng.normals(count * inputs)), labels: labels, classCount: classes)
    }

    @Test("FLeRM matched to its own recording sets every rate multiplier to exactly 1 and trains bit for bit as the recording run")
    func flermAtTheBaseIsTheRecordingRun() throws {
        let training = TransferTraining(batchSize: 8, steps: 210, averagedSteps: 10)
        let train = Self.data()
        func model() -> MLP { MLP(sizes: [6, 8, 8, 3], seed: 2) }
        let a = model(), b = model()
        let shapes = a.parameters.map(\.value.shape)
        let recorded = try training.run(model: a, groups: [], lr: 1e-2, data: train, seed: 2,
                                        flerm: FLeRM(mode: .record, shapes: shapes, seed: 2), cancellation: {})
        let base = try #require(recorded.flerm).recorded
        #expect(base.count == 3, "calls at iterations 0, 100, 200")
        let matched = try training.run(model: b, groups: [], lr: 1e-2, data: train, seed: 2,
                                       flerm: FLeRM(mode: .match(base: base), shapes: shapes, seed: 2), cancellation: {})
        #expect(try #require(matched.flerm).multipliers.allSatisfy { $0 == 1 })
        #expect(matched.loss == recorded.loss)
        #expect(zip(a.parameters, b.parameters).allSatisfy { $0.value == $1.value })
    }

    @Test("FLeRM's rates make each tensor's function-space learning rate the base's: lr_ℓ·δ_ℓ = base_ℓ at the call")
    func flermMatchesFunctionSpaceRates() throws {
        let train = Self.data()
        let model = MLP(sizes: [6, 16, 16, 3], seed: 3)
        let base: [[Double]] = [model.parameters.indices.map { 0.001 * Double($0 + 1) }]
        var flerm = FLeRM(mode: .match(base: base), shapes: model.parameters.map(\.value.shape), seed: 3)
        var optimizer = Adam()
        let output: (Tape, Tensor) -> Variable = { tape, x in model.forward(tape.constant(x), on: tape) }
        flerm.saveWeights(model.parameters)
        let tape = Tape()
        tape.backward(tape.crossEntropy(output(tape, train.images), labels: train.labels.map(Int32.init)))
        try optimizer.step(model.parameters, lr: 1)
        var batches = BatchSampler(count: train.count, batchSize: 16, seed: 9)
        let estimates = flerm.afterStep(iteration: 0, parameters: model.parameters, output: output) { train.gathering(batches.next()).images }
        for l in estimates.indices {
            #expect((flerm.multipliers[l] * estimates[l]).isApproximatelyEqual(to: base[0][l], relativeTolerance: 1e-9))
        }
    }

    @Test("Depth split: block j of an L-times deeper model takes base block j / L's value divided by L; input and readout keep theirs")
    func depthSources() {
        let deep = ResidualMLP(inputs: 5, width: 4, classes: 3, baseBlocks: 2, depthMultiplier: 3, seed: 1)
        let sources = deep.flermSources
        #expect(sources.count == deep.parameters.count)
        #expect(sources.prefix(2).map(\.index) == [0, 1] && sources.prefix(2).allSatisfy { $0.share == 1 })
        #expect(sources.suffix(2).map(\.index) == [6, 7] && sources.suffix(2).allSatisfy { $0.share == 1 })
        let blocks = Array(sources.dropFirst(2).dropLast(2))
        #expect(blocks.map(\.index) == [2, 3, 2, 3, 2, 3, 4, 5, 4, 5, 4, 5])
        #expect(blocks.allSatisfy { $0.share == 1.0 / 3 })
        let base = FLeRMBase(recorded: [[1, 2, 3, 4, 5, 6, 7, 8]])
        #expect(base.values(for: sources)[0].prefix(4) == [1, 2, 1, 4.0 / 3].prefix(4))
    }

    @Test("The residual MLP's blocks are initialised N(0, 2/width)/√L, its input layer N(0, 1/d) with zero bias")
    func residualInitialisation() {
        let model = ResidualMLP(inputs: 400, width: 256, classes: 3, baseBlocks: 1, depthMultiplier: 4, seed: 1)
        func std(_ x: [Float]) -> Double { (x.reduce(0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot() }
        #expect(std(model.blocks[0].weight.value.data).isApproximatelyEqual(to: (2.0 / 256).squareRoot() / 2, relativeTolerance: 0.02))
        #expect(std(model.input.weight.value.data).isApproximatelyEqual(to: (1.0 / 400).squareRoot(), relativeTolerance: 0.02))
        #expect(model.input.bias!.value.data.allSatisfy { $0 == 0 })
    }

    @Test("μP at the base width is SP exactly; wider, only the width×width matrices get η/m")
    func muPAtBaseIsStandard() {
        let sp = MLP(sizes: [6, 8, 8, 8, 3], seed: 4)
        let mup = MuP.mlp(inputs: 6, width: 8, baseWidth: 8, hiddenMatrices: 2, classes: 3, seed: 4)
        #expect(zip(sp.parameters, mup.parameters).allSatisfy { $0.value == $1.value })
        #expect(mup.readoutMultiplier == 1)
        let wide = MuP.mlp(inputs: 6, width: 32, baseWidth: 8, hiddenMatrices: 2, classes: 3, seed: 4)
        let groups = MuP.groups(for: wide, width: 32, baseWidth: 8)
        let hidden = Set(MuP.hiddenMatrices(of: wide).map(ObjectIdentifier.init))
        #expect(hidden.count == 2)
        for p in wide.parameters {
            let multiplier = groups.first { $0.matches(p) }?.lrMultiplier ?? 1
            #expect(multiplier == (hidden.contains(ObjectIdentifier(p)) ? 0.25 : 1))
        }
        #expect(wide.readoutMultiplier == 0.25)
    }

    @Test("The coordinate check's layer-by-layer logits are MLP.forward's")
    func coordinatesMatchForward() {
        let model = MuP.mlp(inputs: 6, width: 16, baseWidth: 8, hiddenMatrices: 2, classes: 3, seed: 5)
        let x = Self.data(count: 5).images
        let tape = Tape(recording: false)
        #expect(CoordinateCheck.coordinates(model, x).logits == model.forward(tape.constant(x), on: tape).value.data)
    }
}

@Suite("hp-transfer: sweeps of a family")
struct HPTransferFamilyTests {
    @Test("Sizes start around the base optimum, regret and wider-is-better are read off shared lattice points")
    func familyOnASyntheticObjective() throws {
        // Loss of size s at ln-rate x: (x − x*(s))² + 1/s, optimum moving down one lattice step per size.
        let lattice = LogLattice.powersOfTwo(step: 1)
        var baseRuns = 0
        let family = try TransferFamily(
            lattice: lattice, sizes: [1, 2, 4], arms: ["drift", "stable"], grid: -8...(-4), margin: 2, maxExtension: 4,
            runBase: { lr in baseRuns += 1; return (pow(log2(lr) + 6, 2) + 1, [[log2(lr)]]) },
            runScaled: { arm, size, lr, base in
                let shift = arm == "drift" ? log2(Double(size)) : 0
                if arm == "stable" { let recorded = try base()[0][0]; #expect(recorded == log2(lr)) }
                return pow(log2(lr) + 6 + shift, 2) + 1 / Double(size)
            })
        #expect(family.transferred == -6)
        let drift = family.summary("drift", margin: 2), stable = family.summary("stable", margin: 2)
        #expect(stable.logRegret.allSatisfy { $0 == 0 })
        #expect(drift.logRegret[2] > 0)
        #expect(drift.driftLog2.isApproximatelyEqual(to: -2, absoluteTolerance: 1e-9))
        #expect(stable.driftLog2.isApproximatelyEqual(to: 0, absoluteTolerance: 1e-9))
        #expect(stable.widerBetter.successes == stable.widerBetter.trials && stable.widerBetter.trials > 0)
        #expect(drift.widerBetter.successes < drift.widerBetter.trials)
        #expect(baseRuns == family.sweeps["stable"]![0].indices.count, "the base sweep ran each rate once, shared by both arms")
    }
}
