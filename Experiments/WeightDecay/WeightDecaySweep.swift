import Foundation

/// A sweep of the weight decay λ on a geometric grid, extended until its best point is inside,
/// then refined by a parabola in log λ.
///
/// 1. Run every λ of `grid` (increasing, ratio `ratio` between neighbours; ×√2 in this
///    experiment). A diverged run has loss +∞.
/// 2. While the lowest loss sits at the smallest (largest) λ and fewer than `extensions` points
///    were added on that side, add λ/ratio (λ·ratio) there and run it.
/// 3. If the best point is interior, λ* = exp(x*) with x* the vertex of the parabola through
///    the best point and its two neighbours in (ln λ, loss) (`parabolicVertex`); it lies within
///    one grid step of the best grid point. If the neighbours are not finite, λ* is the grid point.
/// 4. Otherwise the optimum is **censored**: λ* is reported as the edge λ and `censored` says so;
///    callers record it, never drop it.
struct WeightDecaySweep {
    /// (λ, test loss) in increasing λ.
    var points: [(lambda: Double, loss: Double)]
    var best: Int
    var lambdaStar: Double
    var censored: Bool

    init(grid: [Double], ratio: Double, extensions: Int, run: (Double) throws -> Double) rethrows {
        precondition(!grid.isEmpty && ratio > 1, "a sweep needs a grid and a ratio above 1")
        var points = try grid.sorted().map { (lambda: $0, loss: try run($0)) }
        var addedBelow = 0, addedAbove = 0
        func lowest() -> Int { points.indices.min { points[$0].loss < points[$1].loss }! }
        while true {
            let b = lowest()
            if b == 0, addedBelow < extensions {
                let lambda = points[0].lambda / ratio
                points.insert((lambda, try run(lambda)), at: 0)
                addedBelow += 1
            } else if b == points.count - 1, addedAbove < extensions {
                let lambda = points[b].lambda * ratio
                points.append((lambda, try run(lambda)))
                addedAbove += 1
            } else {
                break
            }
        }
        let b = lowest()
        self.points = points
        best = b
        censored = b == 0 || b == points.count - 1
        if censored {
            lambdaStar = points[b].lambda
        } else {
            let at = { (i: Int) in (x: log(points[i].lambda), y: points[i].loss) }
            lambdaStar = parabolicVertex(at(b - 1), at(b), at(b + 1)).map(exp) ?? points[b].lambda
        }
    }
}
