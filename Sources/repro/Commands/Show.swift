import ArgumentParser
import Foundation
import ReproKit
import ReproRegistry
import ReproReport
import ReproRunner

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an experiment's latest cached results and their provenance.",
        discussion: "The newest complete cached run is used whatever --jobs (BLAS thread count) it ran with. "
            + "Without one, the committed results/<id>/results.json is shown, marked as committed.")

    @Argument(help: "Experiment id or alias.")
    var id: String

    @Option(name: .long, help: "Preset to show (default: full if it is cached, else quick).")
    var preset: String?

    @Flag(name: .long, help: "Print one JSON object (schema 1, docs/json.md) instead of tables.")
    var json = false

    @Option(name: .long, help: "Folder of committed results, read when the store has no run.")
    var results = "results"

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var execution: ExecutionOptions

    func validate() throws { if let preset { try PresetName.validate(preset) } }

    func run() throws {
        let e = try Registry.experiment(named: id)
        let store = try storeOptions.open()
        let candidates = preset.map { [$0] } ?? ["full", "quick"]
        var found: (preset: String, run: Runner.CachedRun)?
        for p in candidates {
            if let run = try Runner.newestCachedRun(e, preset: p, store: store, preferring: execution.blasThreads) {
                found = (p, run); break
            }
        }
        let committed = try CommittedResults.read(resultsFolder: results, experiment: e.paper.id)
        if json {
            let entry: JSONReport.ExperimentEntry
            if let found {
                entry = .init(id: e.paper.id, title: e.paper.title, source: "store", blasThreads: found.run.blasThreads,
                              results: ResultsWriter.committed(experiment: e, preset: found.preset, trials: found.run.records),
                              trials: found.run.records.map { JSONReport.TrialEntry($0) })
            } else if let committed, preset == nil || preset == committed.preset {
                entry = .init(id: e.paper.id, title: e.paper.title, source: "committed", results: committed,
                              note: "no complete cached run in the store; results/\(e.paper.id)/results.json")
            } else {
                entry = .init(id: e.paper.id, title: e.paper.title, source: "none", results: nil, note: "no complete cached run")
            }
            FileHandle.standardOutput.write(JSONReport.document(command: "show", version: ReproVersion.info,
                                                                body: JSONReport.Experiments([entry]),
                                                                extra: ["store": storeOptions.storePath]))
            return
        }
        print("\(e.paper.id) — \(e.paper.title)")
        print("\(e.paper.authors) (\(e.paper.year)) \(e.paper.url)")
        if !e.paper.aliases.isEmpty { print("aliases: \(e.paper.aliases.joined(separator: ", "))") }
        print("source hash: \(e.sourceHash)")
        guard let (p, run) = found else {
            print("\nno complete cached run\(preset.map { " of preset \($0)" } ?? ""): run `repro run \(e.paper.id)\(preset.map { " --preset \($0)" } ?? "")`")
            if let committed, preset == nil || preset == committed.preset {
                print("\ncommitted \(committed.preset) results (results/\(e.paper.id)/results.json, \(committed.seeds.count) seeds, "
                      + "\(committed.commits.joined(separator: "; "))): \(committed.verdictSummary)")
                let rows = committed.claims.map { c in
                    [c.id, c.paperValue, c.ours, c.interval, ClaimsTable.verdict(c.verdict, role: c.role) + " (committed)"]
                }
                print(TextTable(header: ["claim", "paper", "ours", "interval", "verdict"], rows: rows,
                                alignments: [.left, .left, .right, .left, .left]).render())
            }
            return
        }
        let trials = run.records
        let threadNote = run.blasThreads == execution.blasThreads ? "" : " (found with \(run.blasThreads) BLAS thread\(run.blasThreads == 1 ? "" : "s"); this --jobs would use \(execution.blasThreads))"
        print("\npreset \(p), \(trials.count) seed(s)\(threadNote):")
        print(ClaimsTable.terminal(Evaluation(claims: e.claims, trials: trials.compactMap(\.measurements)).claims, preset: p,
                                   committed: committed))
        print("\nprovenance:")
        let rows = trials.map { t in
            [String(t.seed), t.provenance.versionLabel, t.provenance.diffHash.map { String($0.prefix(10)) } ?? "-",
             t.wallSeconds.map { String(format: "%.1f s", $0) } ?? "-",
             t.peakMemoryBytes.map { "\($0 / 1_048_576) MiB" } ?? "-", String(t.blasThreads)]
        }
        print(TextTable(header: ["seed", "commit", "diff", "wall", "peak mem", "BLAS threads"], rows: rows).render())
        if let first = trials.first {
            print("toolchain: \(first.provenance.toolchain); OS: \(first.provenance.os)")
            print("CPU: \(first.provenance.cpu); BLAS: \(first.provenance.blas)")
        }
    }
}
