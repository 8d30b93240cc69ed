import ReproKit

/// A mean over sampled tasks with its Monte Carlo standard error, for
/// `Measurements.record(_:estimate:standardError:)` and the `.monteCarlo` interval.
///
/// Every loss, difference and cosine here is an average over a finite task set (10⁴ in the full
/// preset), so each seed's value carries a sampling error of its own (one GD step's loss over
/// 10⁴ tasks: ≈ 0.0034). Each seed draws its own validation, fit and probe tasks (the seed is the
/// Philox key), so the samples are independent across seeds and the error averages out
/// (`sampleShared: false`).
struct TaskEstimate: Equatable {
    var value: Double
    var standardError: Double

    init(value: Double, standardError: Double) { self.value = value; self.standardError = standardError }

    /// The mean of per-task values; SE = s/√n (sample s.d., n − 1).
    init(mean values: [Double]) {
        precondition(values.count > 1, "a task mean needs at least two tasks")
        let n = Double(values.count)
        let m = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        self.init(value: m, standardError: (variance / n).squareRoot())
    }

    /// The ratio of two means over the same tasks, R = ā/b̄, with the delta-method SE
    /// s(a − R·b)/(√n·|b̄|): the per-task pairing is used, so a ratio of two nearly equal losses
    /// on shared tasks gets the small error of their difference, not the sum of both errors.
    init(ratio a: [Double], _ b: [Double]) {
        precondition(a.count == b.count, "ratio of means over different task sets")
        let n = Double(a.count)
        let meanB = b.reduce(0, +) / n
        let r = a.reduce(0, +) / n / meanB
        let residual = TaskEstimate(mean: zip(a, b).map { $0 - r * $1 })
        self.init(value: r, standardError: residual.standardError / abs(meanB))
    }

    /// The estimate times a constant (exact) factor.
    func scaled(by factor: Double) -> TaskEstimate {
        TaskEstimate(value: value * factor, standardError: standardError * abs(factor))
    }
}

extension Measurements {
    /// Records a task-sampled estimate with its standard error.
    mutating func record(_ name: String, _ estimate: TaskEstimate, note: String = "") {
        record(name, estimate: estimate.value, standardError: estimate.standardError, note: note)
    }
}
