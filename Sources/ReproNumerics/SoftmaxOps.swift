import RealModule

extension Tape {
    /// Softmax along the last axis: y_j = exp(x_j − max x) / Σ_k exp(x_k − max x).
    /// Pullback: dx = y ⊙ (g − Σ_j g_j·y_j).
    public func softmax(_ x: Variable) -> Variable {
        let rows = x.value.rows, cols = x.value.cols
        let y = filled(x.shape) { out in
            x.withValue { xs in
                for r in 0..<rows { Self.softmaxRow(xs.baseAddress! + r * cols, out.baseAddress! + r * cols, cols) }
            }
        }
        return record(y, x) { out in
            out.withOutputGrad { g in out.withValue { ys in x.withGrad { dx in
                for r in 0..<rows {
                    let o = r * cols
                    let dot = Reduce.dot(g.baseAddress! + o, ys.baseAddress! + o, cols)
                    for c in 0..<cols { dx[o + c] += ys[o + c] * (g[o + c] - dot) }
                }
            } } }
        }
    }

    /// Mean cross-entropy of `logits` [..., C] (rows folded) against integer `labels`, one per row:
    /// (1/N)·Σ_r (logsumexp(x_r) − x_r[label_r]), fused with the log-softmax for stability.
    /// Pullback: dx_r = (g/N)·(softmax(x_r) − onehot(label_r)).
    public func crossEntropy(_ logits: Variable, labels: [Int32]) -> Variable {
        let rows = logits.value.rows, cols = logits.value.cols
        precondition(labels.count == rows, "crossEntropy: \(labels.count) labels for \(rows) rows")
        for label in labels { precondition(label >= 0 && Int(label) < cols, "crossEntropy: label \(label) outside 0..<\(cols)") }
        let rowGrain = max(1, Parallel.elementGrain / max(cols, 1))
        var probabilities = pool.take(rows * cols), rowLoss = pool.take(rows)
        logits.withValue { xs in probabilities.withUnsafeMutableBufferPointer { p in rowLoss.withUnsafeMutableBufferPointer { l in
            Parallel.forEach(rows, grain: rowGrain) { rowRange in
                let (xs, p, l) = (xs, p, l)
                for r in rowRange {
                    let logSum = Self.softmaxRow(xs.baseAddress! + r * cols, p.baseAddress! + r * cols, cols)
                    l[r] = logSum - xs[r * cols + Int(labels[r])]
                }
            }
        } } }
        // The mean in row order, in Double: the same sum at every parallel width.
        var total = 0.0
        for r in 0..<rows { total += Double(rowLoss[r]) }
        pool.give(rowLoss)
        keep(probabilities)
        let loss = Tensor(shape: [], data: [Float(total / Double(rows))])
        return record(loss, logits) { [probabilities] out in
            let g = out.gradData[0] / Float(rows)
            probabilities.withUnsafeBufferPointer { p in logits.withGradAssigningFirst { dx, fresh in
                Parallel.forEach(rows, grain: rowGrain) { rowRange in
                    let (dx, p) = (dx, p)
                    for r in rowRange {
                        let o = r * cols
                        if fresh { for c in 0..<cols { dx[o + c] = g * p[o + c] } } else { for c in 0..<cols { dx[o + c] += g * p[o + c] } }
                        dx[o + Int(labels[r])] -= g
                    }
                }
            } }
        }
    }

    /// Mean squared error (1/n)·Σ (prediction − target)² over all n elements.
    /// Pullback: d prediction = (2g/n)·(prediction − target), d target = −(same).
    public func mse(_ prediction: Variable, _ target: Variable) -> Variable {
        precondition(prediction.shape == target.shape, "mse: shapes \(prediction.shape) and \(target.shape) differ")
        let n = prediction.value.count
        let total = prediction.withValue { p in target.withValue { t in
            var s = 0.0
            for i in 0..<n { let e = Double(p[i] - t[i]); s += e * e }
            return s
        } }
        return record(Tensor(shape: [], data: [Float(total / Double(n))]), prediction, target) { out in
            let g = 2 * out.gradData[0] / Float(n)
            prediction.withValue { p in target.withValue { t in
                if prediction.needsGrad { prediction.withGrad { dp in for i in 0..<n { dp[i] += g * (p[i] - t[i]) } } }
                if target.needsGrad { target.withGrad { dt in for i in 0..<n { dt[i] -= g * (p[i] - t[i]) } } }
            } }
        }
    }

    /// Writes softmax(x[0..<n]) to y and returns logsumexp(x). Subtracting the maximum keeps
    /// every exponent ≤ 0, so nothing overflows.
    @inline(__always) @discardableResult
    static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        let m = Reduce.max(x, n)
        for j in 0..<n { y[j] = FastMath.exp(x[j] - m) }
        let s = Reduce.sum(y, n)
        let inv = 1 / s
        for j in 0..<n { y[j] *= inv }
        return m + Float.log(s)
    }
}
