/// The abscissa of the vertex of the parabola through three points with distinct x.
///
/// With divided differences d₁ = (y₁ − y₀)/(x₁ − x₀), d₂ = (y₂ − y₁)/(x₂ − x₁) and
/// a = (d₂ − d₁)/(x₂ − x₀), the parabola is y₀ + d₁(x − x₀) + a(x − x₀)(x − x₁), whose vertex is
/// x* = (x₀ + x₁)/2 − d₁/(2a). Returns `nil` when a ≤ 0 (no minimum: a line or a cap) or any
/// input is non-finite. Exact up to rounding; for a bracketed minimum (y₁ ≤ y₀, y₁ ≤ y₂ and not
/// all equal) a > 0 and x* lies in [x₀, x₂].
func parabolicVertex(_ p0: (x: Double, y: Double), _ p1: (x: Double, y: Double), _ p2: (x: Double, y: Double)) -> Double? {
    guard [p0.x, p0.y, p1.x, p1.y, p2.x, p2.y].allSatisfy(\.isFinite) else { return nil }
    let d1 = (p1.y - p0.y) / (p1.x - p0.x)
    let d2 = (p2.y - p1.y) / (p2.x - p1.x)
    let a = (d2 - d1) / (p2.x - p0.x)
    guard a > 0 else { return nil }
    return (p0.x + p1.x) / 2 - d1 / (2 * a)
}
