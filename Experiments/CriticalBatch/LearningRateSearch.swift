import Foundation

/// The learning rate that minimises steps-to-target at one batch size, found on a geometric
/// grid η_k = start·ratio^k and optionally refined by golden-section search in log η.
///
/// 1. Find a finite value: evaluate k = 0; while every value is +∞ (target never reached: too
///    small a rate hits the step cap, too large diverges or hovers above the target), hop by
///    about a factor 2 (log 2 / log ratio grid steps, rounded) alternately below and above the
///    start, so a start that is off by a few × costs a few runs even on a fine grid.
/// 2. Bracket: walk on the grid to a local minimum, evaluating the missing neighbours k*−1 and
///    k*+1 of the current best point until neither is smaller (or `maxEvaluations` is spent).
/// 3. Refine, `golden` > 0: golden-section search of f(exp(x)) on [log η_{k*−1}, log η_{k*+1}]
///    for that many iterations (f must be continuous there: the exact NQM). The best point seen
///    is returned.
///    `golden` = 0: η* is the vertex of the least-squares parabola in (log η, log f) through the
///    grid points k*−w … k*+w (w = `fitHalfWidth`), using the finite ones when at least one lies
///    on each side of k*. The window's missing points are evaluated first (beyond
///    `maxEvaluations`); if one of them is a new minimum the window moves to it (at most
///    `maxRecentring` times), so the fit is always centred on the best grid point. With w = 1
///    that is the parabola through three points. The vertex is clamped to ±w/2 grid steps
///    around η_{k*}, so noisy step counts cannot throw it far; a wider window averages the noise
///    of more runs, which matters on a fine grid where neighbouring counts differ by little more
///    than their noise. The steps reported are the grid minimum f(η_{k*}) (an upper bound of the
///    true minimum).
///
/// Ties go to the smaller rate. `f` returns +∞ for "target not reached".
struct LearningRateSearch {
    var ratio: Double
    var maxEvaluations: Int
    var golden: Int = 0
    /// Grid steps on each side of the grid minimum that the parabolic refinement fits (`golden` = 0).
    var fitHalfWidth: Int = 1
    /// How often the refinement window may move to a new minimum found inside it.
    static let maxRecentring = 3

    struct Result {
        /// The tuned learning rate η*.
        var lr: Double
        /// Steps to target at η* (golden) or at the best grid point (parabolic).
        var steps: Double
        /// Every (η, f(η)) evaluated, ordered by η.
        var evaluations: [(lr: Double, steps: Double)]
        var finite: Bool { steps.isFinite }
    }

    func minimise(from start: Double, _ f: (Double) throws -> Double) rethrows -> Result {
        var values: [Int: Double] = [:]
        func value(_ k: Int) throws -> Double {
            if let v = values[k] { return v }
            let v = try f(start * pow(ratio, Double(k)))
            values[k] = v
            return v
        }
        let hop = max(1, Int((log(2) / log(ratio)).rounded()))
        _ = try value(0)
        var distance = hop
        while !values.values.contains(where: \.isFinite) && values.count < maxEvaluations {
            if try value(-distance).isFinite || values.count >= maxEvaluations { break }
            _ = try value(distance)
            distance += hop
        }
        func walk() throws {
            while values.count < maxEvaluations {
                let best = bestIndex(values)
                guard values[best]!.isFinite else { return }
                if values[best - 1] == nil { _ = try value(best - 1) } else if values[best + 1] == nil { _ = try value(best + 1) } else { return }
            }
        }
        try walk()
        var k = bestIndex(values)
        let lrAt = { (k: Int) in start * pow(ratio, Double(k)) }
        var lr = lrAt(k), steps = values[k]!
        if steps.isFinite, golden > 0 {
            (lr, steps) = try goldenSection(lower: log(lrAt(k - 1)), upper: log(lrAt(k + 1)), best: (lr, steps), f)
        } else if steps.isFinite {
            let w = max(1, fitHalfWidth)
            for _ in 0...Self.maxRecentring {
                for j in (k - w)...(k + w) where values[j] == nil { _ = try value(j) }
                let moved = bestIndex(values)
                if moved == k { break }
                k = moved
            }
            steps = values[k]!
            lr = lrAt(k)
            let window = ((k - w)...(k + w)).filter { values[$0]?.isFinite == true }
            if window.contains(where: { $0 < k }), window.contains(where: { $0 > k }),
               let vertex = Self.parabolaVertex(window.map { Double($0 - k) }, window.map { log(values[$0]!) }) {
                let offset = min(Double(w) / 2, max(-Double(w) / 2, vertex))
                lr = start * pow(ratio, Double(k) + offset)
            }
        }
        let evaluations = values.keys.sorted().map { (lr: lrAt($0), steps: values[$0]!) }
        return Result(lr: lr, steps: steps, evaluations: evaluations)
    }

    /// The vertex of the least-squares parabola y ≈ a + b·x + c·x² through the points, nil unless
    /// c > 0 (a minimum). Three points: the interpolating parabola.
    static func parabolaVertex(_ x: [Double], _ y: [Double]) -> Double? {
        // Normal equations for (a, b, c) by Cramer's rule; x are small integers, so the 3×3
        // system is well conditioned.
        let n = Double(x.count)
        var (s1, s2, s3, s4, t0, t1, t2) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        for (xi, yi) in zip(x, y) {
            s1 += xi; s2 += xi * xi; s3 += xi * xi * xi; s4 += xi * xi * xi * xi
            t0 += yi; t1 += xi * yi; t2 += xi * xi * yi
        }
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let matrix = [[n, s1, s2], [s1, s2, s3], [s2, s3, s4]]
        let d = det(matrix)
        guard d != 0 else { return nil }
        let b = det([[n, t0, s2], [s1, t1, s3], [s2, t2, s4]]) / d
        let c = det([[n, s1, t0], [s1, s2, t1], [s2, s3, t2]]) / d
        guard c > 0 else { return nil }
        return -b / (2 * c)
    }

    /// Smallest value, ties to the smaller index.
    private func bestIndex(_ values: [Int: Double]) -> Int {
        values.keys.sorted().min { values[$0]! < values[$1]! }!
    }

    private func goldenSection(lower: Double, upper: Double, best: (Double, Double),
                               _ f: (Double) throws -> Double) rethrows -> (Double, Double) {
        let phi = (sqrt(5) - 1) / 2
        var (a, b) = (lower, upper)
        var c = b - phi * (b - a), d = a + phi * (b - a)
        var fc = try f(exp(c)), fd = try f(exp(d))
        var best = best
        for _ in 0..<golden {
            if fc <= fd {
                (b, d, fd) = (d, c, fc)
                c = b - phi * (b - a)
                fc = try f(exp(c))
            } else {
                (a, c, fc) = (c, d, fd)
                d = a + phi * (b - a)
                fd = try f(exp(d))
            }
            for (x, y) in [(c, fc), (d, fd)] where y < best.1 { best = (exp(x), y) }
        }
        return best
    }
}
