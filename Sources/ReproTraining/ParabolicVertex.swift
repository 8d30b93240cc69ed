/// The abscissa of the vertex of the least-squares parabola y ≈ a·u² + b·u + c through `points`
/// (at least three, with at least three distinct x), where u = x − x̄ centres the abscissae.
///
/// Solves the 3×3 normal equations by Cramer's rule; the vertex is x̄ − b/(2a). With exactly
/// three points the parabola interpolates them (the classic three-point vertex). Returns `nil`
/// when a ≤ 0 (no minimum: a line or a cap), the system is singular, or any input is
/// non-finite. Exact up to rounding for points on a parabola; with more than three noisy points
/// the vertex moves less when one value changes than the three-point vertex does.
public func parabolicVertex(_ points: [(x: Double, y: Double)]) -> Double? {
    guard points.count >= 3, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return nil }
    let n = Double(points.count)
    let mean = points.reduce(0) { $0 + $1.x } / n
    var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, t0 = 0.0, t1 = 0.0, t2 = 0.0
    for p in points {
        let u = p.x - mean, u2 = u * u
        s1 += u; s2 += u2; s3 += u2 * u; s4 += u2 * u2
        t0 += p.y; t1 += u * p.y; t2 += u2 * p.y
    }
    // Normal equations [[s4, s3, s2], [s3, s2, s1], [s2, s1, n]]·(a, b, c) = (t2, t1, t0).
    func det(_ m: [[Double]]) -> Double {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    }
    let d = det([[s4, s3, s2], [s3, s2, s1], [s2, s1, n]])
    guard d != 0, d.isFinite else { return nil }
    let a = det([[t2, s3, s2], [t1, s2, s1], [t0, s1, n]]) / d
    let b = det([[s4, t2, s2], [s3, t1, s1], [s2, t0, n]]) / d
    guard a > 0 else { return nil }
    return mean - b / (2 * a)
}
