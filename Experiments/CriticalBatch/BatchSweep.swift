import Foundation
import ReproStats

/// Steps-to-target with the learning rate tuned separately at every batch size, the fitted
/// S(B) = S_min(1 + B_crit/B), and the exponent of η*(B) well below B_crit.
///
/// Batch sizes are visited in increasing order; the search at B starts from η*(B_prev)·(B/B_prev)^¾,
/// halfway (in exponent) between the square-root and linear rules so the start favours neither.
/// A batch size whose target is never reached has steps +∞ and η* NaN and is left out of both fits
/// (`unreached` counts them). The exponent is NaN when `window` holds too few batch sizes.
struct BatchSweep {
    var batches: [Double]
    var lrs: [Double]
    var steps: [Double]
    var fit: CriticalBatchFit?
    /// Slope of log η* against log B over `window`; NaN when the window is unusable.
    var exponent: Double
    var window: ExponentWindow

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
        window = ExponentWindow(batches, tunedLR: lrs, criticalBatch: fit?.criticalBatch)
        exponent = window.usable ? PowerLaw.exponent(x: window.indices.map { batches[$0] }, y: window.indices.map { lrs[$0] }) : .nan
    }

    /// Batch sizes whose target was never reached at any rate tried.
    var unreached: Int { steps.filter { !$0.isFinite }.count }

    /// E = B·S per batch size.
    var examples: [Double] { zip(batches, steps).map { $0 * $1 } }
}
