/// Which attention a `SelfAttention` layer computes.
public enum AttentionKind: Sendable, Equatable {
    /// softmax(s·QKᵀ + mask)·V.
    case softmax(AttentionMask)
    /// (s·QKᵀ ⊙ M)·V, no softmax.
    case linear(AttentionMask)
}

/// Multi-head self-attention on [B, T, d]: Q, K, V = x·W_qᵀ, x·W_kᵀ, x·W_vᵀ, split into `heads`
/// heads of width d/heads, attention per head, heads merged, then the output projection W_o.
///
/// Four separate d×d `.hiddenMatrix` weights (not one fused QKV parameter) so that matrix-aware
/// optimisers see each projection as its own matrix; the forward pass still computes Q, K, V
/// with one stacked product. The attention scale s is 1/√d_head (standard) or
/// √d₀/d_head under μP (see `Initialisation`) for softmax attention; for linear attention the
/// default is 1/T, the in-context-learning convention (mean over the context).
public final class SelfAttention: Layer {
    public let query, key, value, output: Linear
    public let heads: Int
    public let kind: AttentionKind
    public let scale: Float?

    /// `scale` overrides the default described above.
    public init(_ name: String, dimension: Int, heads: Int, kind: AttentionKind = .softmax(.causal), bias: Bool = false,
                initialisation: Initialisation = .standard, scale: Float? = nil, rng: inout RNG) {
        precondition(dimension % heads == 0, "SelfAttention: dimension \(dimension) not divisible by \(heads) heads")
        query = Linear(name + ".query", inputs: dimension, outputs: dimension, bias: bias, rng: &rng)
        key = Linear(name + ".key", inputs: dimension, outputs: dimension, bias: bias, rng: &rng)
        value = Linear(name + ".value", inputs: dimension, outputs: dimension, bias: bias, rng: &rng)
        output = Linear(name + ".output", inputs: dimension, outputs: dimension, bias: bias, rng: &rng)
        self.heads = heads
        self.kind = kind
        let headWidth = Float(dimension / heads)
        switch (kind, initialisation) {
        case (.softmax, .muP(let base)): self.scale = scale ?? (Float(base) / Float(heads)).squareRoot() / headWidth
        default: self.scale = scale
        }
    }

    public var parameters: [Parameter] { [query, key, value, output].flatMap(\.parameters) }

    /// Q, K and V come from one stacked `linear` and the heads are attended in place
    /// (`Tape.packedAttention`): the same values as splitting, attending and merging per head.
    public func forward(_ x: Variable, on tape: Tape) -> Variable {
        precondition(x.shape.count == 3, "SelfAttention: input must be [B, T, d], got \(x.shape)")
        let projections = [query, key, value]
        let biases = projections.compactMap(\.bias)
        let qkv = tape.linear(x, weights: projections.map { tape.parameter($0.weight) },
                              biases: biases.count == 3 ? biases.map { tape.parameter($0) } : nil)
        let o: Variable
        switch kind {
        case .softmax(let mask):
            let width = Float(x.shape[2] / heads)
            o = tape.packedAttention(qkv, heads: heads, mask: mask, scale: scale ?? 1 / width.squareRoot(), softmax: true)
        case .linear(let mask):
            o = tape.packedAttention(qkv, heads: heads, mask: mask, scale: scale ?? 1 / Float(x.shape[1]), softmax: false)
        }
        return output.forward(o, on: tape)
    }
}
