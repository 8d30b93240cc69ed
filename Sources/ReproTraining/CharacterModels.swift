import ReproData
import ReproNumerics

/// The two character-level language models of muon-compute (and of the experiments that reuse
/// its setting), behind one interface: a loss on a
/// batch of windows, the parameters, and the matmul FLOPs of one training step.
///
/// - `gpt`: `CharGPT` (pre-norm blocks, causal softmax attention, untied head), next-character
///   loss at every position of every window.
/// - `mlp`: the previous `context` characters, each embedded in `embedding` dimensions,
///   concatenated and fed to a GELU MLP with two hidden layers of width `hidden`; the loss is on
///   the character that follows each window (one prediction per window, Bengio et al. 2003 style).
public enum ModelSpec: Codable, Sendable, Equatable {
    case gpt(dimension: Int, layers: Int, heads: Int, context: Int)
    case mlp(context: Int, embedding: Int, hidden: Int)

    public var context: Int {
        switch self {
        case .gpt(_, _, _, let context), .mlp(let context, _, _): context
        }
    }

    /// Characters predicted per window: every position for the GPT, the next character for the MLP.
    public var predictionsPerWindow: Int {
        switch self {
        case .gpt(_, _, _, let context): context
        case .mlp: 1
        }
    }

    /// One line for the report: "CharGPT d=64, 2 layers, 4 heads, context 32".
    public var label: String {
        switch self {
        case let .gpt(d, layers, heads, context): "CharGPT d=\(d), \(layers) layers, \(heads) heads, context \(context)"
        case let .mlp(context, embedding, hidden): "char-MLP: \(context) chars × \(embedding)-dim embedding → \(hidden) → \(hidden) (GELU) → vocabulary"
        }
    }

    public func instantiate(vocabulary: Int, seed: UInt64) -> any LanguageModel {
        switch self {
        case let .gpt(d, layers, heads, context):
            GPTModel(CharGPT(GPTConfig(vocabulary: vocabulary, context: context, dimension: d, layers: layers, heads: heads),
                             seed: seed))
        case let .mlp(context, embedding, hidden):
            CharMLP(vocabulary: vocabulary, context: context, embedding: embedding, hidden: hidden, seed: seed)
        }
    }
}

/// A model trained by next-character prediction on `TokenBatch` windows.
public protocol LanguageModel: AnyObject {
    var parameters: [Parameter] { get }
    /// Mean cross-entropy (nats per predicted character) of `batch`, recorded on `tape`.
    func loss(_ batch: TokenBatch, on tape: Tape) -> Variable
    /// Characters predicted per window (the denominator of the mean loss).
    var predictionsPerWindow: Int { get }
    /// Floating-point operations of one training step (forward + backward) on `windows` windows,
    /// counted exactly from the matmul shapes: a product m×k by k×n is 2·m·n·k, the backward
    /// pass is twice the forward (dX and dW). Element-wise work (norms, GELU, softmax, loss) is
    /// left out, as in the 6·N·D convention.
    func stepFlops(windows: Int) -> Double
}

extension LanguageModel {
    /// Mean loss over `windows` without recording gradients, in chunks of `chunk` windows.
    public func evaluate(_ windows: TokenBatch, chunk: Int) -> Double {
        let tape = Tape(recording: false)
        var total = 0.0, count = 0
        var start = 0
        while start < windows.batchSize {
            let n = min(chunk, windows.batchSize - start)
            let span = (start * windows.context)..<((start + n) * windows.context)
            var part = windows
            part.inputs = Array(windows.inputs[span]); part.targets = Array(windows.targets[span]); part.batchSize = n
            total += Double(loss(part, on: tape).value.data[0]) * Double(n * predictionsPerWindow)
            count += n * predictionsPerWindow
            start += n
        }
        return total / Double(count)
    }
}

public final class GPTModel: LanguageModel {
    public let model: CharGPT
    public init(_ model: CharGPT) { self.model = model }

    public var parameters: [Parameter] { model.parameters }
    public var predictionsPerWindow: Int { model.config.context }

    public func loss(_ batch: TokenBatch, on tape: Tape) -> Variable {
        model.loss(batch.inputs, targets: batch.targets, batch: batch.batchSize, on: tape)
    }

    /// Per token: every linear layer 2·in·out (Q, K, V, O: 4·2d²; MLP 2·2·4d²; head 2·d·V); per
    /// sequence of length T, causal attention visits T(T+1)/2 query–key pairs, each costing 2·d
    /// for Q·Kᵀ and 2·d for P·V summed over heads.
    public func stepFlops(windows: Int) -> Double {
        let c = model.config
        let (d, t, v) = (Double(c.dimension), Double(c.context), Double(c.vocabulary))
        let linearPerToken = Double(c.layers) * (8 * d * d + 16 * d * d) + 2 * d * v
        let attentionPerSequence = Double(c.layers) * 4 * d * t * (t + 1) / 2
        let forward = Double(windows) * (t * linearPerToken + attentionPerSequence)
        return 3 * forward
    }
}

/// Embedding [V, e] of each of the k previous characters, concatenated to k·e, then
/// Linear(k·e → h), GELU, Linear(h → h), GELU, head Linear(h → V). Roles: the table is an
/// `.embedding`, the two inner weights `.hiddenMatrix` (Muon), the last `.head`, biases `.vector`.
public final class CharMLP: LanguageModel {
    public let table: Embedding
    public let network: MLP
    public let context: Int

    public init(vocabulary: Int, context: Int, embedding: Int, hidden: Int, seed: UInt64) {
        var rng = RNG(seed: seed, stream: RNG.Stream.initialisation)
        self.context = context
        table = Embedding("embedding", count: vocabulary, dimension: embedding, rng: &rng)
        network = MLP(sizes: [context * embedding, hidden, hidden, vocabulary], activation: .gelu, rng: &rng)
    }

    public var parameters: [Parameter] { table.parameters + network.parameters }
    public var predictionsPerWindow: Int { 1 }

    /// The label of window b is the character after it: `targets[b·k + k − 1]`.
    public func loss(_ batch: TokenBatch, on tape: Tape) -> Variable {
        let b = batch.batchSize
        let embedded = table.forward(batch.inputs, shape: [b, context], on: tape)
        let logits = network.forward(tape.reshape(embedded, [b, context * table.table.value.cols]), on: tape)
        let labels = (0..<b).map { batch.targets[$0 * context + context - 1] }
        return tape.crossEntropy(logits, labels: labels)
    }

    public func stepFlops(windows: Int) -> Double {
        let perWindow = network.layers.reduce(0.0) { $0 + 2 * Double($1.weight.value.count) }
        return 3 * Double(windows) * perWindow
    }
}
