import Foundation

/// McCandlish et al.'s steps–batch model S(B) = S_min·(1 + B_crit/B) fitted to measured
/// steps-to-target, by least squares on log S:
///
///     minimise  Σ_B (log S_B − log S_min − log(1 + B_crit/B))²
///
/// For a fixed B_crit the best log S_min is the mean of log S_B − log(1 + B_crit/B), so the fit
/// is a one-dimensional search over log B_crit: a scan of 401 points on
/// [log B_lo − 4, log B_hi + 4], then golden-section refinement to 10⁻⁹ in log B_crit. Points
/// with S = +∞ (target not reached) are left out; fewer than three finite points give no fit.
/// E_min = S_min·B_crit follows from the model (E = B·S = E_min·(1 + B/B_crit)).
struct CriticalBatchFit {
    var minimumSteps: Double
    var criticalBatch: Double
    /// Root-mean-square residual of log S.
    var rmsLogResidual: Double
    var minimumExamples: Double { minimumSteps * criticalBatch }

    init?(batchSizes: [Double], steps: [Double]) {
        let points = zip(batchSizes, steps).filter { $0.1.isFinite && $0.1 > 0 }
        guard points.count >= 3 else { return nil }
        func fit(_ logCritical: Double) -> (logMinimum: Double, sse: Double) {
            let bc = exp(logCritical)
            let shifted = points.map { log($0.1) - log(1 + bc / $0.0) }
            let mean = shifted.reduce(0, +) / Double(shifted.count)
            return (mean, shifted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) })
        }
        let lo = log(points.map(\.0).min()!) - 4, hi = log(points.map(\.0).max()!) + 4
        let grid = (0...400).map { lo + (hi - lo) * Double($0) / 400 }
        let start = grid.min { fit($0).sse < fit($1).sse }!
        var a = max(lo, start - (hi - lo) / 400), b = min(hi, start + (hi - lo) / 400)
        let phi = (sqrt(5) - 1) / 2
        while b - a > 1e-9 {
            let c = b - phi * (b - a), d = a + phi * (b - a)
            if fit(c).sse <= fit(d).sse { b = d } else { a = c }
        }
        let logCritical = (a + b) / 2
        let best = fit(logCritical)
        criticalBatch = exp(logCritical)
        minimumSteps = exp(best.logMinimum)
        rmsLogResidual = sqrt(best.sse / Double(points.count))
    }

    func steps(at batch: Double) -> Double { minimumSteps * (1 + criticalBatch / batch) }
}

/// The batch sizes whose η* enter the "below B_crit" exponent: those with a finite η* at or
/// below B_crit/4, where the model's optimal rate is still in its small-batch regime. No
/// fallback: when fewer than `ExponentWindow.minimumCount` qualify (or there is no fit), the
/// window is unusable and the exponent is not measured (NaN, with the reason in its note),
/// rather than silently taken over batch sizes near or above B_crit.
struct ExponentWindow {
    static let minimumCount = 3
    /// Indices into the sweep's batch sizes.
    var indices: [Int]
    /// B_crit/4, or nil without a fit.
    var limit: Double?
    var usable: Bool { indices.count >= Self.minimumCount }

    init(_ batches: [Double], tunedLR: [Double], criticalBatch: Double?) {
        limit = criticalBatch.map { $0 / 4 }
        let finite = batches.indices.filter { tunedLR[$0].isFinite && tunedLR[$0] > 0 }
        indices = limit.map { bound in finite.filter { batches[$0] <= bound } } ?? []
    }

    /// For the exponent's note: the batch sizes used, or why there are too few.
    func describe(_ batches: [Double]) -> String {
        let used = indices.map { Int(batches[$0]) }
        guard let limit else { return "not measured: no S(B) fit (fewer than three batch sizes reached the target)" }
        let bound = String(format: "%.3g", limit)
        return usable ? "over B ∈ \(used) (B ≤ B_crit/4 = \(bound))"
            : "not measured: only \(used.count) batch size(s) \(used) with a finite η* at or below B_crit/4 = \(bound), \(Self.minimumCount) needed"
    }
}
