import Foundation
import ReproKit

/// `results/<id>/results.json`: one experiment's reported run — claims with verdicts, every
/// measurement with its per-seed values, the preset's config and the provenance — written
/// beside its page so that tools (pandas, `jq`, `repro report`, `repro diff`, `repro list` on a
/// fresh clone) can read it without the store that produced it.
///
/// Versioned by `schema`; numbers are JSON numbers or null, never strings: a value that is not
/// finite is null, with the reason beside it (`nonFinite`: "nan", "inf", "-inf"; a claim's
/// `basis`; a measurement's `reason`). Documented field by field in docs/json.md. Fields added
/// later in schema 1 (`title`, `measurements`, `config`, `provenance`) are optional when
/// reading, so earlier files still read.
public struct CommittedResults: Codable, Sendable, Equatable {
    public static let currentSchema = 1
    public static let fileName = "results.json"

    public var schema: Int
    public var experiment: String
    public var title: String?
    public var preset: String
    public var seeds: [UInt64]
    /// The commits the trials ran at ("abc1234 (main)", "abc1234 (main, dirty)", "unversioned").
    public var commits: [String]
    public var sourceHashes: [String]
    public var claims: [ClaimEntry]
    public var measurements: [MeasurementEntry]?
    /// The preset's config, as the canonical JSON that is part of every trial's cache key.
    public var config: JSONValue?
    public var provenance: ProvenanceEntry?

    public struct ClaimEntry: Codable, Sendable, Equatable {
        public var id: String
        public var role: String
        public var measurement: String
        public var interval: String
        /// The interval kind's point estimate, and its 95% interval (null where there is none;
        /// `basis` says why, e.g. "a seed diverged (non-finite value)" or "single seed: no interval").
        public var value: Double?
        public var lower: Double?
        public var upper: Double?
        public var bandLower: Double?
        public var bandUpper: Double?
        public var verdict: String
        public var basis: String
        /// Our side as the pages print it ("0.601 [0.481, 0.721]").
        public var ours: String
        public var paperValue: String
        public var source: String
        public var url: String
    }

    public struct MeasurementEntry: Codable, Sendable, Equatable {
        public var name: String
        public var unit: String
        /// Seed-independent: compared directly, no interval.
        public var exact: Bool
        /// Machine-dependent (a wall time, a rate): never a regression.
        public var timing: Bool
        /// The interval kind the estimate and interval are of.
        public var interval: String
        public var value: Double?
        public var lower: Double?
        public var upper: Double?
        /// Sample standard deviation across seeds (null with one seed).
        public var standardDeviation: Double?
        /// Why `value` is null, when it is.
        public var reason: String?
        public var perSeed: [SeedValue]
    }

    public struct SeedValue: Codable, Sendable, Equatable {
        public var seed: UInt64
        /// Null when not finite; `nonFinite` then says which ("nan", "inf", "-inf").
        public var value: Double?
        public var nonFinite: String?
        /// The trial's own Monte Carlo standard error, when it recorded one.
        public var standardError: Double?
        /// For proportions: successes of trials.
        public var successes: Int?
        public var trials: Int?
    }

    public struct ProvenanceEntry: Codable, Sendable, Equatable {
        /// The registry target and the hash of its source closure when the file was written.
        public var target: String
        public var sourceHash: String
        public var toolchains: [String]
        public var os: [String]
        public var cpus: [String]
        public var blas: [String]
        public var blasThreads: [Int]
        /// Totals over the seeds (machine-dependent).
        public var wallSeconds: Double?
        public var cpuSeconds: Double?
        public var peakMemoryBytes: Int64?
    }

    public init(experiment: AnyExperiment, preset: String, runs: SeedRuns, evaluation: Evaluation) {
        schema = Self.currentSchema
        self.experiment = experiment.paper.id
        title = experiment.paper.title
        self.preset = preset
        seeds = runs.seeds
        commits = Array(Set(runs.records.map(\.provenance.versionLabel))).sorted()
        sourceHashes = Array(Set(runs.records.map(\.sourceHash))).sorted()
        claims = evaluation.claims.map { r in
            ClaimEntry(id: r.claim.id, role: r.claim.role.rawValue, measurement: r.claim.measurement,
                       interval: r.summary?.kind.rawValue ?? r.claim.interval.rawValue,
                       value: finite(r.summary?.mean), lower: finite(r.summary?.interval?.lower),
                       upper: finite(r.summary?.interval?.upper),
                       bandLower: r.claim.band.lower, bandUpper: r.claim.band.upper,
                       verdict: r.verdict.rawValue, basis: r.basis, ours: ClaimsTable.ours(r),
                       paperValue: r.claim.paperValue,
                       source: "\(r.claim.source.citation), \(r.claim.source.location)", url: r.claim.source.url)
        }
        measurements = evaluation.measurements.map { m in
            let s = m.summary
            let perSeed = zip(runs.seeds, runs.measurements).compactMap { seed, t in
                t.scalars[m.name].map { x in
                    SeedValue(seed: seed, value: finite(x.value), nonFinite: Format.nonFinite(x.value),
                              standardError: finite(x.standardError), successes: x.count?.successes, trials: x.count?.trials)
                }
            }
            let diverged = !s.values.allSatisfy(\.isFinite)
            return MeasurementEntry(
                name: m.name, unit: m.unit, exact: m.exact, timing: m.timing, interval: s.kind.rawValue,
                value: finite(s.mean), lower: finite(s.interval?.lower), upper: finite(s.interval?.upper),
                standardDeviation: finite(s.standardDeviation),
                reason: diverged ? "a seed's value is not finite (diverged)" : s.mean.isFinite ? nil : "not finite",
                perSeed: perSeed)
        }
        config = experiment.canonicalConfig(preset: preset).flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        let t = runs.records
        func distinct(_ v: [String]) -> [String] { Array(Set(v)).sorted() }
        let walls = t.compactMap(\.wallSeconds), cpus = t.compactMap(\.cpuSeconds)
        provenance = ProvenanceEntry(
            target: experiment.target, sourceHash: experiment.sourceHash,
            toolchains: distinct(t.map(\.provenance.toolchain)), os: distinct(t.map(\.provenance.os)),
            cpus: distinct(t.map(\.provenance.cpu)), blas: distinct(t.map(\.provenance.blas)),
            blasThreads: Array(Set(t.map(\.blasThreads))).sorted(),
            wallSeconds: walls.isEmpty ? nil : walls.reduce(0, +), cpuSeconds: cpus.isEmpty ? nil : cpus.reduce(0, +),
            peakMemoryBytes: t.compactMap(\.peakMemoryBytes).max())
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, integer, Bool or finite Double: encoding cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Parses the text of a results file; a newer schema, or text that is not one, is an error.
    public static func decode(_ data: Data, origin: String) throws -> CommittedResults {
        struct Version: Decodable { var schema: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw UsageError("\(origin): not a results file (no schema field)")
        }
        guard version.schema <= currentSchema else {
            throw UsageError("\(origin): schema \(version.schema) is newer than this repro reads (\(currentSchema)); update repro")
        }
        do { return try JSONDecoder().decode(CommittedResults.self, from: data) } catch {
            throw UsageError("\(origin): unreadable results file: \(error)")
        }
    }

    /// Reads `<folder>/<id>/results.json`; nil when there is none. A file of a newer schema, or
    /// one that does not parse, is an error: it must not be silently ignored or overwritten.
    public static func read(resultsFolder folder: String, experiment id: String) throws -> CommittedResults? {
        let url = URL(fileURLWithPath: folder).appending(path: id).appending(path: fileName)
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try decode(data, origin: url.path)
    }

    /// Every `<folder>/*/results.json`, keyed by experiment id.
    public static func readAll(resultsFolder folder: String) throws -> [String: CommittedResults] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var out: [String: CommittedResults] = [:]
        for id in ids.sorted() { if let r = try read(resultsFolder: folder, experiment: id) { out[r.experiment] = r } }
        return out
    }

    /// The committed verdict of one claim, or nil.
    public func verdict(of claim: String) -> String? { claims.first { $0.id == claim }?.verdict }

    /// "2 reproduced, 1 inconclusive, 3/3 checks passed", as `Evaluation.verdictSummary` words it.
    public var verdictSummary: String {
        let judged = claims.filter { $0.role == ClaimRole.claim.rawValue }
        let counts = Dictionary(grouping: judged, by: \.verdict).mapValues(\.count)
        var parts = Verdict.allCases.compactMap { v in counts[v.rawValue].map { "\($0) \(v.rawValue)" } }
        let checks = claims.filter { $0.role == ClaimRole.sanityCheck.rawValue }
        if !checks.isEmpty {
            parts.append("\(checks.filter { $0.verdict == Verdict.reproduced.rawValue }.count)/\(checks.count) checks passed")
        }
        return parts.joined(separator: ", ")
    }
}

private func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }

/// Any JSON value, kept with its keys sorted when encoded (a preset's config in results.json).
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        // A config's "nan" is already a string (canonicalJSON); a non-finite number cannot occur.
        case .number(let d): if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
