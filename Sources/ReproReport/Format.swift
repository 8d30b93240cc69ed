import ReproStats

/// Number formatting for every report: deterministic, locale-free, pure Swift.
///
/// Formatting works on the decimal digits of the shortest round-trip representation
/// (`Double.description`), so the same value prints the same text on every platform and
/// in every locale. Rounding is half-up on those decimal digits: 0.91235 → "0.9124".
public enum Format {
    /// Significant digits used throughout the reports.
    public static let significantDigits = 4

    /// `x` with `significant` significant digits, trailing zeros kept so that the precision
    /// shows ("0.9010"). Integral values below 10⁶ print exactly ("128"); magnitudes below
    /// 10⁻⁴ or from 10⁶ on print in scientific notation ("1.235e-05"); non-finite values
    /// print as "nan", "inf", "-inf".
    ///
    /// ```swift
    /// Format.number(0.912_345)   // "0.9123"
    /// Format.number(12_345.6)    // "12350"
    /// Format.number(3e-7)        // "3.000e-07"
    /// ```
    public static func number(_ x: Double, significant: Int = significantDigits) -> String {
        precondition(significant >= 1, "need at least one significant digit")
        if let special = nonFinite(x) { return special }
        if x == 0 { return "0" }
        if x == x.rounded(), x.magnitude < 1e6 { return String(Int64(x)) }
        return render(DecimalDigits(x).rounded(significant: significant), negative: x < 0)
    }

    /// `x` with as many significant digits as its shortest exact text needs, at least
    /// `significant` and at most `maximum`, trailing zeros beyond `significant` dropped:
    /// 3.4445 → "3.4445", 0.89 → "0.8900", 3.44450000001 → "3.4445", and with the default
    /// maximum of 6, 0.68183146 → "0.681831". For values the reader must see as stated:
    /// band edges (maximum 10, so a paper's digits survive) and exact (seed-independent)
    /// measurements.
    public static func precise(_ x: Double, significant: Int = significantDigits, maximum: Int = 6) -> String {
        precondition(maximum >= significant, "maximum below significant")
        if let special = nonFinite(x) { return special }
        if x == 0 { return "0" }
        if x == x.rounded(), x.magnitude < 1e6 { return String(Int64(x)) }
        let exact = DecimalDigits(x)
        var d = exact.rounded(significant: min(maximum, max(significant, exact.digits.count)))
        while d.digits.count > significant, d.digits.last == 0 { d.digits.removeLast() }
        return render(d, negative: x < 0)
    }

    /// Positional notation for 10⁻⁴ ≤ |x| < 10⁶, scientific ("1.235e-05") outside.
    private static func render(_ d: DecimalDigits, negative: Bool) -> String {
        let e = d.exponent - 1  // |x| = d₁.d₂… × 10^e
        let sign = negative ? "-" : ""
        if e < -4 || e >= 6 {
            let mantissa = d.digits.count > 1
                ? "\(d.digits[0]).\(d.digits.dropFirst().map(String.init).joined())"
                : "\(d.digits[0])"
            let exponent = String(e.magnitude)
            return "\(sign)\(mantissa)e\(e < 0 ? "-" : "+")\(exponent.count < 2 ? "0" : "")\(exponent)"
        }
        return sign + d.fixed()
    }

    /// `x` with exactly `decimals` digits after the point ("3.14", "-0.50", "12"), rounded
    /// half away from zero; non-finite values as in `number`. Used for SVG coordinates and
    /// axis labels, where a fixed width keeps the output stable.
    public static func fixed(_ x: Double, decimals: Int) -> String {
        precondition(decimals >= 0 && decimals <= 15, "decimals must be in 0...15")
        if let special = nonFinite(x) { return special }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (x.magnitude * scale).rounded()
        guard scaled < 9e15 else { return number(x) }
        let digits = String(Int64(scaled))
        let sign = x < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        return "\(sign)\(padded.dropLast(decimals)).\(padded.suffix(decimals))"
    }

    /// A measurement across seeds, in one phrase:
    /// - several seeds: "0.9123 [0.9010, 0.9236]" (mean and its 95% Student-t interval, all
    ///   with the digits `interval` needs to tell the ends apart);
    /// - one seed: "0.9123 (1 seed, no interval)";
    /// - identical across seeds: "0.9123 (identical across 3 seeds)";
    /// - `exact` (seed-independent): "3.4445 (exact)", with the digits it has (`precise`);
    /// - any non-finite seed: "diverged (nan)" (or inf), since a divergence is not averaged;
    /// - `everySeed` claims: the range, "[1.2e-06, 3.2e-06] over 5 seeds".
    public static func summary(_ s: Summary, exact: Bool) -> String {
        if !s.values.allSatisfy(\.isFinite) {
            let bad = s.values.first { !$0.isFinite } ?? s.mean
            return "diverged (\(number(bad)))"
        }
        let mean = number(s.mean)
        if exact { return "\(precise(s.mean)) (exact)" }
        if s.count == 1 && s.interval == nil { return "\(mean) (1 seed, no interval)" }
        // Proportions and Monte Carlo estimates keep their interval even when the seeds agree.
        if s.standardDeviation == 0 && s.kind != .proportion && s.kind != .monteCarlo {
            return "\(mean) (identical across \(s.count) seeds)"
        }
        guard let ci = s.interval else { return "\(mean) (no interval)" }
        if s.kind == .everySeed { return "\(interval(ci)) over \(s.count) seeds" }
        let digits = distinguishingDigits(ci)
        return "\(number(s.mean, significant: digits)) \(interval(ci))"
    }

    /// "[0.9010, 0.9236]": an interval's ends to `significantDigits` digits, or more (up to
    /// 8) when fewer would print both ends alike: "[0.99820, 0.99824]", not "[0.9982, 0.9982]".
    public static func interval(_ ci: Interval) -> String {
        let digits = distinguishingDigits(ci)
        return "[\(number(ci.lower, significant: digits)), \(number(ci.upper, significant: digits))]"
    }

    private static func distinguishingDigits(_ ci: Interval) -> Int {
        var digits = significantDigits
        while digits < 8, number(ci.lower, significant: digits) == number(ci.upper, significant: digits) { digits += 1 }
        return digits
    }

    /// "[3.4444, 3.4446]", "≥ 0.5000", "≤ 1": a claim's acceptance band, edges as `precise`.
    public static func band(lower: Double?, upper: Double?) -> String {
        switch (lower, upper) {
        case let (l?, u?): return "[\(precise(l, maximum: 10)), \(precise(u, maximum: 10))]"
        case let (l?, nil): return "≥ \(precise(l, maximum: 10))"
        case let (nil, u?): return "≤ \(precise(u, maximum: 10))"
        case (nil, nil): return "any"
        }
    }

    /// Seconds as "0.84 s", "9.00 s", "12.3 s", "4 min 05 s", "2 h 03 min".
    public static func duration(_ seconds: Double) -> String {
        if let special = nonFinite(seconds) { return special }
        if seconds < 60 { return "\(fixed(seconds, decimals: seconds < 10 ? 2 : 1)) s" }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(twoDigits(whole % 60)) s" }
        return "\(whole / 3600) h \(twoDigits(whole % 3600 / 60)) min"
    }

    /// Bytes in binary units: "512 B", "3.2 MiB".
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count), unit = 0
        while value.magnitude >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : "\(number(value, significant: 3)) \(units[unit])"
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// "nan", "inf", "-inf" for non-finite values, nil for finite ones.
    static func nonFinite(_ x: Double) -> String? {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return nil
    }
}

/// |x| as decimal digits d₁d₂…dₙ (d₁ ≠ 0) and an exponent: |x| = 0.d₁d₂…dₙ × 10^exponent.
/// Digits of a decimal number, for `Format`.
private struct DecimalDigits {
    var digits: [Int]
    var exponent: Int

    /// From the shortest round-trip text of a finite, non-zero `x` ("0.9123", "1.5e-07").
    init(_ x: Double) {
        let text = x.magnitude.description
        let parts = text.split(separator: "e")
        var digits: [Int] = [], pointAt: Int?
        for c in parts[0] {
            if c == "." { pointAt = digits.count } else if let d = c.wholeNumberValue { digits.append(d) }
        }
        var exponent = (pointAt ?? digits.count) + (parts.count > 1 ? Int(parts[1])! : 0)
        while digits.first == 0 { digits.removeFirst(); exponent -= 1 }
        while digits.count > 1, digits.last == 0 { digits.removeLast() }
        self.digits = digits; self.exponent = exponent
    }

    /// Rounded half-up to `n` digits, zero-padded to exactly `n`.
    func rounded(significant n: Int) -> DecimalDigits {
        var kept = Array(digits.prefix(n)) + Array(repeating: 0, count: max(0, n - digits.count))
        var exponent = self.exponent
        if digits.count > n, digits[n] >= 5 {
            var i = n - 1
            while i >= 0 {
                if kept[i] == 9 { kept[i] = 0; i -= 1 } else { kept[i] += 1; break }
            }
            if i < 0 { kept.insert(1, at: 0); kept.removeLast(); exponent += 1 }
        }
        return DecimalDigits(digits: kept, exponent: exponent)
    }

    private init(digits: [Int], exponent: Int) { self.digits = digits; self.exponent = exponent }

    /// Positional notation with every stored digit: "0.009010", "12350", "3.142".
    func fixed() -> String {
        let text = digits.map(String.init).joined()
        if exponent <= 0 { return "0." + String(repeating: "0", count: -exponent) + text }
        if exponent >= digits.count { return text + String(repeating: "0", count: exponent - digits.count) }
        return "\(text.prefix(exponent)).\(text.dropFirst(exponent))"
    }
}
