import Foundation

/// The learning rate that minimises steps-to-target at one batch size, found on a geometric
/// grid η_k = start·ratio^k and optionally refined by golden-section search in log η.
///
/// 1. Bracket: evaluate k = −1, 0, 1, then keep extending the evaluated range on the side of the
///    current minimum until the minimum is interior (or `maxEvaluations` is spent). While every
///    value is +∞ (target never reached: too small a rate hits the step cap, too large diverges)
///    the range grows on both sides alternately.
/// 2. Refine, `golden` > 0: golden-section search of f(exp(x)) on [log η_{k*−1}, log η_{k*+1}]
///    for that many iterations (f must be continuous there: the exact NQM). The best point seen
///    is returned.
///    `golden` = 0: η* is the vertex of the parabola through (log η, log f) at k*−1, k*, k*+1,
///    clamped to ±½ grid step around η_{k*}, so noisy step counts cannot throw it far; the
///    steps reported are the grid minimum f(η_{k*}) (an upper bound of the true minimum).
///
/// Ties go to the smaller rate. `f` returns +∞ for "target not reached".
struct LearningRateSearch {
    var ratio: Double
    var maxEvaluations: Int
    var golden: Int = 0

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
        for k in [0, -1, 1] { _ = try value(k) }
        var growDown = true
        while values.count < maxEvaluations {
            let (lo, hi) = (values.keys.min()!, values.keys.max()!)
            let best = bestIndex(values)
            if values[best]!.isFinite {
                if best == lo { _ = try value(lo - 1) } else if best == hi { _ = try value(hi + 1) } else { break }
            } else {
                _ = try value(growDown ? lo - 1 : hi + 1)
                growDown.toggle()
            }
        }
        let k = bestIndex(values)
        let lrAt = { (k: Int) in start * pow(ratio, Double(k)) }
        var lr = lrAt(k), steps = values[k]!
        if steps.isFinite, golden > 0 {
            (lr, steps) = try goldenSection(lower: log(lrAt(k - 1)), upper: log(lrAt(k + 1)), best: (lr, steps), f)
        } else if steps.isFinite, let below = values[k - 1], let above = values[k + 1], below.isFinite, above.isFinite {
            // Vertex of the parabola through (−1, y₋), (0, y₀), (1, y₊) in grid units.
            let (ym, y0, yp) = (log(below), log(steps), log(above))
            let curvature = ym - 2 * y0 + yp
            if curvature > 0 {
                let offset = min(0.5, max(-0.5, (ym - yp) / (2 * curvature)))
                lr = start * pow(ratio, Double(k) + offset)
            }
        }
        let evaluations = values.keys.sorted().map { (lr: lrAt($0), steps: values[$0]!) }
        return Result(lr: lr, steps: steps, evaluations: evaluations)
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
