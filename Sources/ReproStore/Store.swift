import Foundation
import GRDB
import ReproKit

/// The trial cache and run history, in one SQLite file.
///
/// Concurrency model: a GRDB `DatabasePool` (WAL mode) with a busy timeout, so several `repro`
/// processes can read while one writes and writers queue instead of failing. Every write is a
/// single short transaction (insert a `running` row; later update it to its final status with
/// its measurements), so a process killed at any point leaves either no row or a `running`
/// row — never an `ok` row without measurements. Only `ok` rows are cache hits.
///
/// WAL needs memory shared by every process that opens the file, so it is for one machine.
/// A file on a network filesystem (a SLURM array task's own result file) is opened with
/// `.singleWriter`: one connection, SQLite's rollback journal, written by one process and read
/// once it has finished. Such files reach the shared store through `merge(from:)`.
///
/// Schema changes are named migrations (`Schema.migrator`), applied once, in a transaction.
/// A store written by a newer repro (unknown migrations) is refused with a clear error.
public final class Store: Sendable {
    /// How a store file is shared.
    public enum Sharing: Sendable {
        /// Several processes on this machine at once (WAL, busy timeout): the result store.
        case processes
        /// One process at a time, rollback journal: files on a network filesystem.
        case singleWriter
    }

    private let writer: any DatabaseWriter
    public let path: String

    public init(path: String, sharing: Sharing = .processes) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        switch sharing {
        case .processes:
            // Creating the file (PRAGMA journal_mode = WAL, for which SQLite never calls the busy
            // handler) and migrating are not safe to race between processes: two `repro run`s
            // started at once on a new store saw SQLITE_BUSY and "table trial already exists".
            // An exclusive advisory lock on a sibling file serialises just this part; once open,
            // WAL and the busy timeout handle concurrency.
            let lock = try StoreLock(path: path + ".lock")
            defer { lock.release() }
            do { writer = try DatabasePool(path: path, configuration: configuration) } catch {
                throw StoreError.unreadable(path: path, reason: "\(error)")
            }
            try Self.migrate(writer, path: path)
        case .singleWriter:
            do { writer = try DatabaseQueue(path: path, configuration: configuration) } catch {
                throw StoreError.unreadable(path: path, reason: "\(error)")
            }
            try Self.migrate(writer, path: path)
        }
    }

    private static func migrate(_ writer: any DatabaseWriter, path: String) throws {
        let migrator = Schema.migrator
        let applied = try writer.read { db in try migrator.appliedIdentifiers(db) }
        try Schema.refuseNewer(applied: applied, path: path)
        do { try migrator.migrate(writer) } catch { throw StoreError.unreadable(path: path, reason: "\(error)") }
    }

    /// The newest `ok` trial with this cache key, if any.
    public func cached(key: String) throws -> TrialRecord? {
        try writer.read { db in
            try TrialRow.filter(Column("cacheKey") == key && Column("status") == TrialStatus.ok.rawValue)
                .order(Column("id").desc).fetchOne(db)?.record()
        }
    }

    /// The newest row with this cache key, whatever its status.
    public func newest(key: String) throws -> TrialRecord? {
        try writer.read { db in
            try TrialRow.filter(Column("cacheKey") == key).order(Column("id").desc).fetchOne(db)?.record()
        }
    }

    /// Records that a trial has started (on the host and SLURM job of `placement`); returns
    /// its row id.
    public func begin(_ record: TrialRecord, placement: Placement = Placement()) throws -> Int64 {
        try writer.write { db in
            var row = try TrialRow(record, placement: placement)
            try row.insert(db)
            return db.lastInsertedRowID
        }
    }

    /// Records a trial's outcome: status, timings, measurements or error, in one transaction.
    /// Its identity, start and provenance stay as `begin` wrote them.
    public func finish(_ record: TrialRecord) throws {
        guard record.id != nil else { preconditionFailure("finish needs a record from begin") }
        try writer.write { db in try TrialRow(record).update(db, columns: TrialRow.outcomeColumns) }
    }

    /// History, newest first; all experiments when `experiment` is nil.
    public func history(experiment: String? = nil, limit: Int = 200) throws -> [TrialRecord] {
        try placedHistory(experiment: experiment, limit: limit).map(\.record)
    }

    /// History with where each trial ran, newest first.
    public func placedHistory(experiment: String? = nil, limit: Int = 200) throws -> [PlacedTrial] {
        try writer.read { db in
            var request = TrialRow.order(Column("id").desc).limit(limit)
            if let experiment { request = request.filter(Column("experiment") == experiment) }
            return try request.fetchAll(db).map {
                PlacedTrial(record: try $0.record(), placement: StoredProvenance.placement(from: $0.provenance))
            }
        }
    }

    /// Every row, oldest first, with where it ran.
    public func all() throws -> [PlacedTrial] {
        try writer.read { db in
            try TrialRow.order(Column("id")).fetchAll(db).map {
                PlacedTrial(record: try $0.record(), placement: StoredProvenance.placement(from: $0.provenance))
            }
        }
    }

    /// Every row (tests and diagnostics).
    public func count() throws -> Int { try writer.read { db in try TrialRow.fetchCount(db) } }

    /// The database connection, for `merge(from:)`.
    var database: any DatabaseWriter { writer }
}

public enum StoreError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case newerSchema(path: String, migration: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot open result store \(path): \(reason)"
        case .newerSchema(let path, let m):
            "result store \(path) was written by a newer repro (unknown migration '\(m)'); use a newer repro or another --store"
        }
    }
}

/// An exclusive `flock` on a file, held from init to `release()`.
private struct StoreLock {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else {
            throw StoreError.unreadable(path: path, reason: "cannot create lock file (errno \(errno))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw StoreError.unreadable(path: path, reason: "cannot lock (errno \(errno))")
            }
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
