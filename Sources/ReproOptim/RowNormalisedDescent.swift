import ReproNumerics

/// modula's update for an embedding table: momentum, then every row of the update scaled to
/// RMS 1, except that a row is scaled up by at most `maxInflation`
/// (github.com/Arongil/lipschitz-transformers `modula/atom.py`, `Embed.dualize` →
/// `_embed_project(…, max_inflation_factor)`: row / max(1/maxInflation, RMS(row)); 16 in their
/// Shakespeare config). Our tables are [count, dimension], so their columns are our rows.
///
///     m ← β·m + (1 − β)·g            (m₀ = 0; β = 0 uses g)
///     p ← p − η · m_r / max(1/maxInflation, RMS(m_r))   for each row r
public struct RowNormalisedDescent: Optimizer {
    public var momentum: Float
    public var maxInflation: Float
    private var buffers = StateTable<[Float]>()

    public init(momentum: Float = 0.9, maxInflation: Float = 16) {
        self.momentum = momentum; self.maxInflation = maxInflation
    }

    public mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError) {
        try DivergenceError.checkGradients(parameters)
        let (beta, floor) = (momentum, 1 / maxInflation)
        for p in parameters {
            let g = p.grad.data
            let m = beta == 0 ? g : buffers.withState(of: p, initial: { [Float](repeating: 0, count: g.count) }) { m in
                for i in m.indices { m[i] = beta * m[i] + (1 - beta) * g[i] }
                return m
            }
            let (rows, cols) = (p.value.rows, p.value.cols)
            for r in 0..<rows {
                var sum: Float = 0
                for j in 0..<cols { sum += m[r * cols + j] * m[r * cols + j] }
                let divisor = max(floor, (sum / Float(cols)).squareRoot())
                for j in 0..<cols { p.value.data[r * cols + j] -= lr * m[r * cols + j] / divisor }
            }
        }
        try DivergenceError.checkValues(parameters)
    }

    public func flops(for parameters: [Parameter]) -> Double {
        parameters.reduce(0) { $0 + 7 * Double($1.value.count) }
    }
}

/// Two optimisers side by side: `embeddings` steps the `.embedding` parameters, `others` the rest,
/// both at the same base rate.
public struct EmbeddingSplit: Optimizer {
    public var embeddings: any Optimizer
    public var others: any Optimizer

    public init(embeddings: any Optimizer, others: any Optimizer) {
        self.embeddings = embeddings; self.others = others
    }

    public mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError) {
        try embeddings.step(parameters.filter { $0.role == .embedding }, lr: lr)
        try others.step(parameters.filter { $0.role != .embedding }, lr: lr)
    }

    public func flops(for parameters: [Parameter]) -> Double {
        embeddings.flops(for: parameters.filter { $0.role == .embedding })
            + others.flops(for: parameters.filter { $0.role != .embedding })
    }
}
