/// Order sensitivity of an in-context learner: how much its prediction moves when only the
/// order of the demonstrations changes, on its own scale and on the model's own error.
///
/// For task t and K random orders π of its demonstrations, with predictions ŷ_{t,π}:
///
///     relative spread  = mean_t sd_π(ŷ_{t,π}) / sd_t(y_t)                      (population sd over π;
///                                                                              its SE treats sd_t(y_t) as fixed)
///     variance share q = mean_t var_π(ŷ_{t,π}) / mean_t mean_π (ŷ_{t,π} − y_t)²  (unbiased var over π)
///
/// q is the part of the model's mean squared error that averaging its prediction over orders
/// would remove (E_π(ŷ_π − y)² = (E_π ŷ_π − y)² + var_π ŷ_π), so it is normalised by the model's
/// own error: a poorly trained model is not "order-sensitive" merely because it is noisy, and an
/// exactly order-invariant learner has q = 0 up to the rounding of its sums (≈ 10⁻³² in Float64,
/// ≈ 10⁻¹⁴ in Float32).
enum OrderProbe {
    struct Result {
        var relativeSpread: TaskEstimate
        var varianceShare: TaskEstimate
    }

    /// `orders[k][b]` is the k-th permutation of task b's demonstrations (K ≥ 2).
    static func measure(_ tasks: RegressionTasks, orders: [[[Int]]], predict: (RegressionTasks) -> [Double]) -> Result {
        precondition(orders.count > 1, "order probe: need at least two orders")
        let runs = orders.map { predict(tasks.reordered($0)) }
        let k = Double(runs.count)
        var spreads: [Double] = [], variances: [Double] = [], squaredErrors: [Double] = []
        for b in 0..<tasks.count {
            let values = runs.map { $0[b] }
            let mean = values.reduce(0, +) / k
            let sumSquares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            spreads.append((sumSquares / k).squareRoot())
            variances.append(sumSquares / (k - 1))
            squaredErrors.append(values.reduce(0) { $0 + ($1 - tasks.target[b]) * ($1 - tasks.target[b]) } / k)
        }
        return Result(relativeSpread: TaskEstimate(mean: spreads).scaled(by: 1 / tasks.targetSpread),
                      varianceShare: TaskEstimate(ratio: variances, squaredErrors))
    }
}
