import Foundation
import ReproStats

/// Steps-to-target with the learning rate tuned separately at every batch size, the fitted
/// S(B) = S_min(1 + B_crit/B), and the exponent of η*(B) well below B_crit.
///
/// Batch sizes are visited in increasing order; the search at B starts from η*(B_prev)·(B/B_prev)^¾,
/// halfway (in exponent) between the square-root and linear rules so the start favours neither.
/// A batch size whose target is never reached has steps +∞ and η* NaN and is left out of both fits.
struct BatchSweep {
    var batches: [Double]
    var lrs: [Double]
    var steps: [Double]
    var fit: CriticalBatchFit?
    /// Slope of log η* against log B over `batchesWellBelowCritical`.
    var exponent: Double
    var exponentBatches: [Double]

    init(batches: [Double], firstGuess: Double, search: LearningRateSearch,
         steps stepsToTarget: (_ batch: Double, _ lr: Double) throws -> Double,
         after: (Int) throws -> Void = { _ in }) rethrows {
        self.batches = batches
        var lrs = [Double](), steps = [Double]()
        var guess = firstGuess, previous: (batch: Double, lr: Double)?
        for (index, batch) in batches.enumerated() {
            if let p = previous { guess = p.lr * pow(batch / p.batch, 0.75) }
            let result = try search.minimise(from: guess) { try stepsToTarget(batch, $0) }
            lrs.append(result.finite ? result.lr : .nan)
            steps.append(result.steps)
            if result.finite { previous = (batch, result.lr) }
            try after(index)
        }
        self.lrs = lrs
        self.steps = steps
        fit = CriticalBatchFit(batchSizes: batches, steps: steps)
        let chosen = batchesWellBelowCritical(batches, tunedLR: lrs, criticalBatch: fit?.criticalBatch)
        exponentBatches = chosen.map { batches[$0] }
        let usable = chosen.filter { lrs[$0] > 0 && lrs[$0].isFinite }
        exponent = PowerLaw.exponent(x: usable.map { batches[$0] }, y: usable.map { lrs[$0] })
    }

    /// E = B·S per batch size.
    var examples: [Double] { zip(batches, steps).map { $0 * $1 } }
}
