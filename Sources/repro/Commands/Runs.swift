import ArgumentParser
import Foundation
import ReproKit
import ReproRegistry
import ReproReport

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Trial history from the store, newest first.")

    @Argument(help: "Only this experiment (id or alias).")
    var id: String?

    @Option(name: .long, help: "How many trials to list.")
    var limit = 50

    @Flag(name: .long, help: "Print one JSON object (schema 1, docs/json.md) instead of a table.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws { guard limit >= 1 else { throw ValidationError("--limit must be at least 1, got \(limit)") } }

    func run() throws {
        let experiment = try id.map { try Registry.experiment(named: $0).paper.id }
        let store = try storeOptions.open()
        let formatter = ISO8601DateFormatter()
        let history = try store.history(experiment: experiment, limit: limit)
        if json {
            FileHandle.standardOutput.write(JSONReport.document(
                command: "runs", version: ReproVersion.info,
                body: JSONReport.Trials(history.map { JSONReport.TrialEntry($0, status: jsonStatus($0)) }),
                extra: ["store": storeOptions.storePath]))
            return
        }
        let rows = history.map { t in
            [String(t.id ?? 0), t.experiment, t.preset, String(t.seed), status(t), formatter.string(from: t.startedAt),
             t.wallSeconds.map { String(format: "%.1f s", $0) } ?? "-", t.provenance.versionLabel,
             String(t.sourceHash.prefix(10))]
        }
        if rows.isEmpty { print("no trials recorded in \(storeOptions.storePath)"); return }
        print(TextTable(header: ["#", "experiment", "preset", "seed", "status", "started", "wall", "commit", "source"], rows: rows).render())
    }

    /// As stored, except a `running` row whose process is gone: "killed".
    private func jsonStatus(_ t: TrialRecord) -> String {
        t.status == .running && kill(t.pid, 0) != 0 ? "killed" : t.status.rawValue
    }

    /// A `running` row whose process is gone was killed: say so.
    private func status(_ t: TrialRecord) -> String {
        guard t.status == .running else { return t.status.rawValue + (t.error.map { ": \($0.prefix(60))" } ?? "") }
        return kill(t.pid, 0) == 0 ? "running (pid \(t.pid))" : "killed (stale)"
    }
}
