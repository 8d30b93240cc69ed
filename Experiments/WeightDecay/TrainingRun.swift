import Foundation
import ReproData
import ReproNumerics
import ReproMuP
import ReproOptim
import ReproTraining

/// How the learning rate of the width×width matrices follows the width.
enum WidthScaling: String, Codable, Sendable {
    /// μP for Adam: η_hidden = η / m with m = width / baseWidth (Yang et al., Tensor Programs V,
    /// as Microsoft's `mup` `MuAdamW` sets it: input and readout weights keep η; the readout's
    /// output is multiplied by 1/m by `MLP` itself).
    case muP
    /// The control: every parameter gets η at every width.
    case constant
}

/// Which weight matrices the swept λ decays (biases never decay).
enum DecayScope: Codable, Sendable, Equatable {
    /// Input, width×width and readout matrices all get the swept λ.
    case allMatrices
    /// Only the width×width matrices get the swept λ; the input and readout matrices keep
    /// `others`, the same at every width and in both arms.
    case hiddenMatrices(others: Double)
}

/// One training setting: a ReLU MLP [d, w, …, w, classes] with `hiddenMatrices` width×width
/// matrices, initialised as Microsoft's `mup` does after `set_base_shapes(rescale_params=True)`,
/// trained with AdamW at a constant rate for a fixed number of epochs.
///
/// Initialisation (`MuP.mlp` in ReproMuP, shared with hp-transfer): PyTorch's uniform init (`Initialisation.muP(baseWidth:)`, readout output ×
/// 1/m), then, as `mup` rescales it, the readout weight and bias and the biases of the layers
/// whose fan-in is the width multiplied by √m (no change at the base width).
///
/// Weight decay (PyTorch semantics, θ ← (1 − η_p·λ_p)·θ − η_p·u with η_p and λ_p the parameter's
/// own rate and decay) per `scope`; biases never decay.
struct TrainingSetting: Codable, Sendable, Equatable {
    var width: Int
    var baseWidth: Int
    var hiddenMatrices: Int
    var scaling: WidthScaling
    var scope: DecayScope
    var lr: Double
    var batchSize: Int
    var epochs: Int
    /// The test loss is averaged over the ends of the last `averagedEpochs` epochs.
    var averagedEpochs: Int

    /// m = width / baseWidth.
    var widthMultiplier: Double { Double(width) / Double(baseWidth) }

    /// The rate of the width×width matrices, whose EMA timescale the μP claim is about.
    var hiddenLR: Double { scaling == .muP ? lr / widthMultiplier : lr }

    /// Training steps of one run on `examples` examples.
    func steps(examples: Int) -> Int { epochs * BatchSampler(count: examples, batchSize: batchSize, seed: 0).batchesPerEpoch }

    func model(inputs: Int, classes: Int, seed: UInt64) -> MLP {
        MuP.mlp(inputs: inputs, width: width, baseWidth: baseWidth, hiddenMatrices: hiddenMatrices, classes: classes, seed: seed)
    }

    /// Biases: no decay. The width×width matrices of `model`: rate `hiddenLR` and the swept λ.
    /// Input and readout matrices: rate η and the optimiser's default decay.
    func groups(for model: MLP, weightDecay: Double) -> [ParameterGroup] {
        let hidden = Set(MuP.hiddenMatrices(of: model).map(ObjectIdentifier.init))
        return [
            ParameterGroup("biases", roles: [.vector], weightDecay: 0),
            ParameterGroup("hidden", lrMultiplier: Float(hiddenLR / lr), weightDecay: Float(weightDecay)) {
                hidden.contains(ObjectIdentifier($0))
            },
        ]
    }

    /// The decay of the input and readout matrices when the hidden ones get `weightDecay`.
    func otherDecay(_ weightDecay: Double) -> Double {
        switch scope {
        case .allMatrices: weightDecay
        case .hiddenMatrices(let others): others
        }
    }

    /// Trains a fresh model (initialised from `seed`) on `train` with the swept weight decay
    /// `weightDecay` and returns its mean cross-entropy on `test` averaged over the ends of the
    /// last `averagedEpochs` epochs, or +∞ when training diverged. At a constant rate the last
    /// iterate jitters from step to step; the tail average estimates the same end-of-training
    /// loss with less of that jitter, which otherwise decides which λ of a flat valley wins.
    /// Batches come from `BatchSampler(seed:)`: every λ of a sweep sees the same initialisation
    /// and the same batches, so runs differ only in λ.
    func testLoss(train: LabelledImages, test: LabelledImages, weightDecay: Double, seed: UInt64,
                  cancellation: () throws -> Void) throws -> Double {
        let model = model(inputs: train.images.cols, classes: train.classCount, seed: seed)
        var optimizer: any Optimizer = Adam.adamW(weightDecay: Float(otherDecay(weightDecay)), groups: groups(for: model, weightDecay: weightDecay))
        var batches = BatchSampler(count: train.count, batchSize: batchSize, seed: seed)
        let perEpoch = batches.batchesPerEpoch, steps = epochs * perEpoch
        let averageFrom = (epochs - max(1, min(averagedEpochs, epochs))) * perEpoch
        var tailLoss = 0.0, tailCount = 0
        let outcome = try TrainingLoop(steps: steps, cancellationInterval: 32).run(
            parameters: model.parameters, optimizer: &optimizer, lr: Float(lr),
            loss: { _, tape in
                let batch = train.gathering(batches.next())
                return tape.crossEntropy(model.forward(tape.constant(batch.images), on: tape), labels: batch.labels.map(Int32.init))
            },
            afterStep: { done in
                if done > averageFrom && done % perEpoch == 0 {
                    tailLoss += Self.meanCrossEntropy(model, on: test)
                    tailCount += 1
                }
                return true
            },
            cancellation: cancellation)
        if outcome.diverged { return .infinity }
        let mean = tailLoss / Double(tailCount)
        return mean.isFinite ? mean : .infinity
    }

    /// Mean cross-entropy over all of `data`, in chunks, without recording a backward pass.
    static func meanCrossEntropy(_ model: MLP, on data: LabelledImages, chunk: Int = 2000) -> Double {
        let tape = Tape(recording: false)
        var total = 0.0
        for start in stride(from: 0, to: data.count, by: chunk) {
            let rows = data.gathering(Array(start..<min(start + chunk, data.count)))
            tape.reset()
            let loss = tape.crossEntropy(model.forward(tape.constant(rows.images), on: tape), labels: rows.labels.map(Int32.init))
            total += Double(loss.value.data[0]) * Double(rows.count)
        }
        let mean = total / Double(data.count)
        return mean.isFinite ? mean : .infinity
    }
}
