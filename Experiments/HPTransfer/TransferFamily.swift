import Foundation
import ReproTraining

/// The learning-rate sweeps of one family of sizes (widths or depths) under several arms, sharing
/// the base size's runs.
///
/// 1. The base size is swept from `grid` and extended until its best rate has `margin` runs on
///    each side (`LatticeSweep.extend`). Each base run also records FLeRM's function-space
///    learning rates at its rate; at the base size every arm is this one run.
/// 2. Every other size and arm starts on the base optimum k₀ ± `margin` (so the transferred rate
///    is always run) and is extended the same way. An arm that asks for the base recording at a
///    rate the base sweep has not run (FLeRM, through `runScaled`'s last argument) runs the base
///    size there first, so the base sweep may grow; SP and μP never ask.
struct TransferFamily {
    let lattice: LogLattice
    let sizes: [Int]
    let arms: [String]
    /// `sweeps[arm][i]`: the sweep of `arm` at `sizes[i]` (index 0: the shared base sweep).
    private(set) var sweeps: [String: [LatticeSweep<Double>]] = [:]
    /// The base sweep's best lattice index: the transferred rate.
    private(set) var transferred = 0

    init(lattice: LogLattice, sizes: [Int], arms: [String], grid: ClosedRange<Int>, margin: Int, maxExtension: Int,
         runBase: @escaping (_ lr: Double) throws -> (loss: Double, recorded: [[Double]]),
         runScaled: @escaping (_ arm: String, _ size: Int, _ lr: Double, _ base: () throws -> [[Double]]) throws -> Double) throws {
        self.lattice = lattice
        self.sizes = sizes
        self.arms = arms
        var recordings: [Int: [[Double]]] = [:]
        var base = LatticeSweep<Double>(lattice: lattice)
        func baseLoss(_ lr: Double) throws -> Double {
            let r = try runBase(lr)
            recordings[lattice.index(nearest: lr)] = r.recorded
            return r.loss
        }
        try base.evaluate(grid, run: baseLoss)
        try base.extend(margin: margin, maxPerSide: maxExtension, run: baseLoss)
        let k0 = base.best
        transferred = k0
        var scaled: [String: [LatticeSweep<Double>]] = [:]
        for arm in arms {
            for size in sizes.dropFirst() {
                var sweep = LatticeSweep<Double>(lattice: lattice)
                func run(_ lr: Double) throws -> Double {
                    let k = lattice.index(nearest: lr)
                    return try runScaled(arm, size, lr) {
                        if recordings[k] == nil { try base.evaluate(k, run: baseLoss) }
                        return recordings[k]!
                    }
                }
                try sweep.evaluate((k0 - margin)...(k0 + margin), run: run)
                try sweep.extend(margin: margin, maxPerSide: maxExtension, run: run)
                scaled[arm, default: []].append(sweep)
            }
        }
        for arm in arms { sweeps[arm] = [base] + (scaled[arm] ?? []) }
    }

    /// Per-seed summaries of one arm.
    struct Summary {
        /// Per size: ln(loss at the transferred rate / best loss of the sweep).
        var logRegret: [Double]
        /// Per size: the refined optimum (five-point parabola in log rate, clamped to ±1 step).
        var optimum: [Double]
        var bestLoss: [Double]
        var censored: [Bool]
        /// (rate, size i → i + 1) pairs with the larger size's loss lower, and pairs compared.
        var widerBetter: (successes: Int, trials: Int)
        /// The same between the base and the largest size only.
        var largestBetter: (successes: Int, trials: Int)
        /// log₂(optimum at the largest size / optimum at the base).
        var driftLog2: Double { log2(optimum.last! / optimum.first!) }
    }

    func summary(_ arm: String, margin: Int) -> Summary {
        let list = sweeps[arm]!
        /// Rates both ran where at least one is finite; successes: the larger size's loss lower.
        func compare(_ narrow: LatticeSweep<Double>, _ wide: LatticeSweep<Double>) -> (successes: Int, trials: Int) {
            var successes = 0, trials = 0
            for k in Set(narrow.indices).intersection(wide.indices) {
                let a = narrow.value(k)!, b = wide.value(k)!
                if !a.isFinite && !b.isFinite { continue }
                trials += 1
                if b < a { successes += 1 }
            }
            return (successes, trials)
        }
        let adjacent = zip(list, list.dropFirst()).map(compare)
        return Summary(
            logRegret: list.map { log($0.value(transferred)! / $0.bestObjective) },
            optimum: list.map { $0.refinedValue(halfWidth: margin, clamp: 1) },
            bestLoss: list.map(\.bestObjective),
            censored: list.map(\.censored),
            widerBetter: (adjacent.reduce(0) { $0 + $1.successes }, adjacent.reduce(0) { $0 + $1.trials }),
            largestBetter: compare(list.first!, list.last!))
    }
}
