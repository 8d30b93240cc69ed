import Foundation
import ReproKit

/// Two result sets compared claim by claim (`repro diff`): verdict changes first, then claims
/// and measurements that appeared or disappeared, then measurements whose means differ by more
/// than the noise. Timings (machine-dependent) are never compared.
///
/// The noise rule is the golden files' (`GoldenFile.tolerance`, passed in as `tolerance`):
/// three standard errors, here of the difference of the two means, √(SE_A² + SE_B²) with
/// SE = sd/√n on each side (binomial for proportions, plus the trials' own errors for Monte
/// Carlo estimates: `standardError`); seed-independent values get a relative floor instead.
public struct ResultsDiff: Sendable, Encodable {
    /// (mean, standard error of the difference or nil, exact) → (tolerance, basis).
    public typealias Tolerance = @Sendable (Double, Double?, Bool) -> (tolerance: Double, basis: String)

    public struct VerdictChange: Sendable, Equatable, Encodable {
        public var experiment, claim, role, before, after, valueBefore, valueAfter: String
    }

    public struct MeasurementChange: Sendable, Equatable, Encodable {
        public var experiment, measurement, unit: String
        public var before, after: Double?
        public var difference: Double?
        public var tolerance: Double?
        public var basis: String
    }

    public var labelA: String
    public var labelB: String
    public var verdictChanges: [VerdictChange] = []
    /// "experiment/claim" lines, each saying which side has it.
    public var claimsAddedOrRemoved: [String] = []
    public var experimentsOnlyIn: [String] = []
    public var presetChanges: [String] = []
    public var measurementChanges: [MeasurementChange] = []
    public var measurementsAddedOrRemoved: [String] = []
    public var claimsCompared = 0
    public var measurementsCompared = 0
    public var timingsSkipped = 0

    enum CodingKeys: String, CodingKey {
        case labelA, labelB, verdictChanges, claimsAddedOrRemoved, experimentsOnlyIn, presetChanges, measurementChanges,
             measurementsAddedOrRemoved, claimsCompared, measurementsCompared, timingsSkipped, changed
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(labelA, forKey: .labelA); try c.encode(labelB, forKey: .labelB)
        try c.encode(verdictChanges, forKey: .verdictChanges); try c.encode(claimsAddedOrRemoved, forKey: .claimsAddedOrRemoved)
        try c.encode(experimentsOnlyIn, forKey: .experimentsOnlyIn); try c.encode(presetChanges, forKey: .presetChanges)
        try c.encode(measurementChanges, forKey: .measurementChanges)
        try c.encode(measurementsAddedOrRemoved, forKey: .measurementsAddedOrRemoved)
        try c.encode(claimsCompared, forKey: .claimsCompared); try c.encode(measurementsCompared, forKey: .measurementsCompared)
        try c.encode(timingsSkipped, forKey: .timingsSkipped); try c.encode(changed, forKey: .changed)
    }

    /// Anything beyond noise: the exit status of `repro diff` is 1 when true.
    public var changed: Bool {
        !verdictChanges.isEmpty || !claimsAddedOrRemoved.isEmpty || !experimentsOnlyIn.isEmpty
            || !measurementChanges.isEmpty || !measurementsAddedOrRemoved.isEmpty || !presetChanges.isEmpty
    }

    public init(_ a: [String: CommittedResults], _ b: [String: CommittedResults], labelA: String, labelB: String,
                tolerance: Tolerance) {
        self.labelA = labelA; self.labelB = labelB
        for id in Set(a.keys).union(b.keys).sorted() {
            guard let x = a[id], let y = b[id] else {
                experimentsOnlyIn.append("\(id): only in \(a[id] == nil ? labelB : labelA)")
                continue
            }
            if x.preset != y.preset { presetChanges.append("\(id): preset \(x.preset) → \(y.preset)") }
            let yClaims = Dictionary(y.claims.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let xIDs = Set(x.claims.map(\.id))
            for c in x.claims {
                guard let d = yClaims[c.id] else { claimsAddedOrRemoved.append("\(id)/\(c.id): only in \(labelA)"); continue }
                claimsCompared += 1
                if c.verdict != d.verdict {
                    verdictChanges.append(VerdictChange(experiment: id, claim: c.id, role: d.role, before: c.verdict,
                                                        after: d.verdict, valueBefore: c.ours, valueAfter: d.ours))
                }
            }
            for d in y.claims where !xIDs.contains(d.id) { claimsAddedOrRemoved.append("\(id)/\(d.id): only in \(labelB)") }

            let xm = Dictionary((x.measurements ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let ym = Dictionary((y.measurements ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for name in Set(xm.keys).union(ym.keys).sorted() {
                guard let m = xm[name], let n = ym[name] else {
                    if !(xm[name]?.timing ?? ym[name]!.timing) {
                        measurementsAddedOrRemoved.append("\(id)/\(name): only in \(xm[name] == nil ? labelB : labelA)")
                    }
                    continue
                }
                if m.timing || n.timing { timingsSkipped += 1; continue }
                measurementsCompared += 1
                if let change = Self.compare(id, m, n, tolerance: tolerance) { measurementChanges.append(change) }
            }
        }
        // Largest changes relative to their tolerance first.
        measurementChanges.sort { a, b in
            let ra = a.difference.flatMap { d in a.tolerance.map { abs(d) / max($0, .leastNonzeroMagnitude) } } ?? .infinity
            let rb = b.difference.flatMap { d in b.tolerance.map { abs(d) / max($0, .leastNonzeroMagnitude) } } ?? .infinity
            return ra != rb ? ra > rb : (a.experiment, a.measurement) < (b.experiment, b.measurement)
        }
    }

    /// The standard error of one side's mean:
    /// - proportions (counts recorded): the binomial error of the pooled proportion,
    ///   √(p(1 − p)/N) over all N trials (p(1 − p) floored at 1/N, so 0 of N is not exact);
    /// - otherwise sd/√n over the n finite per-seed values, plus, for Monte Carlo estimates,
    ///   each seed's own standard error: √(sd²/n + Σ seᵢ²/n²) (with one seed, its own error).
    static func standardError(_ m: CommittedResults.MeasurementEntry) -> Double? {
        let seeds = m.perSeed.filter { $0.value != nil }
        let n = Double(seeds.count)
        if !seeds.isEmpty, seeds.allSatisfy({ $0.trials != nil && $0.successes != nil }) {
            let total = Double(seeds.map { $0.trials! }.reduce(0, +)), k = Double(seeds.map { $0.successes! }.reduce(0, +))
            guard total > 0 else { return nil }
            let p = k / total
            return (max(p * (1 - p), 1 / total) / total).squareRoot()
        }
        let within = seeds.compactMap(\.standardError)
        let spread = seeds.count > 1 ? m.standardDeviation.map { $0 * $0 / n } : nil
        let own = within.count == seeds.count && !within.isEmpty ? within.map { $0 * $0 }.reduce(0, +) / (n * n) : nil
        switch (spread, own) {
        case let (a?, b?): return (a + b).squareRoot()
        case let (a?, nil): return a.squareRoot()
        case let (nil, b?): return b.squareRoot()
        case (nil, nil): return nil
        }
    }

    static func compare(_ id: String, _ m: CommittedResults.MeasurementEntry, _ n: CommittedResults.MeasurementEntry,
                        tolerance: Tolerance) -> MeasurementChange? {
        guard let a = m.value, let b = n.value else {
            // Null on either side: a change unless both are null (both diverged).
            if m.value == nil && n.value == nil { return nil }
            return MeasurementChange(experiment: id, measurement: m.name, unit: n.unit, before: m.value, after: n.value,
                                     difference: nil, tolerance: nil,
                                     basis: "\(m.value == nil ? "was" : "is now") not finite: \(m.reason ?? n.reason ?? "")")
        }
        let se: Double?
        switch (standardError(m), standardError(n)) {
        case let (x?, y?): se = (x * x + y * y).squareRoot()
        case let (x?, nil): se = x
        case let (nil, y?): se = y
        case (nil, nil): se = nil
        }
        let rule = tolerance(max(abs(a), abs(b)), se, m.exact && n.exact)
        let d = b - a
        guard abs(d) > rule.tolerance else { return nil }
        return MeasurementChange(experiment: id, measurement: m.name, unit: n.unit, before: a, after: b, difference: d,
                                 tolerance: rule.tolerance, basis: rule.basis)
    }

    /// The report for a terminal or a CI log.
    public func text() -> String {
        var out = "repro diff \(labelA) → \(labelB)\n"
        func block(_ title: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            out += "\n\(title) (\(lines.count)):\n" + lines.map { "  \($0)\n" }.joined()
        }
        block("verdict changes", verdictChanges.map {
            "\($0.experiment)/\($0.claim)\($0.role == ClaimRole.claim.rawValue ? "" : " [\($0.role)]"): \($0.before) → \($0.after)   (ours \($0.valueBefore) → \($0.valueAfter))"
        })
        block("experiments in one side only", experimentsOnlyIn)
        block("presets changed", presetChanges)
        block("claims added or removed", claimsAddedOrRemoved)
        block("measurements beyond noise", measurementChanges.map { c in
            let unit = c.unit.isEmpty ? "" : " \(c.unit)"
            let values = "\(c.before.map { Format.number($0) } ?? "non-finite") → \(c.after.map { Format.number($0) } ?? "non-finite")\(unit)"
            guard let d = c.difference, let t = c.tolerance else { return "\(c.experiment)/\(c.measurement): \(values) (\(c.basis))" }
            return "\(c.experiment)/\(c.measurement): \(values)   Δ = \(Format.number(d)), tolerance \(Format.number(t)) (\(c.basis))"
        })
        block("measurements added or removed", measurementsAddedOrRemoved)
        out += "\n\(claimsCompared) claims compared, \(verdictChanges.count) verdict\(verdictChanges.count == 1 ? "" : "s") changed; "
            + "\(measurementsCompared) measurements compared, \(measurementChanges.count) beyond noise"
            + (timingsSkipped > 0 ? "; \(timingsSkipped) timings not compared" : "") + ".\n"
        out += changed ? "Changed beyond noise.\n" : "No change beyond noise.\n"
        return out
    }
}
