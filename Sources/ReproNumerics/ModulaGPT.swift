/// The shape of a `ModulaGPT`.
public struct ModulaGPTConfig: Sendable, Equatable, Codable {
    public var vocabulary: Int
    public var context: Int
    public var dimension: Int
    public var layers: Int
    public var heads: Int
    /// s in the attention logits s·q·kᵀ/d_head (their `softmax_scale`, 1 in the Shakespeare config).
    public var softmaxScale: Float
    /// Layer norm (no gain, no bias) on each block's input, inside the residual branch (their
    /// `layernorm_substitute = "layernorm"`); false is their default "none".
    public var layerNorm: Bool
    /// Zero initial W_o, MLP output and head (their `zero_init`, true in the Shakespeare config).
    public var zeroInit: Bool

    public init(vocabulary: Int = 65, context: Int = 64, dimension: Int = 64, layers: Int = 2, heads: Int = 4,
                softmaxScale: Float = 1, layerNorm: Bool = false, zeroInit: Bool = true) {
        self.vocabulary = vocabulary; self.context = context; self.dimension = dimension; self.layers = layers
        self.heads = heads; self.softmaxScale = softmaxScale; self.layerNorm = layerNorm; self.zeroInit = zeroInit
    }
}

/// The character-level transformer of Newhouse et al., "Training Transformers with Enforced
/// Lipschitz Constants" (arXiv:2507.13338), as modula builds it (github.com/Arongil/
/// lipschitz-transformers, `modula/compound.py` `GPT` and `Attention`, `modula/bond.py`):
///
///     x₀ = E[tokens]                                         (rows of E have RMS ≤ 1)
///     per block, with a = 1/(2L):
///       x ← (1 − a)·x + a·W_o·(⅓·Attn(x))                    Attn: causal softmax of s·q·kᵀ/d_head
///       x ← (1 − a)·x + a·W_out·(GELU(W_in·x)/1.1289)        (1.1289 = GELU's largest slope)
///     logits = W_head·x
///
/// No layer norm, no QK norm, no logit soft-capping (unless `layerNorm` adds a plain layer norm
/// on each branch's input, the baseline). Every matrix is a `.hiddenMatrix` [fan-out, fan-in]
/// (the head too: with `use_unembed=False` their head is a constrained `Linear`); the table is an
/// `.embedding`. Initialisation as modula's: matrices semi-orthogonal times √(fan-out/fan-in)
/// (RMS→RMS norm 1; `Linear.initialize`), W_o, W_out and the head zero when `zeroInit`; table
/// rows N(0, 1) scaled to RMS 1 (`Embed.initialize`).
///
/// Differences from theirs: no positional encoding (they use RoPE, an isometry that their
/// Lipschitz bound ignores; a causal transformer still infers position), so the bound rules are
/// unchanged; GELU is the tanh approximation (jax.nn.gelu's default too); the residual scale and
/// final scale are 1, as in their Shakespeare config.
public final class ModulaGPT: Module {
    public let config: ModulaGPTConfig
    public let embedding: Embedding
    public let attentions: [SelfAttention]
    public let mlpIn, mlpOut: [Linear]
    public let head: Linear

    /// GELU's largest slope, by which modula's `GeLU` bond divides.
    public static let geluSlope: Float = 1.1289

    public init(_ config: ModulaGPTConfig, seed: UInt64) {
        var rng = RNG(seed: seed, stream: RNG.Stream.initialisation)
        let (d, v) = (config.dimension, config.vocabulary)
        self.config = config
        embedding = Embedding("embedding", count: v, dimension: d, rng: &rng)
        Self.capRows(embedding.table, rms: 1, exact: true)
        var attentions: [SelfAttention] = [], ins: [Linear] = [], outs: [Linear] = []
        let headWidth = d / config.heads
        for i in 0..<config.layers {
            let attention = SelfAttention("blocks.\(i).attention", dimension: d, heads: config.heads, kind: .softmax(.causal),
                                          bias: false, scale: config.softmaxScale / Float(headWidth), rng: &rng)
            for p in [attention.query, attention.key, attention.value] { Self.orthogonalInit(p.weight, rng: &rng) }
            Self.orthogonalInit(attention.output.weight, zero: config.zeroInit, rng: &rng)
            let up = Linear("blocks.\(i).mlp.in", inputs: d, outputs: 4 * d, bias: false, rng: &rng)
            let down = Linear("blocks.\(i).mlp.out", inputs: 4 * d, outputs: d, bias: false, rng: &rng)
            Self.orthogonalInit(up.weight, rng: &rng)
            Self.orthogonalInit(down.weight, zero: config.zeroInit, rng: &rng)
            attentions.append(attention); ins.append(up); outs.append(down)
        }
        self.attentions = attentions; mlpIn = ins; mlpOut = outs
        head = Linear("head", inputs: d, outputs: v, bias: false, role: .hiddenMatrix, rng: &rng)
        Self.orthogonalInit(head.weight, zero: config.zeroInit, rng: &rng)
    }

    public var parameters: [Parameter] {
        embedding.parameters + (0..<config.layers).flatMap { attentions[$0].parameters + mlpIn[$0].parameters + mlpOut[$0].parameters }
            + head.parameters
    }

    /// Logits [B, T, vocabulary] for B windows of T ≤ context tokens laid out row by row.
    public func forward(_ tokens: [Int32], batch: Int, on tape: Tape) -> Variable {
        let length = tokens.count / batch
        precondition(length * batch == tokens.count && length <= config.context,
                     "ModulaGPT: \(tokens.count) tokens are not \(batch) windows of length ≤ \(config.context)")
        let a = 1 / Float(2 * config.layers)
        var x = embedding.forward(tokens, shape: [batch, length], on: tape)
        for i in 0..<config.layers {
            let attended = attentions[i].forward(branchInput(x, on: tape), on: tape)
            x = tape.add(tape.scale(x, 1 - a), tape.scale(attended, a / 3))
            let hidden = tape.gelu(mlpIn[i].forward(branchInput(x, on: tape), on: tape))
            x = tape.add(tape.scale(x, 1 - a), tape.scale(mlpOut[i].forward(hidden, on: tape), a / Self.geluSlope))
        }
        return head.forward(x, on: tape)
    }

    private func branchInput(_ x: Variable, on tape: Tape) -> Variable {
        config.layerNorm ? tape.layerNorm(x) : x
    }

    /// Mean next-character cross-entropy: `targets[i]` follows `tokens[i]`.
    public func loss(_ tokens: [Int32], targets: [Int32], batch: Int, on tape: Tape) -> Variable {
        tape.crossEntropy(forward(tokens, batch: batch, on: tape), labels: targets)
    }

    /// Matmul FLOPs of one training step on `windows` windows of `context` tokens (forward +
    /// backward = 3× forward; 2·m·n·k per product; causal attention T(T+1)/2 query–key pairs).
    public func stepFlops(windows: Int) -> Double {
        let (d, t, v, l) = (Double(config.dimension), Double(config.context), Double(config.vocabulary), Double(config.layers))
        let perToken = l * (8 * d * d + 16 * d * d) + 2 * d * v
        return 3 * Double(windows) * (t * perToken + l * 4 * d * t * (t + 1) / 2)
    }

    // MARK: Initialisation

    /// W ← Q·√(fan-out/fan-in) with Q semi-orthogonal (orthonormal rows if fan-out ≤ fan-in, else
    /// columns), from a Gaussian by modified Gram–Schmidt in Float64; or zeros.
    public static func orthogonalInit(_ weight: Parameter, zero: Bool = false, rng: inout RNG) {
        let (rows, cols) = (weight.value.rows, weight.value.cols)
        let gaussian = rng.normals(rows * cols)
        if zero { weight.value.data = [Float](repeating: 0, count: rows * cols); return }
        let wide = rows <= cols
        // Orthonormalise the shorter side's vectors: rows of W (wide) or columns (tall).
        let (count, length) = wide ? (rows, cols) : (cols, rows)
        var vectors = (0..<count).map { i in (0..<length).map { j in Double(wide ? gaussian[i * cols + j] : gaussian[j * cols + i]) } }
        for i in 0..<count {
            for k in 0..<i {
                let dot = zip(vectors[i], vectors[k]).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<length { vectors[i][j] -= dot * vectors[k][j] }
            }
            let norm = vectors[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0..<length { vectors[i][j] /= norm }
        }
        let scale = (Double(rows) / Double(cols)).squareRoot()
        var data = [Float](repeating: 0, count: rows * cols)
        for i in 0..<count {
            for j in 0..<length { data[wide ? i * cols + j : j * cols + i] = Float(scale * vectors[i][j]) }
        }
        weight.value.data = data
    }

    /// Each row r ← r / max(1, RMS(r)/rms), or r/RMS(r) when `exact` (every row at that RMS).
    static func capRows(_ table: Parameter, rms: Float, exact: Bool) {
        let (rows, cols) = (table.value.rows, table.value.cols)
        for i in 0..<rows {
            var sum: Float = 0
            for j in 0..<cols { sum += table.value.data[i * cols + j] * table.value.data[i * cols + j] }
            let current = (sum / Float(cols)).squareRoot()
            let divisor = exact ? current / rms : max(1, current / rms)
            for j in 0..<cols { table.value.data[i * cols + j] /= divisor }
        }
    }
}
