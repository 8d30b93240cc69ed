import Foundation
import ReproKit

/// `results/<id>/results.json`: the verdicts of one experiment's reported run, written beside its
/// page so that tools (and `repro report`, `repro run`'s smoke-test rows) can read them without
/// the store that produced them. Versioned by `schema`; numbers that are not finite are null.
public struct CommittedResults: Codable, Sendable, Equatable {
    public static let currentSchema = 1
    public static let fileName = "results.json"

    public var schema: Int
    public var experiment: String
    public var preset: String
    public var seeds: [UInt64]
    /// The commits the trials ran at ("abc1234", "abc1234-dirty", "unversioned").
    public var commits: [String]
    public var sourceHashes: [String]
    public var claims: [ClaimEntry]

    public struct ClaimEntry: Codable, Sendable, Equatable {
        public var id: String
        public var role: String
        public var measurement: String
        public var interval: String
        /// The interval kind's point estimate, and its 95% interval (null where there is none).
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

    public init(experiment: AnyExperiment, preset: String, runs: SeedRuns, evaluation: Evaluation) {
        schema = Self.currentSchema
        self.experiment = experiment.paper.id
        self.preset = preset
        seeds = runs.seeds
        commits = Array(Set(runs.records.map(\.provenance.versionLabel))).sorted()
        sourceHashes = Array(Set(runs.records.map(\.sourceHash))).sorted()
        func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
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
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, integer or finite Double: encoding cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads `<folder>/<id>/results.json`; nil when there is none. A file of a newer schema, or
    /// one that does not parse, is an error: it must not be silently ignored or overwritten.
    public static func read(resultsFolder folder: String, experiment id: String) throws -> CommittedResults? {
        let url = URL(fileURLWithPath: folder).appending(path: id).appending(path: fileName)
        guard let data = try? Data(contentsOf: url) else { return nil }
        struct Version: Decodable { var schema: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw UsageError("\(url.path): not a results file (no schema field)")
        }
        guard version.schema <= currentSchema else {
            throw UsageError("\(url.path): schema \(version.schema) is newer than this repro reads (\(currentSchema)); update repro")
        }
        return try JSONDecoder().decode(CommittedResults.self, from: data)
    }

    /// The committed verdict of one claim, or nil.
    public func verdict(of claim: String) -> String? { claims.first { $0.id == claim }?.verdict }
}
