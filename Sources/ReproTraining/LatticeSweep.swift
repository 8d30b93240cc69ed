import Foundation

/// A sweep of one hyperparameter (a learning rate, a weight decay) over the points of a
/// `LogLattice`, minimising an objective of each run's outcome: the final validation loss, or the
/// steps to a target (+∞ when a run diverges or never gets there).
///
/// The one procedure every experiment uses, in three moves that a protocol combines:
/// 1. **evaluate** a starting grid (`evaluate(_:run:)`), or **descend** from a single guess to a
///    local minimum (`descend(from:maxEvaluations:run:)`) when the objective is often +∞;
/// 2. **extend** the grid until its best point has `margin` evaluated neighbours on each side
///    (`extend(margin:maxPerSide:run:)`), so the optimum is bracketed, or **fill a window**
///    around it (`fillWindow(halfWidth:maxRecentring:run:)`);
/// 3. **refine** in log: the vertex of a least-squares parabola through the points around the
///    best one (`parabolicOptimum(halfWidth:clamp:transform:)`), or golden-section search
///    (`goldenSectionMinimum`) where the objective is smooth; and measure how flat the optimum is
///    (`basin(within:)`).
///
/// Runs are keyed by lattice index, so each point runs once, a point reached by extension is the
/// same number a wider grid would have run, and the evaluation order never changes a result.
/// `run` gets the lattice value xₖ. Non-finite objectives (NaN included) count as +∞. Ties go to
/// the smaller index. A best point on the lowest or highest evaluated index is `censored`:
/// callers must report it as such and keep it out of fits, never use it silently.
public struct LatticeSweep<Outcome> {
    public let lattice: LogLattice
    /// Every run so far, by lattice index.
    public private(set) var outcomes: [Int: Outcome] = [:]
    private let objective: (Outcome) -> Double

    public init(lattice: LogLattice, objective: @escaping (Outcome) -> Double) {
        self.lattice = lattice
        self.objective = objective
    }

    // MARK: Reading

    /// Evaluated indices, increasing.
    public var indices: [Int] { outcomes.keys.sorted() }

    /// The objective at index k (+∞ for a non-finite one), nil when k was not run.
    public func value(_ k: Int) -> Double? {
        outcomes[k].map { let v = objective($0); return v.isFinite ? v : .infinity }
    }

    /// Every run as (index, lattice value, objective, outcome), by increasing index.
    public var points: [(k: Int, x: Double, value: Double, outcome: Outcome)] {
        indices.map { ($0, lattice.value($0), value($0)!, outcomes[$0]!) }
    }

    /// The index of the smallest objective (ties to the smaller index). Requires a run.
    public var best: Int {
        precondition(!outcomes.isEmpty, "a sweep has no best point before its first run")
        return indices.min { value($0)! < value($1)! }!
    }
    public var bestValue: Double { lattice.value(best) }
    public var bestOutcome: Outcome { outcomes[best]! }
    public var bestObjective: Double { value(best)! }

    /// The best point is the lowest or highest index run: the optimum was not bracketed.
    public var censored: Bool {
        let k = best, all = indices
        return k == all.first || k == all.last
    }

    /// Lattice values run, increasing.
    public var values: [Double] { indices.map(lattice.value) }

    // MARK: Running

    /// Runs index k unless it already ran; returns its outcome.
    @discardableResult
    public mutating func evaluate(_ k: Int, run: (Double) throws -> Outcome) rethrows -> Outcome {
        if let o = outcomes[k] { return o }
        let o = try run(lattice.value(k))
        outcomes[k] = o
        return o
    }

    /// Runs every index of `ks` that has not run, in the order given.
    public mutating func evaluate(_ ks: some Sequence<Int>, run: (Double) throws -> Outcome) rethrows {
        for k in ks { try evaluate(k, run: run) }
    }

    /// Extends the sweep until its best point has at least `margin` runs below and above it: while
    /// it has fewer below (above), runs the index below the lowest (above the highest), at most
    /// `maxPerSide` times per side. Where the sweep starts then changes its cost, not which points
    /// around the optimum it sees. Afterwards `censored` tells whether the optimum is bracketed.
    public mutating func extend(margin: Int, maxPerSide: Int, run: (Double) throws -> Outcome) rethrows {
        precondition(!outcomes.isEmpty && margin >= 1, "extending needs a first run and a margin of at least 1")
        var addedBelow = 0, addedAbove = 0
        while true {
            let all = indices, b = best
            let below = all.filter { $0 < b }.count, above = all.filter { $0 > b }.count
            if below < margin, addedBelow < maxPerSide {
                try evaluate(all.first! - 1, run: run)
                addedBelow += 1
            } else if above < margin, addedAbove < maxPerSide {
                try evaluate(all.last! + 1, run: run)
                addedAbove += 1
            } else {
                return
            }
        }
    }

    /// From one guess to a local minimum, for objectives that are +∞ over much of the range
    /// (steps to a target the run may never reach):
    /// 1. run k₀; while every run so far is +∞, hop about a factor 2 (`hop` indices, by default
    ///    log 2/log ratio rounded) alternately below and above k₀, so a guess off by a few × costs a
    ///    few runs even on a fine lattice;
    /// 2. walk on the lattice: run the missing neighbour below, then above, of the current best
    ///    until both have run and neither is smaller.
    /// Stops once `maxEvaluations` runs exist.
    public mutating func descend(from k0: Int = 0, hop: Int? = nil, maxEvaluations: Int,
                                 run: (Double) throws -> Outcome) rethrows {
        let hop = hop ?? max(1, Int((log(2) / log(lattice.ratio)).rounded()))
        try evaluate(k0, run: run)
        var distance = hop
        while !outcomes.keys.contains(where: { value($0)!.isFinite }) && outcomes.count < maxEvaluations {
            if try objectiveOf(evaluate(k0 - distance, run: run)).isFinite || outcomes.count >= maxEvaluations { break }
            try evaluate(k0 + distance, run: run)
            distance += hop
        }
        while outcomes.count < maxEvaluations {
            let b = best
            guard value(b)!.isFinite else { return }
            if outcomes[b - 1] == nil {
                try evaluate(b - 1, run: run)
            } else if outcomes[b + 1] == nil {
                try evaluate(b + 1, run: run)
            } else {
                return
            }
        }
    }

    /// Runs every missing index within ±`halfWidth` of the best point; if one of them is a new
    /// best, the window moves to it (at most `maxRecentring` times), so a fit through the window
    /// is centred on the best point.
    public mutating func fillWindow(halfWidth: Int, maxRecentring: Int, run: (Double) throws -> Outcome) rethrows {
        var k = best
        for _ in 0...maxRecentring {
            try evaluate((k - halfWidth)...(k + halfWidth), run: run)
            let moved = best
            if moved == k { return }
            k = moved
        }
    }

    // MARK: Refining

    /// The refined optimum as a fractional lattice position: the vertex of the least-squares
    /// parabola (`parabolicVertex`) through (k − k*, transform(objective)) for the finite runs
    /// within ±`halfWidth` of the best index k*, clamped to k* ± `clamp`. nil — use the best
    /// point — when the best is not finite, the window lacks a finite run on either side of k*,
    /// or the parabola has no minimum. `transform` is `log` for objectives compared in ratio
    /// (steps to target).
    public func parabolicOptimum(halfWidth: Int, clamp: Double, transform: (Double) -> Double = { $0 }) -> Double? {
        let k = best
        guard value(k)!.isFinite else { return nil }
        let window = ((k - halfWidth)...(k + halfWidth)).filter { value($0)?.isFinite == true }
        guard window.contains(where: { $0 < k }), window.contains(where: { $0 > k }),
              let vertex = parabolicVertex(window.map { (x: Double($0 - k), y: transform(value($0)!)) })
        else { return nil }
        return Double(k) + min(clamp, max(-clamp, vertex))
    }

    /// The refined optimum's lattice value, or the best point's when there is no refinement.
    public func refinedValue(halfWidth: Int, clamp: Double, transform: (Double) -> Double = { $0 }) -> Double {
        parabolicOptimum(halfWidth: halfWidth, clamp: clamp, transform: transform).map(lattice.value(at:)) ?? bestValue
    }

    /// The basin around the best point: the interval of lattice positions, contiguous with the
    /// best index, over which the objective stays ≤ (1 + `fraction`)·best (objectives must be
    /// positive: losses). Its edges are interpolated linearly in the objective between the last
    /// run inside and the first outside; against a diverged (+∞) neighbour the edge is put
    /// halfway, the expected crossing when nothing else is known. An edge that reaches a point
    /// not run (the sweep's end, or a gap) is censored there: the width is then a lower bound.
    /// nil when the best run is not finite.
    public func basin(within fraction: Double) -> Basin? {
        let k = best, b = bestObjective
        guard b.isFinite, fraction >= 0 else { return nil }
        let threshold = b * (1 + fraction)
        func edge(_ direction: Int) -> (position: Double, censored: Bool) {
            var inside = k
            while true {
                let next = inside + direction
                guard let v = value(next) else { return (Double(inside), true) }
                if v > threshold {
                    let vi = value(inside)!
                    let t = v.isFinite ? (threshold - vi) / (v - vi) : 0.5
                    return (Double(inside) + Double(direction) * t, false)
                }
                inside = next
            }
        }
        let (lower, upper) = (edge(-1), edge(1))
        return Basin(lower: lower.position, upper: upper.position, log2Step: lattice.log2Step,
                     censoredBelow: lower.censored, censoredAbove: upper.censored)
    }

    private func objectiveOf(_ o: Outcome) -> Double {
        let v = objective(o)
        return v.isFinite ? v : .infinity
    }
}

extension LatticeSweep where Outcome == Double {
    /// A sweep whose outcome is the objective itself.
    public init(lattice: LogLattice) { self.init(lattice: lattice, objective: { $0 }) }
}

/// The positions where a swept objective stays within a fraction of its best (`LatticeSweep.basin`).
public struct Basin: Codable, Sendable, Equatable {
    /// Fractional lattice positions of the edges.
    public var lower: Double
    public var upper: Double
    /// log₂ of the lattice ratio.
    public var log2Step: Double
    /// The edge reached the sweep's end (or an unrun point): the true basin extends further.
    public var censoredBelow: Bool
    public var censoredAbove: Bool

    /// The basin's width in log₂ units of the swept value (factors of 2).
    public var widthLog2: Double { (upper - lower) * log2Step }
    public var censored: Bool { censoredBelow || censoredAbove }
}

/// Golden-section search of f(exp(x)) on [lower, upper] (natural logs of the swept value) for
/// `iterations` iterations, for a continuous objective (the exact noisy quadratic model's steps).
/// Returns the best (value, objective) seen, `best` included.
public func goldenSectionMinimum(lower: Double, upper: Double, iterations: Int, best: (x: Double, value: Double),
                                 _ f: (Double) throws -> Double) rethrows -> (x: Double, value: Double) {
    let phi = (sqrt(5) - 1) / 2
    var (a, b) = (lower, upper)
    var c = b - phi * (b - a), d = a + phi * (b - a)
    var fc = try f(exp(c)), fd = try f(exp(d))
    var best = best
    for _ in 0..<iterations {
        if fc <= fd {
            (b, d, fd) = (d, c, fc)
            c = b - phi * (b - a)
            fc = try f(exp(c))
        } else {
            (a, c, fc) = (c, d, fd)
            d = a + phi * (b - a)
            fd = try f(exp(d))
        }
        for (x, y) in [(c, fc), (d, fd)] where y < best.value { best = (exp(x), y) }
    }
    return best
}
