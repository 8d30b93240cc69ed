import ReproData
import ReproNumerics
import ReproOptim

/// How the learning rate of the width×width matrices follows the width.
enum WidthScaling: String, Codable, Sendable {
    /// μP for Adam: η_hidden = η / m with m = width / baseWidth (Yang et al., Tensor Programs V,
    /// in the form of Microsoft's `mup`: input and readout weights keep η, the readout's output
    /// is multiplied by 1/m by `MLP` itself).
    case muP
    /// The control: every parameter gets η at every width.
    case constant
}

/// One training setting: a ReLU MLP [d, w, w, classes] under `Initialisation.muP(baseWidth:)`
/// trained with AdamW at a constant rate for a fixed number of epochs.
///
/// Weight decay λ (PyTorch semantics, θ ← (1 − η_p·λ)·θ − η_p·u with η_p the parameter's own
/// rate) is applied to every weight matrix — input, hidden and readout — and not to biases.
struct TrainingSetting: Codable, Sendable, Equatable {
    var width: Int
    var baseWidth: Int
    var scaling: WidthScaling
    var lr: Double
    var batchSize: Int
    var epochs: Int

    /// m = width / baseWidth.
    var widthMultiplier: Double { Double(width) / Double(baseWidth) }

    /// The rate of the width×width matrices, whose EMA timescale the μP claim is about.
    var hiddenLR: Double { scaling == .muP ? lr / widthMultiplier : lr }

    /// Biases: no decay. The width×width matrix of `model` (its middle layer): rate `hiddenLR`.
    /// Everything else: rate η and the optimiser's λ.
    func groups(for model: MLP) -> [ParameterGroup] {
        let hidden = ObjectIdentifier(model.layers[1].weight)
        return [
            ParameterGroup("biases", roles: [.vector], weightDecay: 0),
            ParameterGroup("hidden", lrMultiplier: Float(hiddenLR / lr)) { ObjectIdentifier($0) == hidden },
        ]
    }

    /// Trains a fresh model (initialised from `seed`) on `train` with weight decay `weightDecay`
    /// and returns its mean cross-entropy on `test`, or +∞ when training diverged. Batches come
    /// from `BatchSampler(seed:)`: every λ of a sweep sees the same initialisation and the same
    /// batches, so runs differ only in λ.
    func testLoss(train: LabelledImages, test: LabelledImages, weightDecay: Double, seed: UInt64,
                  cancellation: () throws -> Void) throws -> Double {
        let model = MLP(sizes: [train.images.cols, width, width, train.classCount], activation: .relu,
                        initialisation: .muP(baseWidth: baseWidth), seed: seed)
        var optimizer = Adam.adamW(weightDecay: Float(weightDecay), groups: groups(for: model))
        var batches = BatchSampler(count: train.count, batchSize: batchSize, seed: seed)
        let parameters = model.parameters
        let tape = Tape()
        let steps = epochs * batches.batchesPerEpoch
        for t in 0..<steps {
            let batch = train.gathering(batches.next())
            tape.reset()
            model.zeroGrad()
            let loss = tape.crossEntropy(model.forward(tape.constant(batch.images), on: tape), labels: batch.labels.map(Int32.init))
            tape.backward(loss)
            do {
                try DivergenceError.check(loss: loss.value.data[0])
                try optimizer.step(parameters, lr: Float(lr))
            } catch {
                return .infinity
            }
            if t % 32 == 0 { try cancellation() }
        }
        return Self.meanCrossEntropy(model, on: test)
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
