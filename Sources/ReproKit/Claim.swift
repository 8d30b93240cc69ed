import ReproStats

/// Where a number comes from: the document, the place in it, and a link.
public struct Source: Sendable, Codable, Equatable {
    public var citation: String
    /// Section, table, figure or equation.
    public var location: String
    public var url: String
    public init(_ citation: String, location: String, url: String) {
        self.citation = citation; self.location = location; self.url = url
    }
}

/// What a paper says about one quantity, and the band inside which our measurement counts as
/// agreeing with it.
///
/// The band already includes the tolerance: for "≈ 0.68" with ±0.02 the band is 0.66…0.70.
/// `tolerance` says why that width is fair (the paper's own precision, seed spread, ...).
public struct Claim: Sendable, Codable, Equatable {
    public var id: String
    /// The claim in words, as the source makes it.
    public var statement: String
    /// The scalar measurement it is judged on.
    public var measurement: String
    /// The paper's value as the source states it ("≈ 0.68", "48–52%").
    public var paperValue: String
    public var band: Band
    /// The statistic the measurement is, and so the interval it gets. Required: no claim gets a
    /// Student-t interval by default.
    public var interval: IntervalKind
    public var tolerance: String
    public var source: Source
    /// What our setting differs in (size, data, steps, precision).
    public var differences: String
    public var role: ClaimRole

    public init(id: String, statement: String, measurement: String, paperValue: String, band: Band,
                interval: IntervalKind, tolerance: String, source: Source, differences: String, role: ClaimRole = .claim) {
        self.id = id; self.statement = statement; self.measurement = measurement; self.paperValue = paperValue
        self.band = band; self.interval = interval; self.tolerance = tolerance; self.source = source
        self.differences = differences; self.role = role
    }
}

/// What a claim row is for.
public enum ClaimRole: String, Sendable, Codable, CaseIterable {
    /// A paper's claim, judged: reproduced, not reproduced or inconclusive.
    case claim
    /// True by construction of our code (an invariance, an identity): judged the same way, shown
    /// as a check of the implementation, never counted as a reproduction.
    case sanityCheck = "sanity check"
    /// A reference measurement reported beside the claims (a baseline, a random-init model): no verdict.
    case control
}

/// An acceptance band [lower, upper]; either end may be open.
public struct Band: Sendable, Codable, Equatable {
    public var lower: Double?
    public var upper: Double?
    public init(lower: Double? = nil, upper: Double? = nil) {
        precondition(lower != nil || upper != nil, "a band needs at least one end")
        if let l = lower, let u = upper { precondition(l <= u, "band lower end above upper end") }
        self.lower = lower; self.upper = upper
    }
    public static func within(_ value: Double, absolute tolerance: Double) -> Band {
        Band(lower: value - tolerance, upper: value + tolerance)
    }
    public static func within(_ value: Double, relative tolerance: Double) -> Band {
        let d = abs(value) * tolerance
        return Band(lower: value - d, upper: value + d)
    }
    public static func atLeast(_ value: Double) -> Band { Band(lower: value) }
    public static func atMost(_ value: Double) -> Band { Band(upper: value) }
    public static func between(_ lower: Double, _ upper: Double) -> Band { Band(lower: lower, upper: upper) }

    public func contains(_ x: Double) -> Bool {
        (lower.map { x >= $0 } ?? true) && (upper.map { x <= $0 } ?? true)
    }
}

/// How our measurement compares with the claim. Computed, never typed in.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    case reproduced = "reproduced"
    case notReproduced = "not reproduced"
    case inconclusive = "inconclusive"
    case notMeasured = "not measured"
    /// A control row: reported, not judged.
    case control = "control (no verdict)"
}

/// One measurement's per-seed data, as the trials recorded it.
public struct SeedData: Sendable {
    public var values: [Double]
    public var exact: Bool
    public var standardErrors: [Double]?
    public var sampleShared: Bool
    public var counts: [Count]?

    public init(values: [Double], exact: Bool = false, standardErrors: [Double]? = nil, sampleShared: Bool = false,
                counts: [Count]? = nil) {
        self.values = values; self.exact = exact; self.standardErrors = standardErrors
        self.sampleShared = sampleShared; self.counts = counts
    }

    /// The per-seed scalars of one measurement (in seed order).
    public init(_ scalars: [Scalar]) {
        values = scalars.map(\.value)
        exact = !scalars.isEmpty && scalars.allSatisfy(\.exact)
        let errors = scalars.compactMap(\.standardError)
        standardErrors = errors.count == scalars.count && !errors.isEmpty ? errors : nil
        sampleShared = scalars.contains(where: \.sampleShared)
        let counts = scalars.compactMap(\.count)
        self.counts = counts.count == scalars.count && !counts.isEmpty ? counts : nil
    }

    /// The kind these data imply when no claim names one: what a report shows for them.
    public var impliedKind: IntervalKind {
        if exact { return .exact }
        if counts != nil { return .proportion }
        if standardErrors != nil { return .monteCarlo }
        return .studentT
    }

    /// Why `kind` does not fit these data, or nil when it does. Data recorded with a standard
    /// error or as counts must be judged with the kind made for them, and vice versa.
    public func mismatch(_ kind: IntervalKind) -> String? {
        if exact && kind != .exact && kind != .everySeed {
            return "the measurement is seed-independent (exact) but the claim asks for a \(kind.rawValue) interval"
        }
        if !exact && kind == .exact { return "the claim expects a seed-independent value, but it varies with the seed" }
        if counts != nil && kind != .proportion && kind != .everySeed {
            return "the measurement is a proportion (counts recorded) but the claim asks for a \(kind.rawValue) interval"
        }
        if kind == .proportion && counts == nil { return "the claim asks for a proportion interval, but no counts were recorded" }
        if standardErrors != nil && kind != .monteCarlo && kind != .everySeed {
            return "the measurement carries a Monte Carlo standard error but the claim asks for a \(kind.rawValue) interval"
        }
        if kind == .monteCarlo && standardErrors == nil {
            return "the claim asks for a Monte Carlo interval, but no standard error was recorded"
        }
        return nil
    }

    public func summary(_ kind: IntervalKind) -> Summary {
        Summary(values, kind: kind, standardErrors: standardErrors, sampleShared: sampleShared, counts: counts)
    }
}

/// A claim with our measurement and the verdict.
public struct ClaimResult: Sendable, Codable {
    public var claim: Claim
    public var summary: Summary?
    public var exact: Bool
    public var verdict: Verdict
    /// Why the verdict is what it is, in one phrase.
    public var basis: String

    /// The verdict from the measurement's per-seed data and the claim's interval kind:
    /// - a control: no verdict, the summary only;
    /// - data that do not fit the kind (see `SeedData.mismatch`): not measured, with the reason;
    /// - exact measurements: the value inside the band → reproduced, else not;
    /// - `everySeed`: every seed inside the band → reproduced, any seed outside → not reproduced;
    /// - otherwise the kind's 95% interval: wholly inside the band → reproduced, wholly outside →
    ///   not reproduced, straddling an edge → inconclusive; no interval (one seed) → inconclusive;
    /// - any non-finite seed (divergence) → not reproduced.
    public init(claim: Claim, data: SeedData) {
        self.claim = claim
        self.exact = data.exact
        guard !data.values.isEmpty else {
            summary = nil; verdict = claim.role == .control ? .control : .notMeasured
            basis = "measurement absent in this preset"; return
        }
        if let reason = data.mismatch(claim.interval) {
            summary = data.summary(data.impliedKind); verdict = .notMeasured; basis = reason; return
        }
        let s = data.summary(claim.interval)
        summary = s
        if claim.role == .control {
            verdict = .control; basis = "control: reported, not judged"; return
        }
        if !s.values.allSatisfy(\.isFinite) {
            verdict = .notReproduced; basis = "a seed diverged (non-finite value)"; return
        }
        if let problem = s.problem {
            verdict = .notMeasured; basis = problem; return
        }
        switch claim.interval {
        case .exact:
            verdict = claim.band.contains(s.mean) ? .reproduced : .notReproduced
            basis = "exact value (seed-independent)"
        case .everySeed:
            let outside = s.values.filter { !claim.band.contains($0) }.count
            verdict = outside == 0 ? .reproduced : .notReproduced
            basis = outside == 0 ? "all \(s.count) seeds inside the band" : "\(outside) of \(s.count) seeds outside the band"
        default:
            guard let ci = s.interval else {
                verdict = .inconclusive; basis = "single seed: no interval"; return
            }
            let lowerIn = claim.band.contains(ci.lower), upperIn = claim.band.contains(ci.upper)
            if lowerIn && upperIn {
                verdict = .reproduced; basis = "95% \(claim.interval.rawValue) interval inside the band"
            } else if Self.disjoint(ci, claim.band) {
                verdict = .notReproduced; basis = "95% \(claim.interval.rawValue) interval outside the band"
            } else {
                verdict = .inconclusive; basis = "95% \(claim.interval.rawValue) interval straddles the band's edge"
            }
        }
    }

    /// Convenience for plain per-seed values.
    public init(claim: Claim, values: [Double], exact: Bool) {
        self.init(claim: claim, data: SeedData(values: values, exact: exact))
    }

    private static func disjoint(_ ci: Interval, _ band: Band) -> Bool {
        if let u = band.upper, ci.lower > u { return true }
        if let l = band.lower, ci.upper < l { return true }
        return false
    }
}
