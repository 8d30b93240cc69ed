import Foundation

/// A sweep of the weight decay λ on a geometric lattice, extended until its best point has
/// `margin` evaluated neighbours on each side, then refined by a least-squares parabola in ln λ.
///
/// 1. Run every λ of `grid` (increasing, ratio `ratio` between neighbours; ×√2 in this
///    experiment). A diverged run has loss +∞.
/// 2. While the lowest loss has fewer than `margin` points below (above) it and fewer than
///    `extensions` points were added on that side, add λ/ratio (λ·ratio) there and run it. So
///    where the sweep starts changes its cost, not which points around the optimum it sees.
/// 3. If the best point is interior, λ* = exp(x*) with x* the vertex of the least-squares
///    parabola (`parabolicVertex`) through the best point and up to `margin` neighbours on each
///    side in (ln λ, loss), kept within one grid step of the best point. If the parabola has no
///    minimum, λ* is the best grid point.
/// 4. Otherwise the optimum is **censored**: even after `extensions` additions the lowest loss is
///    at an end. λ* is reported as that edge and `censored` says so; callers record it and keep
///    it out of every fit, never use it silently.
struct WeightDecaySweep {
    /// (λ, test loss) in increasing λ.
    var points: [(lambda: Double, loss: Double)]
    var best: Int
    var lambdaStar: Double
    var censored: Bool

    init(grid: [Double], ratio: Double, margin: Int, extensions: Int, run: (Double) throws -> Double) rethrows {
        precondition(!grid.isEmpty && ratio > 1 && margin >= 1, "a sweep needs a grid, a ratio above 1 and a margin of at least 1")
        var points = try grid.sorted().map { (lambda: $0, loss: try run($0)) }
        var addedBelow = 0, addedAbove = 0
        func lowest() -> Int { points.indices.min { points[$0].loss < points[$1].loss }! }
        while true {
            let b = lowest()
            if b < margin, addedBelow < extensions {
                let lambda = points[0].lambda / ratio
                points.insert((lambda, try run(lambda)), at: 0)
                addedBelow += 1
            } else if points.count - 1 - b < margin, addedAbove < extensions {
                let lambda = points[points.count - 1].lambda * ratio
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
            let window = points[max(0, b - margin)...min(points.count - 1, b + margin)].map { (x: log($0.lambda), y: $0.loss) }
            let x = parabolicVertex(window).map { min(max($0, log(points[b - 1].lambda)), log(points[b + 1].lambda)) }
            lambdaStar = x.map(exp) ?? points[b].lambda
        }
    }

    /// `2·margin + 1` lattice points λ₀·ratioᵏ centred on the lattice point nearest `guess`: a
    /// sweep started from the previous setting's optimum.
    static func window(around guess: Double, anchor: Double, ratio: Double, margin: Int) -> [Double] {
        let k = (log(guess / anchor) / log(ratio)).rounded()
        return (-margin...margin).map { anchor * pow(ratio, k + Double($0)) }
    }
}
