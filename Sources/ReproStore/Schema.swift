import Foundation
import GRDB
import ReproKit

/// Schema history. Append migrations; never edit one that has shipped.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-trials") { db in
            try db.create(table: "trial") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("cacheKey", .text).notNull().indexed()
                t.column("experiment", .text).notNull().indexed()
                t.column("preset", .text).notNull()
                t.column("config", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("sourceHash", .text).notNull()
                t.column("blasThreads", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("finishedAt", .datetime)
                t.column("wallSeconds", .double)
                t.column("cpuSeconds", .double)
                t.column("peakMemoryBytes", .integer)
                t.column("provenance", .text).notNull()
                t.column("error", .text)
                t.column("measurements", .text)
                t.column("pid", .integer).notNull()
            }
        }
        return m
    }

    /// A store whose history holds a migration we do not know was written by a newer repro:
    /// reading it could misread columns whose meaning changed, so it is refused.
    static func refuseNewer(applied: some Sequence<String>, path: String) throws {
        let known = Set(migrator.migrations)
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw StoreError.newerSchema(path: path, migration: unknown)
        }
    }
}

/// A `trial` row. Provenance and measurements are stored as JSON text.
struct TrialRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "trial"
    var id: Int64?
    var cacheKey: String
    var experiment: String
    var preset: String
    var config: String
    var seed: Int64
    var sourceHash: String
    var blasThreads: Int
    var status: String
    var startedAt: Date
    var finishedAt: Date?
    var wallSeconds: Double?
    var cpuSeconds: Double?
    var peakMemoryBytes: Int64?
    var provenance: String
    var error: String?
    var measurements: String?
    var pid: Int32

    init(_ r: TrialRecord, placement: Placement = Placement()) throws {
        id = r.id; cacheKey = r.cacheKey; experiment = r.experiment; preset = r.preset; config = r.config
        seed = Int64(bitPattern: r.seed); sourceHash = r.sourceHash; blasThreads = r.blasThreads
        status = r.status.rawValue; startedAt = r.startedAt; finishedAt = r.finishedAt
        wallSeconds = r.wallSeconds; cpuSeconds = r.cpuSeconds; peakMemoryBytes = r.peakMemoryBytes
        provenance = canonicalJSON(StoredProvenance(provenance: r.provenance, placement: placement)); error = r.error
        measurements = r.measurements.map { canonicalJSON($0) }; pid = r.pid
    }

    func record() throws -> TrialRecord {
        let decoder = JSONDecoder()
        guard let status = TrialStatus(rawValue: status) else {
            throw StoreError.unreadable(path: "trial \(id ?? -1)", reason: "unknown status '\(self.status)'")
        }
        return TrialRecord(
            id: id, cacheKey: cacheKey, experiment: experiment, preset: preset, config: config,
            seed: UInt64(bitPattern: seed), sourceHash: sourceHash, blasThreads: blasThreads, status: status,
            startedAt: startedAt, finishedAt: finishedAt, wallSeconds: wallSeconds, cpuSeconds: cpuSeconds,
            peakMemoryBytes: peakMemoryBytes,
            provenance: try decoder.decode(Provenance.self, from: Data(provenance.utf8)), error: error,
            measurements: try measurements.map { try decoder.decode(Measurements.self, from: Data($0.utf8)) },
            pid: pid)
    }

    /// The columns a trial's end changes; its identity and provenance were written at its start.
    static let outcomeColumns = ["status", "finishedAt", "wallSeconds", "cpuSeconds", "peakMemoryBytes", "error", "measurements"]

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
