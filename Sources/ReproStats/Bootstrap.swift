/// The percentile bootstrap, deterministic: the resamples come from a fixed-seed generator, so
/// the same values always give the same interval.
///
/// Contract: the interval is the (α/2, 1 − α/2) empirical quantiles of the means of `resamples`
/// resamples drawn with replacement. It always lies within [min, max] of the data, so it keeps
/// a non-negative quantity non-negative and never straddles a point mass it did not observe.
/// It under-covers at small n (the resampled means cannot leave the data's range): measured by
/// simulation on normal data, about 0.77 at n = 3 and 0.87 at n = 5 for a nominal 0.95
/// (`IntervalCoverageTests`). Use it where a symmetric t interval would be dishonest, and say so.
public enum Bootstrap {
    public static func percentileMean(_ values: [Double], level: Double = 0.95, resamples: Int = 20_000) -> Interval {
        precondition(values.count > 1, "bootstrap needs at least two values")
        var generator = SplitMix64(seed: 0x5EED_B007)
        let n = values.count
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sum = 0.0
            for _ in 0..<n { sum += values[Int(generator.next() % UInt64(n))] }
            means[r] = sum / Double(n)
        }
        means.sort()
        let alpha = 1 - level
        return Interval(lower: quantile(means, alpha / 2), upper: quantile(means, 1 - alpha / 2),
                        level: level, method: IntervalKind.bootstrap.rawValue)
    }

    /// Linear interpolation between order statistics (Hyndman & Fan type 7).
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = p * Double(sorted.count - 1)
        let i = Int(h.rounded(.down)), f = h - Double(i)
        return i + 1 < sorted.count ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i]
    }
}

/// Steele, Lea & Flood's SplitMix64: a tiny, well-mixed 64-bit generator, here only so the
/// statistics module stays free of the numerics module's RNG.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
