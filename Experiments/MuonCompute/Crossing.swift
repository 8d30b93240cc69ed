import Foundation

/// Where Muon's final loss, as a function of its step budget, first falls to the target.
///
/// Budgets are fractions f of the reference N₀ with losses L(f). With fᵢ the smallest budget
/// whose loss is ≤ target, the crossing is interpolated linearly in log f between fᵢ₋₁ and fᵢ:
/// log f* = log fᵢ₋₁ + (Lᵢ₋₁ − target)/(Lᵢ₋₁ − Lᵢ)·(log fᵢ − log fᵢ₋₁).
/// `reachedAtSmallest` when even the smallest budget reaches the target (f* below the range);
/// `notReached` when no budget does (f* above it). Neither is extrapolated.
enum Crossing: Equatable {
    case interpolated(Double)
    case reachedAtSmallest(Double)
    case notReached(Double)

    init(budgets: [(fraction: Double, loss: Double)], target: Double) {
        let sorted = budgets.sorted { $0.fraction < $1.fraction }
        guard let i = sorted.firstIndex(where: { $0.loss <= target }) else {
            self = .notReached(sorted.last!.fraction); return
        }
        if i == 0 { self = .reachedAtSmallest(sorted[0].fraction); return }
        let (a, b) = (sorted[i - 1], sorted[i])
        let w = (a.loss - target) / (a.loss - b.loss)
        self = .interpolated(exp(log(a.fraction) + w * (log(b.fraction) - log(a.fraction))))
    }

    /// f* for the ratios: the interpolated value; the smallest budget (an upper bound) when it
    /// already reaches the target; +∞ when the target is never reached.
    var ratio: Double {
        switch self {
        case .interpolated(let f), .reachedAtSmallest(let f): f
        case .notReached: .infinity
        }
    }

    /// −1 reached at the smallest budget, 0 interpolated, +1 not reached.
    var code: Double {
        switch self {
        case .interpolated: 0
        case .reachedAtSmallest: -1
        case .notReached: 1
        }
    }
}
