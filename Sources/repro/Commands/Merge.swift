import ArgumentParser
import Foundation
import ReproKit
import ReproStore

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import the trials of stores written elsewhere (another machine, another user) into this store.",
        discussion: """
        Rows keep their status and provenance (commit, host, SLURM job); only `ok` rows are cache hits, \
        so a failed, interrupted or running row never becomes one. A row already here (same cache key, \
        start time, pid and provenance) is not added again: merging twice adds nothing. The other \
        stores are only read; one written by a newer repro is refused.
        """)

    @Argument(help: "Stores to import (SQLite files written by repro).")
    var stores: [String] = []

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if stores.isEmpty { throw ValidationError("name at least one store to merge from") }
    }

    func run() throws {
        let store = try storeOptions.open()
        for path in stores {
            let s = try store.merge(from: path)
            print("\(path): \(s.added) trial(s) added (\(s.addedOK) ok), \(s.updated) updated, \(s.alreadyPresent) already present")
            for reason in s.skipped { print("  skipped \(reason)") }
        }
    }
}
