import Foundation
import GRDB
import ReproKit

/// What `Store.merge(from:)` did with the rows of another store.
public struct MergeSummary: Sendable, Equatable {
    /// Rows this store did not have, inserted as they were (status, provenance, pid, times).
    public var added = 0
    /// Of those, rows that finished `ok` (new cache hits).
    public var addedOK = 0
    /// Rows this store had as `running` and the other store has finished: brought up to date.
    public var updated = 0
    /// Rows this store already had (merging the same store twice adds nothing).
    public var alreadyPresent = 0
    /// Rows that could not be taken as they are, one reason each (never turned into hits).
    public var skipped: [String] = []

    public init() {}
}

extension Store {
    /// Imports the trials of the store at `path` (another machine's, another user's, or a
    /// SLURM array task's own file) into this one, in one transaction.
    ///
    /// - A row is identified across stores by the facts of its start, which no later update
    ///   changes: cache key, start time, pid and provenance (commit, host, SLURM job…). Merging
    ///   the same store twice, or two stores that share history, adds nothing twice.
    /// - Rows keep their status, provenance, pid, times, error and measurements byte for byte;
    ///   only their row id is new. A `running`, `failed` or `interrupted` row stays what it is,
    ///   so it never becomes a cache hit; an `ok` row without measurements is skipped.
    /// - A row this store holds as `running` that the other store has since finished is
    ///   updated to its final state (a task file merged while its trial ran, then again).
    /// - The other store is opened read-only and never migrated; one written by a newer repro
    ///   (a migration this build does not know) is refused, like opening it.
    @discardableResult
    public func merge(from path: String) throws -> MergeSummary {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.unreadable(path: path, reason: "no such file")
        }
        let here = URL(fileURLWithPath: self.path).resolvingSymlinksInPath().standardizedFileURL
        let there = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL
        if here == there { throw StoreError.unreadable(path: path, reason: "it is the store being merged into") }

        let rows = try Self.readRows(path)
        return try database.write { db in
            var summary = MergeSummary()
            for row in rows {
                if row.status == TrialStatus.ok.rawValue && row.measurements == nil {
                    summary.skipped.append("trial \(row.id ?? -1) (\(row.experiment) seed \(row.seed)): ok without measurements")
                    continue
                }
                var copy = row
                if let existing = try TrialRow
                    .filter(Column("cacheKey") == row.cacheKey && Column("startedAt") == row.startedAt
                            && Column("pid") == row.pid && Column("provenance") == row.provenance)
                    .fetchOne(db) {
                    if existing.status == TrialStatus.running.rawValue && row.status != TrialStatus.running.rawValue {
                        copy.id = existing.id
                        try copy.update(db)
                        summary.updated += 1
                    } else {
                        summary.alreadyPresent += 1
                    }
                    continue
                }
                copy.id = nil
                try copy.insert(db)
                summary.added += 1
                if row.status == TrialStatus.ok.rawValue { summary.addedOK += 1 }
            }
            return summary
        }
    }

    /// Every row of another store, oldest first, checked to decode: read-only, never migrated.
    private static func readRows(_ path: String) throws -> [TrialRow] {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: path, configuration: configuration) } catch {
            throw StoreError.unreadable(path: path, reason: "\(error)")
        }
        do {
            return try queue.read { db in
                guard try db.tableExists("grdb_migrations"), try db.tableExists(TrialRow.databaseTableName) else {
                    throw StoreError.unreadable(path: path, reason: "not a repro result store (no trial table)")
                }
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                try Schema.refuseNewer(applied: applied, path: path)
                let rows = try TrialRow.order(Column("id")).fetchAll(db)
                // Decoding every row first means a damaged store is refused whole, not half merged.
                for row in rows { _ = try row.record() }
                return rows
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreadable(path: path, reason: "\(error)")
        }
    }
}
