import ArgumentParser
import Foundation
import ReproKit
import ReproRegistry
import ReproReport
import ReproRunner

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List registered experiments with their last full-run verdicts.",
        discussion: "Verdicts come from the newest complete cached full run (whatever --jobs it ran with), else from "
            + "the committed results/<id>/results.json, marked \"(committed)\".")

    @Flag(name: .long, help: "Print one JSON object (schema 1, docs/json.md) instead of a table.")
    var json = false

    @Option(name: .long, help: "Folder of committed results, read when the store has no run.")
    var results = "results"

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var execution: ExecutionOptions

    func run() throws {
        let store = try storeOptions.open()
        var entries: [JSONReport.ListEntry] = []
        var rows: [[String]] = []
        for e in Registry.all {
            let status: String
            if let run = try Runner.newestCachedRun(e, preset: "full", store: store, preferring: execution.blasThreads) {
                let r = ResultsWriter.committed(experiment: e, preset: "full", trials: run.records)
                entries.append(.init(experiment: e, status: "store", results: r, blasThreads: run.blasThreads))
                status = (r?.verdictSummary ?? "not run")
                    + (run.blasThreads == execution.blasThreads ? "" : " (run with \(run.blasThreads) BLAS thread\(run.blasThreads == 1 ? "" : "s"))")
            } else if let committed = try CommittedResults.read(resultsFolder: results, experiment: e.paper.id) {
                entries.append(.init(experiment: e, status: "committed", results: committed))
                status = "\(committed.verdictSummary) (committed)"
            } else {
                entries.append(.init(experiment: e, status: "not run", results: nil))
                status = "not run"
            }
            rows.append([e.paper.id, e.paper.aliases.joined(separator: ", "), e.paper.title, String(e.paper.year),
                         String(e.claims.count), status])
        }
        if json {
            FileHandle.standardOutput.write(JSONReport.document(command: "list", version: ReproVersion.info,
                                                                body: JSONReport.Listing(entries),
                                                                extra: ["store": storeOptions.storePath]))
            return
        }
        print(TextTable(header: ["id", "aliases", "paper", "year", "claims", "last full run"], rows: rows).render())
    }
}
