import ReproKit
import ReproStats

/// One series as recorded by several seeds, aligned on a common x grid, with the pointwise
/// mean, minimum, maximum and 95% Student-t interval of the mean of every y column across the
/// seeds that have the point.
///
/// Alignment: when every seed recorded the same x column, points are matched by index;
/// otherwise the grid is the sorted union of x values. A seed that lacks a point (its grid
/// does not have that x, or it did not record that column) is left out of that point's
/// aggregate, and `count` says how many seeds the point has. A seed that recorded a
/// non-finite value there (a divergence) makes the aggregate NaN, so a plot breaks its line
/// rather than averaging over the seeds that happened to survive.
public struct SeriesEnsemble: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var label: String
        /// `perSeed[i][j]`: seed `seeds[i]` at `x[j]`; NaN where that seed has no point.
        public var perSeed: [[Double]]
        /// `present[i][j]`: seed `seeds[i]` recorded a value at `x[j]`.
        public var present: [[Bool]]
        public var mean: [Double]
        public var min: [Double]
        public var max: [Double]
        /// 95% Student-t interval of the mean (NaN where fewer than two seeds have the point).
        public var lower: [Double]
        public var upper: [Double]
        /// Seeds with a value at each point.
        public var count: [Int]
        /// Every seed recorded exactly the same values (and there are at least two).
        public var seedIndependent: Bool
    }

    public var name: String
    public var xLabel: String
    public var x: [Double]
    /// The seeds that recorded this series.
    public var seeds: [UInt64]
    /// Y columns in order of first appearance across seeds.
    public var columns: [Column]

    /// The series `name` across `runs`; nil when no seed recorded it.
    public init?(name: String, runs: SeedRuns) {
        let recorded = zip(runs.seeds, runs.measurements).compactMap { seed, m in m.series[name].map { (seed, $0) } }
        guard let first = recorded.first?.1 else { return nil }
        self.name = name
        xLabel = first.x.label
        seeds = recorded.map(\.0)

        let sameX = recorded.allSatisfy { $0.1.x.values.map(\.bitPattern) == first.x.values.map(\.bitPattern) }
        x = sameX ? first.x.values : Array(Set(recorded.flatMap { $0.1.x.values.filter { !$0.isNaN } })).sorted()

        var labels: [String] = []
        for (_, s) in recorded { for c in s.ys where !labels.contains(c.label) { labels.append(c.label) } }

        let grid = x
        columns = labels.map { label in
            var perSeed: [[Double]] = [], present: [[Bool]] = []
            for (_, s) in recorded {
                guard let column = s.ys.first(where: { $0.label == label }) else {
                    perSeed.append(Array(repeating: .nan, count: grid.count))
                    present.append(Array(repeating: false, count: grid.count))
                    continue
                }
                if sameX {
                    perSeed.append(column.values); present.append(Array(repeating: true, count: grid.count))
                    continue
                }
                var byX: [Double: Double] = [:]
                for (xv, yv) in zip(s.x.values, column.values) where byX[xv] == nil { byX[xv] = yv }
                perSeed.append(grid.map { byX[$0] ?? .nan })
                present.append(grid.map { byX[$0] != nil })
            }
            var mean = [Double](), lo = [Double](), hi = [Double](), lower = [Double](), upper = [Double](), count = [Int]()
            for j in grid.indices {
                let ys = perSeed.indices.filter { present[$0][j] }.map { perSeed[$0][j] }
                count.append(ys.count)
                guard !ys.isEmpty, ys.allSatisfy(\.isFinite) else {
                    mean.append(.nan); lo.append(.nan); hi.append(.nan); lower.append(.nan); upper.append(.nan); continue
                }
                let s = Summary(ys)
                mean.append(s.mean); lo.append(ys.min()!); hi.append(ys.max()!)
                lower.append(s.interval?.lower ?? .nan); upper.append(s.interval?.upper ?? .nan)
            }
            let bits = perSeed.map { $0.map(\.bitPattern) }
            let independent = perSeed.count > 1 && present.allSatisfy { $0 == present[0] } && bits.allSatisfy { $0 == bits[0] }
            return Column(label: label, perSeed: perSeed, present: present, mean: mean, min: lo, max: hi,
                          lower: lower, upper: upper, count: count, seedIndependent: independent)
        }
    }
}
