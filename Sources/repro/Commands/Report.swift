import ArgumentParser
import Foundation
import ReproKit
import ReproRegistry
import ReproReport
import ReproRunner

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write results/ from the cached full runs (used by `make all-results`).")

    @Option(name: .long, help: "Output folder.")
    var output = "results"

    @Option(name: .long, help: "Preset to report.")
    var preset = "full"

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var execution: ExecutionOptions

    func validate() throws { try PresetName.validate(preset) }

    func run() throws {
        let store = try storeOptions.open()
        let fm = FileManager.default
        var entries: [(experiment: AnyExperiment, preset: String, trials: [TrialRecord])] = []
        var committed: [String: CommittedResults] = [:]
        var everyResult: [CommittedResults] = []
        for e in Registry.all {
            let run = try Runner.newestCachedRun(e, preset: preset, store: store, preferring: execution.blasThreads)
            let trials = run?.records ?? []
            entries.append((e, preset, trials))
            guard !trials.isEmpty else {
                // Keep what is committed: the folder is left alone and the scoreboard reuses its verdicts.
                let old = try CommittedResults.read(resultsFolder: output, experiment: e.paper.id)
                committed[e.paper.id] = old
                if let old {
                    everyResult.append(old)
                    // Its tidy tables follow its results.json (they may predate them).
                    try write(ResultsWriter.overallFiles([old]).mapKeys { "\(e.paper.id)/\($0)" })
                }
                let kept = old.map { " (kept its committed \($0.preset) results from \($0.commits.joined(separator: ", ")))" } ?? ""
                FileHandle.standardError.write(Data("repro: \(e.paper.id): no complete cached \(preset) run\(kept); run `repro run \(e.paper.id) --preset \(preset)`\n".utf8))
                continue
            }
            // Rewrite the experiment's folder whole, so files of removed series do not linger.
            let folder = URL(fileURLWithPath: output).appending(path: e.paper.id)
            try? fm.removeItem(at: folder)
            try write(ResultsWriter.experimentFiles(experiment: e, preset: preset, trials: trials))
            if let r = ResultsWriter.committed(experiment: e, preset: preset, trials: trials) { everyResult.append(r) }
            if let run, run.blasThreads != execution.blasThreads {
                FileHandle.standardError.write(Data("repro: \(e.paper.id): using the cached run with \(run.blasThreads) BLAS thread(s)\n".utf8))
            }
        }
        try write(ResultsWriter.overallFiles(everyResult))
        try write(["README.md": ResultsWriter.scoreboard(entries, committed: committed)])
        print("wrote \(output)/ (\(entries.filter { !$0.trials.isEmpty }.count) of \(entries.count) experiments from the store"
              + (committed.isEmpty ? "" : ", \(committed.count) kept as committed") + ")")
    }

    private func write(_ files: [String: String]) throws {
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let url = URL(fileURLWithPath: output).appending(path: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(text, to: url)
        }
    }
}

extension Dictionary {
    func mapKeys<K: Hashable>(_ f: (Key) -> K) -> [K: Value] {
        Dictionary<K, Value>(uniqueKeysWithValues: map { (f($0.key), $0.value) })
    }
}
