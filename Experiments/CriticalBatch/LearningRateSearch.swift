import Foundation
import ReproTraining

/// The learning rate that minimises steps-to-target at one batch size: the critical-batch
/// protocol's use of the shared `LatticeSweep` on the lattice η_k = start·ratio^k.
///
/// 1. Descend from the start (`LatticeSweep.descend`): hop by about a factor 2 below and above it
///    until a run reaches the target, then walk to a local minimum (at most `maxEvaluations` runs).
/// 2. Refine, `golden` > 0: golden-section search of f(exp(x)) on [log η_{k*−1}, log η_{k*+1}]
///    for that many iterations (f must be continuous there: the exact NQM). The best point seen
///    is returned.
///    `golden` = 0: fill the window k* ± `fitHalfWidth` (moving it to a new minimum found inside,
///    at most `maxRecentring` times, beyond `maxEvaluations`), then η* is the vertex of the
///    least-squares parabola in (log η, log steps) through the window's finite runs, clamped to
///    ±w/2 lattice steps around η_{k*} so noisy step counts cannot throw it far. A wider window
///    averages the noise of more runs, which matters on a fine lattice where neighbouring counts
///    differ by little more than their noise. The steps reported are the lattice minimum
///    f(η_{k*}) (an upper bound of the true minimum).
///
/// Ties go to the smaller rate. `f` returns +∞ for "target not reached".
struct LearningRateSearch {
    var ratio: Double
    var maxEvaluations: Int
    var golden: Int = 0
    /// Lattice steps on each side of the minimum that the parabolic refinement fits (`golden` = 0).
    var fitHalfWidth: Int = 1
    /// How often the refinement window may move to a new minimum found inside it.
    static let maxRecentring = 3

    struct Result {
        /// The tuned learning rate η*.
        var lr: Double
        /// Steps to target at η* (golden) or at the best lattice point (parabolic).
        var steps: Double
        /// Every (η, f(η)) run on the lattice, ordered by η.
        var evaluations: [(lr: Double, steps: Double)]
        var finite: Bool { steps.isFinite }
    }

    func minimise(from start: Double, _ f: (Double) throws -> Double) rethrows -> Result {
        var sweep = LatticeSweep(lattice: LogLattice(anchor: start, ratio: ratio))
        try sweep.descend(maxEvaluations: maxEvaluations, run: f)
        var lr = sweep.bestValue, steps = sweep.bestObjective
        if steps.isFinite, golden > 0 {
            let k = sweep.best
            (lr, steps) = try goldenSectionMinimum(lower: log(sweep.lattice.value(k - 1)), upper: log(sweep.lattice.value(k + 1)),
                                                   iterations: golden, best: (lr, steps), f)
        } else if steps.isFinite {
            let w = max(1, fitHalfWidth)
            try sweep.fillWindow(halfWidth: w, maxRecentring: Self.maxRecentring, run: f)
            steps = sweep.bestObjective
            lr = sweep.refinedValue(halfWidth: w, clamp: Double(w) / 2, transform: log)
        }
        return Result(lr: lr, steps: steps, evaluations: sweep.points.map { ($0.x, $0.value) })
    }
}
