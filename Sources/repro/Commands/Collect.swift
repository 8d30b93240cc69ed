import ArgumentParser
import Foundation
import ReproKit
import ReproRegistry
import ReproReport
import ReproRunner
import ReproStore

struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge a SLURM run's results into the store, waiting for its job unless --no-wait.",
        discussion: """
        A run folder is what `repro run --executor slurm` wrote beside the store (its path is printed \
        at submission). Each finished array task's own SQLite file is merged into the store the run \
        was planned against (--store to choose another); a task that ended without a result is \
        recorded as failed with the tail of its log. Collecting twice merges nothing twice. Without \
        squeue on PATH (a copy of the run folder on another machine), the tasks that have finished \
        are merged. Exit 0 when every trial is ok, 1 when one failed or is not finished.
        """)

    @Argument(help: "Run folders (paths, or names under <store folder>/runs/). Default: every run not yet collected.")
    var runs: [String] = []

    @Flag(name: .long, help: "Merge what has finished and return, without waiting for the rest.")
    var noWait = false

    @Flag(name: .long, help: "Print one JSON object (schema 1, docs/json.md) instead of tables.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let folders = runs.isEmpty
            ? RunFolder.uncollected(store: storeOptions.storePath)
            : try runs.map { try RunFolder.find($0, store: storeOptions.storePath) }
        if folders.isEmpty {
            if json { RunSummary.printDocument(command: "collect", entries: [], extra: ["store": storeOptions.storePath]); return }
            print("nothing to collect: no run folder under \(RunFolder.runsDirectory(store: storeOptions.storePath).path) that is not collected yet")
            return
        }
        Cancellation.installSignalHandlers()
        var failed = false
        var entries: [JSONReport.ExperimentEntry] = []
        var extra: [String: [String]] = [:]
        for folder in folders {
            let manifest = try folder.readManifest()
            let storePath = storeOptions.store ?? manifest.store
            let store = try Store(path: storePath)
            if !json { FileHandle.standardError.write(Data("collecting \(folder.path) into \(storePath)\n".utf8)) }
            let collected = try ClusterRun.collect(folder, into: store, wait: !noWait, progress: ProgressReporter(quiet: json))
            var ids: [String] = []
            for t in manifest.trials where !ids.contains(t.experiment) { ids.append(t.experiment) }
            let experiments = try ids.map { try Registry.experiment(named: $0) }
            let expected = Dictionary(grouping: manifest.trials, by: \.experiment).mapValues(\.count)
            let summary = RunSummary(preset: manifest.preset, json: json).report(experiments, outcomes: collected.outcomes, expected: expected)
            failed = summary.failed || failed
            entries += summary.entries
            for (key, value) in [("store", storePath), ("job", collected.job), ("runFolder", folder.path), ("preset", manifest.preset)]
            where extra[key]?.contains(value) != true {
                extra[key, default: []].append(value)
            }
            if collected.unfinished > 0 && !json {
                print("\n\(collected.unfinished) array task(s) of job \(collected.job) not finished yet: `repro collect \(folder.path)` again later")
            }
            if Cancellation.requested { break }
        }
        if json {
            RunSummary.printDocument(command: "collect", entries: entries, extra: extra.mapValues { $0.joined(separator: ",") })
        }
        if Cancellation.requested { throw ExitCode(130) }
        if failed { throw ExitCode.failure }
    }
}
