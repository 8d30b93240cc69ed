import ReproNumerics
import ReproOptim

/// The training steps timed against PyTorch: forward, backward and optimiser update of one
/// batch, the same shapes as `torch_bench.py` (which must be kept in step with this file).
///
/// Data are random (normal images, uniform labels and characters): only the shapes matter for
/// time. Each step does what a training loop does: zero the gradients, record the loss and
/// back-propagate (through `DataParallel`: one tape per shard, the batch's rows split among
/// them), update.
///
/// With one shard the step is the plain single-tape loop, and at several threads it then uses
/// them inside OpenBLAS calls and `Parallel` loops ("intra-op", as PyTorch does); with as many
/// shards as threads, each shard runs on its own thread with single-threaded BLAS.
enum TrainingSteps {
    /// The case names, in the order they are reported; the Python side uses the same keys.
    static let names = ["mlp-adamw", "mlp-muon", "gpt-adamw", LipschitzTrainingStep.name]

    /// One case run one way: its batch in `shards` data-parallel parts.
    struct Variant: Hashable {
        var name: String
        var shards: Int
        /// How the step uses `threads` threads, for the report.
        func method(threads: Int) -> String {
            threads == 1 ? "—" : shards == 1 ? "one tape, \(threads) BLAS threads" : "\(shards) data-parallel shards"
        }
    }

    /// Every case at one thread; at several, every case as data-parallel shards and as one tape
    /// with multi-threaded BLAS (in that order).
    static func variants(threads: Int) -> [Variant] {
        names.flatMap { name in
            threads == 1 ? [Variant(name: name, shards: 1)]
                : [Variant(name: name, shards: threads), Variant(name: name, shards: 1)]
        }
    }

    /// The step of case `name` (nil for an unknown name) with the batch cut into `shards`,
    /// owning its model, optimiser, tapes and batch.
    static func make(_ name: String, shards: Int = 1) -> (() throws -> Void)? {
        switch name {
        case "mlp-adamw": mlpAdamW(shards: shards)
        case "mlp-muon": mlpMuon(shards: shards)
        case "gpt-adamw": gptAdamW(shards: shards)
        case LipschitzTrainingStep.name: LipschitzTrainingStep.make(shards: shards)
        default: nil
        }
    }

    /// MLP 784→512→512→10, batch 128, cross-entropy, AdamW (PyTorch defaults, λ = 0.01).
    static func mlpAdamW(shards: Int) -> () throws -> Void {
        var optimiser = Adam.adamW()
        return mlpStep(shards: shards) { parameters in try optimiser.step(parameters, lr: 1e-3) }
    }

    /// The same MLP with Muon (5 Jordan quintics) on the two hidden weight matrices; the head and
    /// the biases go to the internal AdamW (λ = 0.01, as the PyTorch side's second optimiser).
    static func mlpMuon(shards: Int) -> () throws -> Void {
        var optimiser = Muon(adamW: .adamW(groups: [ParameterGroup("adam", roles: [.head, .vector], lrMultiplier: 0.05)]))
        return mlpStep(shards: shards) { parameters in try optimiser.step(parameters, lr: 0.02) }
    }

    private static func mlpStep(shards: Int, update: @escaping ([Parameter]) throws -> Void) -> () throws -> Void {
        let (batch, inputs, classes) = (128, 784, 10)
        let model = MLP(sizes: [inputs, 512, 512, classes], seed: 0)
        var rng = RNG(seed: 0, stream: RNG.Stream.data)
        let images = rng.normals(batch * inputs)
        let labels = (0..<batch).map { _ in Int32(rng.int(below: classes)) }
        // Each shard's rows, cut once (a training loop would slice each batch it draws).
        let parallel = DataParallel(shards: shards)
        let parts = parallel.shards(batch: batch).map { shard in
            let rows = shard.rows
            return (Tensor(shape: [rows.count, inputs], data: Array(images[rows.lowerBound * inputs ..< rows.upperBound * inputs])),
                    Array(labels[rows]))
        }
        return {
            model.zeroGrad()
            parallel.backward(batch: batch) { tape, shard in
                let (x, y) = parts[shard.index]
                return tape.crossEntropy(model.forward(tape.constant(x), on: tape), labels: y)
            }
            try update(model.parameters)
        }
    }

    /// `batch` windows of random characters (inputs and targets), cut into `parallel`'s shards:
    /// only the shapes matter for time.
    static func randomTokenShards(vocabulary: Int, context: Int, batch: Int, parallel: DataParallel) -> [([Int32], [Int32])] {
        var rng = RNG(seed: 0, stream: RNG.Stream.data)
        let count = batch * context
        let tokens = (0..<count).map { _ in Int32(rng.int(below: vocabulary)) }
        let targets = (0..<count).map { _ in Int32(rng.int(below: vocabulary)) }
        return parallel.shards(batch: batch).map { shard in
            let span = shard.rows.lowerBound * context ..< shard.rows.upperBound * context
            return (Array(tokens[span]), Array(targets[span]))
        }
    }

    /// Char GPT: 2 layers, d = 128, 4 heads, context 64, vocabulary 65, batch 32, AdamW.
    static func gptAdamW(shards: Int) -> () throws -> Void {
        let config = GPTConfig(vocabulary: 65, context: 64, dimension: 128, layers: 2, heads: 4)
        let batch = 32
        let model = CharGPT(config, seed: 0)
        let parallel = DataParallel(shards: shards)
        let parts = randomTokenShards(vocabulary: config.vocabulary, context: config.context, batch: batch, parallel: parallel)
        var optimiser = Adam.adamW()
        return {
            model.zeroGrad()
            parallel.backward(batch: batch) { tape, shard in
                let (x, y) = parts[shard.index]
                return model.loss(x, targets: y, batch: shard.rows.count, on: tape)
            }
            try optimiser.step(model.parameters, lr: 1e-3)
        }
    }
}
