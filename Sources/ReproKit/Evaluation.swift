import ReproStats

/// Aggregates the trials of one preset (one `Measurements` per seed) into per-measurement
/// summaries and claim verdicts.
public struct Evaluation: Sendable, Codable {
    public struct Measurement: Sendable, Codable {
        public var name: String
        public var unit: String
        public var exact: Bool
        /// Machine-dependent (timings): never in golden files.
        public var timing: Bool
        /// Summarised with the kind of the claim that judges it, else the kind its data imply.
        public var summary: Summary
    }

    public var measurements: [Measurement]
    public var claims: [ClaimResult]

    public init(claims: [Claim], trials: [Measurements]) {
        var names = Set<String>()
        for t in trials { names.formUnion(t.scalars.keys) }
        var data: [String: SeedData] = [:]
        for name in names { data[name] = SeedData(trials.compactMap { $0.scalars[name] }) }
        self.claims = claims.map { ClaimResult(claim: $0, data: data[$0.measurement] ?? SeedData(values: [])) }
        var kindOf: [String: IntervalKind] = [:]
        for r in self.claims where r.summary?.kind != nil { kindOf[r.claim.measurement] = r.summary!.kind }
        measurements = names.sorted().map { name in
            let scalars = trials.compactMap { $0.scalars[name] }
            let d = data[name]!
            return Measurement(name: name, unit: scalars.first?.unit ?? "",
                               exact: d.exact, timing: scalars.contains(where: \.timing),
                               summary: d.summary(kindOf[name] ?? d.impliedKind))
        }
    }

    /// "2 reproduced, 1 not reproduced, 1 inconclusive".
    /// Counts only the paper claims; sanity checks are listed as "checks passed / failed".
    public var verdictSummary: String {
        let judged = claims.filter { $0.claim.role == .claim }
        let counts = Dictionary(grouping: judged, by: \.verdict).mapValues(\.count)
        var parts = Verdict.allCases.compactMap { v in counts[v].map { "\($0) \(v.rawValue)" } }
        let checks = claims.filter { $0.claim.role == .sanityCheck }
        if !checks.isEmpty {
            let passed = checks.filter { $0.verdict == .reproduced }.count
            parts.append("\(passed)/\(checks.count) checks passed")
        }
        return parts.joined(separator: ", ")
    }
}
