import Foundation
import GRDB
import ReproKit
import ReproStore
import ReproTestSupport
import Testing

/// `Store.merge(from:)`: stores written on other machines (or by SLURM array tasks) imported
/// by row identity, keeping provenance, never turning a non-`ok` row into a cache hit.
@Suite struct MergeTests {
    static func record(key: String, seed: UInt64 = 1, status: TrialStatus, pid: Int32, at seconds: Double) -> TrialRecord {
        var r = TrialRecord(cacheKey: key, experiment: "e", preset: "quick", config: "{}", seed: seed, sourceHash: "h",
                            blasThreads: 1, status: status, startedAt: Date(timeIntervalSince1970: seconds),
                            provenance: StoreTests.provenance, pid: pid)
        if status == .ok { var m = Measurements(); m.record("x", Double(seed)); r.measurements = m }
        if status == .failed { r.error = "boom" }
        return r
    }

    /// Writes `records` as finished rows (begin, then finish) on `host`.
    static func write(_ records: [TrialRecord], to store: Store, host: String, job: String? = nil) throws {
        for var r in records {
            let final = r.status
            r.status = .running
            r.id = try store.begin(r, placement: Placement(host: host, slurmJob: job, slurmArrayIndex: job == nil ? nil : 0))
            if final != .running { r.status = final; try store.finish(r) }
        }
    }

    @Test func unionOfTwoHostsWithoutDuplicates() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let a = try Store(path: dir.path + "/a.sqlite"), b = try Store(path: dir.path + "/b.sqlite")
        try Self.write([Self.record(key: "k1", status: .ok, pid: 10, at: 1),
                        Self.record(key: "k2", seed: 2, status: .failed, pid: 10, at: 2)], to: a, host: "alpha")
        // Same cache key k1 on another host: another run of the trial, a row of its own.
        try Self.write([Self.record(key: "k1", status: .ok, pid: 10, at: 1),
                        Self.record(key: "k3", seed: 3, status: .ok, pid: 11, at: 3),
                        Self.record(key: "k4", seed: 4, status: .running, pid: 12, at: 4),
                        Self.record(key: "k5", seed: 5, status: .interrupted, pid: 12, at: 5)], to: b, host: "beta", job: "77")

        let first = try a.merge(from: b.path)
        #expect(first.added == 4 && first.addedOK == 2 && first.alreadyPresent == 0 && first.updated == 0)
        #expect(try a.count() == 6)
        let again = try a.merge(from: b.path)
        #expect(again.added == 0 && again.alreadyPresent == 4, "merging twice adds nothing")
        #expect(try a.count() == 6)

        // Provenance and placement kept, byte for byte; only ok rows are hits.
        let rows = try a.all()
        let fromBeta = rows.filter { $0.placement.host == "beta" }
        #expect(fromBeta.count == 4 && fromBeta.allSatisfy { $0.placement.slurmLabel == "77_0" })
        #expect(fromBeta.allSatisfy { $0.record.provenance == StoreTests.provenance })
        #expect(try a.cached(key: "k3")?.measurements?.scalars["x"]?.value == 3)
        #expect(try a.cached(key: "k4") == nil && a.cached(key: "k5") == nil && a.cached(key: "k2") == nil)
        #expect(fromBeta.first { $0.record.cacheKey == "k4" }?.record.status == .running)

        // Merging a's union back into b adds only what b lacked.
        let back = try b.merge(from: a.path)
        #expect(back.added == 2 && back.alreadyPresent == 4)
    }

    /// A row merged while `running` (a task file read mid-trial) is brought up to date later.
    @Test func runningRowIsUpdatedWhenItFinishes() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let main = try Store(path: dir.path + "/main.sqlite")
        let task = try Store(path: dir.path + "/task.sqlite", sharing: .singleWriter)
        var r = Self.record(key: "k", status: .running, pid: 5, at: 1)
        r.id = try task.begin(r, placement: Placement(host: "node7"))
        #expect(try main.merge(from: task.path).added == 1)
        #expect(try main.cached(key: "k") == nil)
        r.status = .ok; var m = Measurements(); m.record("x", 1); r.measurements = m
        try task.finish(r)
        let later = try main.merge(from: task.path)
        #expect(later.updated == 1 && later.added == 0)
        #expect(try main.count() == 1 && main.cached(key: "k") != nil)
        // A final row is never overwritten by a merge.
        #expect(try main.merge(from: task.path).alreadyPresent == 1)
    }

    @Test func refusesNewerSchemaItselfAndGarbage() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let main = try Store(path: dir.path + "/main.sqlite")
        let newer = dir.path + "/newer.sqlite"
        try Self.write([Self.record(key: "k", status: .ok, pid: 1, at: 1)], to: try Store(path: newer), host: "h")
        let queue = try DatabaseQueue(path: newer)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        do {
            try main.merge(from: newer)
            Issue.record("a store of a newer schema must be refused")
        } catch let error as StoreError {
            #expect(error.description.contains("newer repro"))
        }
        #expect(try main.count() == 0)
        #expect(throws: StoreError.self) { try main.merge(from: main.path) }
        let garbage = dir.path + "/garbage.sqlite"
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect(throws: StoreError.self) { try main.merge(from: garbage) }
        #expect(throws: StoreError.self) { try main.merge(from: dir.path + "/missing.sqlite") }
    }

    /// An `ok` row without measurements (a damaged or hand-edited store) is not imported as a hit.
    @Test func okWithoutMeasurementsIsSkipped() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let main = try Store(path: dir.path + "/main.sqlite")
        let other = dir.path + "/other.sqlite"
        try Self.write([Self.record(key: "k", status: .ok, pid: 1, at: 1)], to: try Store(path: other), host: "h")
        let queue = try DatabaseQueue(path: other)
        try queue.write { db in try db.execute(sql: "UPDATE trial SET measurements = NULL") }
        let summary = try main.merge(from: other)
        #expect(summary.added == 0 && summary.skipped.count == 1)
        #expect(try main.cached(key: "k") == nil)
    }

    /// Rows written before hosts were recorded read as host nil; finishing keeps the placement.
    @Test func placementSurvivesFinishAndOldRowsHaveNone() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path + "/s.sqlite")
        var r = Self.record(key: "k", status: .running, pid: 1, at: 1)
        r.id = try store.begin(r)
        #expect(try store.all().first?.placement == Placement())
        var s = Self.record(key: "j", status: .running, pid: 1, at: 2)
        s.id = try store.begin(s, placement: Placement(host: "h", slurmJob: "9", slurmArrayIndex: 2))
        s.status = .ok; var m = Measurements(); m.record("x", 1); s.measurements = m
        try store.finish(s)
        #expect(try store.all().last?.placement == Placement(host: "h", slurmJob: "9", slurmArrayIndex: 2))
    }
}
