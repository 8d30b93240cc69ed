import Foundation
import ReproTraining

/// The weight-decay protocol's sweep of λ on the lattice λ₀·√2ᵏ (`LatticeSweep`): run a grid,
/// extend it until its best point has `margin` evaluated neighbours on each side (at most
/// `extensions` additions per side), then refine by the least-squares parabola through the best
/// point and up to `margin` neighbours on each side in (ln λ, loss), kept within one lattice step
/// of the best point. A diverged run has loss +∞.
///
/// If even after the extensions the lowest loss is at an end, the optimum is **censored**: λ* is
/// reported as that edge and `censored` says so; callers record it and keep it out of every fit,
/// never use it silently.
struct WeightDecaySweep {
    /// (λ, test loss) in increasing λ.
    var points: [(lambda: Double, loss: Double)]
    var best: Int
    var lambdaStar: Double
    var censored: Bool

    init(lattice: LogLattice, start: [Int], margin: Int, extensions: Int, run: (Double) throws -> Double) rethrows {
        var sweep = LatticeSweep(lattice: lattice)
        try sweep.evaluate(start, run: run)
        try sweep.extend(margin: margin, maxPerSide: extensions, run: run)
        points = sweep.points.map { ($0.x, $0.value) }
        best = sweep.indices.firstIndex(of: sweep.best)!
        censored = sweep.censored
        lambdaStar = censored ? sweep.bestValue : sweep.refinedValue(halfWidth: margin, clamp: 1)
    }
}
