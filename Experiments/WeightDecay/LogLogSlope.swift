import Foundation

/// The least-squares slope of log y against log x: the exponent b of a power law y ∝ xᵇ.
///
/// b = Σ(u − ū)(v − v̄) / Σ(u − ū)² with u = ln x, v = ln y. Exact for points on a power law up
/// to rounding. Returns NaN when fewer than two points are given, any value is ≤ 0 or
/// non-finite, or all x are equal.
func logLogSlope(x: [Double], y: [Double]) -> Double {
    precondition(x.count == y.count, "log–log slope: \(x.count) x values for \(y.count) y values")
    guard x.count >= 2, (x + y).allSatisfy({ $0 > 0 && $0.isFinite }) else { return .nan }
    let u = x.map(log), v = y.map(log)
    let uMean = u.reduce(0, +) / Double(u.count), vMean = v.reduce(0, +) / Double(v.count)
    let covariance = zip(u, v).reduce(0) { $0 + ($1.0 - uMean) * ($1.1 - vMean) }
    let variance = u.reduce(0) { $0 + ($1 - uMean) * ($1 - uMean) }
    return variance > 0 ? covariance / variance : .nan
}
