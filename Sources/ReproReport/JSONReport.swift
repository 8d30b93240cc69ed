import Foundation
import ReproKit
import ReproStats

/// The `--json` documents of `repro run`, `show`, `list` and `runs`: always one object with a
/// `schema` version and the `command` that wrote it, never an array. Numbers are JSON numbers
/// or null (a non-finite value is null with its reason beside it), never strings. An
/// experiment's results are the same object as `results/<id>/results.json`
/// (`CommittedResults`). Pretty-printed with sorted keys, so equal inputs give equal bytes.
/// docs/json.md documents every field.
public enum JSONReport {
    public static let schema = 1

    /// One experiment in a `run` or `show` document.
    public struct ExperimentEntry: Codable, Sendable {
        public var id: String
        public var title: String
        /// "run" (this command ran or reused the trials), "store" (a complete cached run),
        /// "committed" (results/<id>/results.json; the store has no run) or "none".
        public var source: String
        /// The BLAS thread count of the stored trials (part of their cache key), when from the store.
        public var blasThreads: Int?
        public var results: CommittedResults?
        public var trials: [TrialEntry]?
        public var note: String?

        public init(id: String, title: String, source: String, blasThreads: Int? = nil, results: CommittedResults?,
                    trials: [TrialEntry]? = nil, note: String? = nil) {
            self.id = id; self.title = title; self.source = source; self.blasThreads = blasThreads
            self.results = results; self.trials = trials; self.note = note
        }
    }

    /// One stored trial (a `trial` row of the store, its JSON columns unpacked).
    public struct TrialEntry: Codable, Sendable {
        public var id: Int64?
        public var experiment: String
        public var preset: String
        public var seed: UInt64
        public var status: String
        /// With `repro run`: taken from the cache rather than computed.
        public var cached: Bool?
        public var commit, branch: String?
        public var dirty: Bool
        public var diffHash: String?
        public var sourceHash: String
        public var blasThreads: Int
        public var startedAt: String
        public var finishedAt: String?
        public var wallSeconds, cpuSeconds: Double?
        public var peakMemoryBytes: Int64?
        public var toolchain, os, cpu, blas: String
        public var error: String?
        public var cacheKey: String

        public init(_ r: TrialRecord, cached: Bool? = nil, status: String? = nil) {
            id = r.id; experiment = r.experiment; preset = r.preset; seed = r.seed
            self.status = status ?? r.status.rawValue; self.cached = cached
            commit = r.provenance.commit; branch = r.provenance.branch; dirty = r.provenance.dirty
            diffHash = r.provenance.diffHash; sourceHash = r.sourceHash; blasThreads = r.blasThreads
            startedAt = JSONReport.timestamp(r.startedAt); finishedAt = r.finishedAt.map(JSONReport.timestamp)
            wallSeconds = r.wallSeconds.flatMap { $0.isFinite ? $0 : nil }
            cpuSeconds = r.cpuSeconds.flatMap { $0.isFinite ? $0 : nil }
            peakMemoryBytes = r.peakMemoryBytes
            toolchain = r.provenance.toolchain; os = r.provenance.os; cpu = r.provenance.cpu; blas = r.provenance.blas
            error = r.error; cacheKey = r.cacheKey
        }
    }

    /// One registered experiment in a `list` document.
    public struct ListEntry: Codable, Sendable {
        public var id: String
        public var aliases: [String]
        public var title: String
        public var authors: String
        public var year: Int
        public var url: String
        public var claims: Int
        /// "store" (a complete cached full run), "committed" (results/<id>/results.json) or "not run".
        public var status: String
        public var preset: String?
        public var seeds: Int?
        public var blasThreads: Int?
        public var commits: [String]?
        /// Claim verdicts by role: {"claim": {"reproduced": 2, …}, "sanity check": {…}, "control": {…}}.
        public var verdicts: [String: [String: Int]]?
        public var summary: String?

        public init(experiment: AnyExperiment, status: String, results: CommittedResults?, blasThreads: Int? = nil) {
            let p = experiment.paper
            id = p.id; aliases = p.aliases; title = p.title; authors = p.authors; year = p.year; url = p.url
            claims = experiment.claims.count; self.status = status; self.blasThreads = blasThreads
            preset = results?.preset; seeds = results?.seeds.count; commits = results?.commits
            verdicts = results.map { r in
                Dictionary(grouping: r.claims, by: \.role).mapValues { Dictionary(grouping: $0, by: \.verdict).mapValues(\.count) }
            }
            summary = results?.verdictSummary
        }
    }

    struct Document<Body: Encodable>: Encodable {
        var schema = JSONReport.schema
        var command: String
        var repro: VersionInfo
        var body: Body
        var extra: [String: String]

        enum Keys: String, CodingKey { case schema, command, repro }
        struct Dynamic: CodingKey {
            var stringValue: String
            init(_ s: String) { stringValue = s }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(schema, forKey: .schema)
            try c.encode(command, forKey: .command)
            try c.encode(repro, forKey: .repro)
            var d = encoder.container(keyedBy: Dynamic.self)
            for (k, v) in extra { try d.encode(v, forKey: Dynamic(k)) }
            try body.encode(to: encoder)
        }
    }

    /// `{"schema": 1, "command": …, "repro": {version…}, <fields of body>, <extra string fields>}`.
    public static func document<Body: Encodable>(command: String, version: VersionInfo, body: Body, extra: [String: String] = [:]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Bodies hold strings, integers, Bools and finite Doubles only (non-finite values are null).
        return try! encoder.encode(Document(command: command, repro: version, body: body, extra: extra)) + Data("\n".utf8)
    }

    public struct Experiments: Encodable {
        public var experiments: [ExperimentEntry]
        public init(_ e: [ExperimentEntry]) { experiments = e }
    }

    public struct Listing: Encodable {
        public var experiments: [ListEntry]
        public init(_ e: [ListEntry]) { experiments = e }
    }

    public struct Trials: Encodable {
        public var trials: [TrialEntry]
        public init(_ t: [TrialEntry]) { trials = t }
    }

    /// An experiment's trials as `repro run` saw them: results from the `ok` ones, every trial listed.
    public static func runEntry(experiment: AnyExperiment, preset: String, trials: [(record: TrialRecord, cached: Bool)]) -> ExperimentEntry {
        let results = ResultsWriter.committed(experiment: experiment, preset: preset, trials: trials.map(\.record))
        let sorted = trials.sorted { SeedRuns.recordOrder($0.record, $1.record) }
        return ExperimentEntry(id: experiment.paper.id, title: experiment.paper.title, source: "run",
                               blasThreads: trials.first?.record.blasThreads, results: results,
                               trials: sorted.map { TrialEntry($0.record, cached: $0.cached) },
                               note: results == nil ? "no trial finished" : nil)
    }

    /// ISO 8601 in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        date.ISO8601Format()
    }
}

/// What `repro --version` prints, and every `--json` document carries.
public struct VersionInfo: Codable, Sendable, Equatable {
    public var version: String
    /// The commit the binary was built from, with "-dirty" when the tree had uncommitted changes;
    /// nil outside a git checkout.
    public var commit: String?
    public var dirty: Bool?
    public var toolchain: String

    public init(version: String, commit: String?, dirty: Bool?, toolchain: String) {
        self.version = version; self.commit = commit; self.dirty = dirty; self.toolchain = toolchain
    }

    public var text: String {
        "repro \(version)\ncommit: \(commit.map { $0 + (dirty == true ? "-dirty" : "") } ?? "unknown (not built from a git checkout)")\ntoolchain: \(toolchain)\n"
    }
}
