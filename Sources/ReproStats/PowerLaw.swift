import RealModule

/// Power-law fits y ∝ xᵇ, as experiments use them for scaling exponents (learning rate against
/// batch size, optimal weight decay against data or width).
public enum PowerLaw {
    /// The least-squares slope of ln y against ln x: the exponent b of y ∝ xᵇ.
    ///
    /// b = Σ(u − ū)(v − v̄) / Σ(u − ū)² with u = ln x, v = ln y, sums in input order. Exact for
    /// points on a power law up to rounding. NaN when fewer than two points are given, any value
    /// is ≤ 0 or non-finite, or all x are equal: callers decide which points to leave out.
    public static func exponent(x: [Double], y: [Double]) -> Double {
        precondition(x.count == y.count, "power-law exponent: \(x.count) x values for \(y.count) y values")
        guard x.count >= 2, (x + y).allSatisfy({ $0 > 0 && $0.isFinite }) else { return .nan }
        let u = x.map { Double.log($0) }, v = y.map { Double.log($0) }
        let uMean = u.reduce(0, +) / Double(u.count), vMean = v.reduce(0, +) / Double(v.count)
        let covariance = zip(u, v).reduce(0) { $0 + ($1.0 - uMean) * ($1.1 - vMean) }
        let variance = u.reduce(0) { $0 + ($1 - uMean) * ($1 - uMean) }
        return variance > 0 ? covariance / variance : .nan
    }
}
