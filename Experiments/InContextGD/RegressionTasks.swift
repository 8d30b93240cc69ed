import ReproData
import ReproNumerics

/// A fixed set of in-context regression tasks, in Float64 for the analytic baselines and as
/// Float32 tokens for the networks.
///
/// Task b: context (x_i, y_i), i = 1…N, query x_q and its label y_q = w·x_q.
struct RegressionTasks {
    let inputs: Int
    let context: Int
    let count: Int
    /// [count, N, d]
    let x: [Double]
    /// [count, N]
    let y: [Double]
    /// [count, d]
    let query: [Double]
    /// [count]
    let target: [Double]

    init(_ batch: InContextRegression.Batch) {
        let shape = batch.tokens.shape
        count = shape[0]; context = shape[1] - 1; inputs = shape[2] - 1
        let width = inputs + 1, t = context + 1
        var x = [Double](), y = [Double](), query = [Double]()
        x.reserveCapacity(count * context * inputs)
        for b in 0..<count {
            for i in 0...context {
                let row = (b * t + i) * width
                let xs = batch.tokens.data[row..<(row + inputs)].map(Double.init)
                if i < context { x += xs; y.append(Double(batch.tokens.data[row + inputs])) } else { query += xs }
            }
        }
        self.x = x; self.y = y; self.query = query
        target = batch.targets.data.map(Double.init)
    }

    private init(inputs: Int, context: Int, x: [Double], y: [Double], query: [Double], target: [Double]) {
        self.inputs = inputs; self.context = context; count = target.count
        self.x = x; self.y = y; self.query = query; self.target = target
    }

    /// The same tasks with each task's demonstrations reordered: position i of task b holds
    /// what was demonstration `order[b][i]`. Queries and labels are unchanged.
    func reordered(_ order: [[Int]]) -> RegressionTasks {
        let d = inputs, n = context
        var x = self.x, y = self.y
        for b in 0..<count {
            for i in 0..<n {
                let src = order[b][i]
                for j in 0..<d { x[(b * n + i) * d + j] = self.x[(b * n + src) * d + j] }
                y[b * n + i] = self.y[b * n + src]
            }
        }
        return RegressionTasks(inputs: d, context: n, x: x, y: y, query: query, target: target)
    }

    /// Tokens [count, N + 1 + d, d + 1] (with probes) or [count, N + 1, d + 1]: the N context
    /// tokens (x_i, y_i), the query (x_q, 0), then optionally d probe queries (e_k, 0).
    func tokens(probes: Bool) -> [Float] {
        let d = inputs, n = context, width = d + 1, t = n + 1 + (probes ? d : 0)
        var tokens = [Float](repeating: 0, count: count * t * width)
        for b in 0..<count {
            for i in 0..<n {
                let row = (b * t + i) * width
                for j in 0..<d { tokens[row + j] = Float(x[(b * n + i) * d + j]) }
                tokens[row + d] = Float(y[b * n + i])
            }
            let q = (b * t + n) * width
            for j in 0..<d { tokens[q + j] = Float(query[b * d + j]) }
            if probes { for k in 0..<d { tokens[(b * t + n + 1 + k) * width + k] = 1 } }
        }
        return tokens
    }

    /// ½·mean (ŷ − y_q)²: the loss the authors' code reports (`0.5*sum((t-p)**2)/B`).
    func loss(_ predictions: [Double]) -> Double {
        losses(predictions).reduce(0, +) / Double(count)
    }

    /// ½(ŷ − y_q)² per task, whose mean is `loss` (kept per task for its standard error).
    func losses(_ predictions: [Double]) -> [Double] {
        precondition(predictions.count == count)
        return (0..<count).map { b in let e = predictions[b] - target[b]; return 0.5 * e * e }
    }

    /// Standard deviation of y_q over the tasks (the scale the order spread is compared with).
    var targetSpread: Double {
        let mean = target.reduce(0, +) / Double(count)
        return (target.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)).squareRoot()
    }
}
