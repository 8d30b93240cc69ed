import ArgumentParser
import Foundation
import ReproKit
import ReproProvenance
import ReproRegistry
import ReproReport
import ReproStore

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
        let history = try store.placedHistory(experiment: experiment, limit: limit)
        if json {
            FileHandle.standardOutput.write(JSONReport.document(
                command: "runs", version: ReproVersion.info,
                body: JSONReport.Trials(history.map { JSONReport.TrialEntry($0.record, status: jsonStatus($0)) }),
                extra: ["store": storeOptions.storePath]))
            return
        }
        let rows = history.map { placed in
            let t = placed.record
            return [String(t.id ?? 0), t.experiment, t.preset, String(t.seed), status(placed), formatter.string(from: t.startedAt),
                    t.wallSeconds.map { String(format: "%.1f s", $0) } ?? "-", placed.placement.host ?? "-",
                    t.provenance.versionLabel, String(t.sourceHash.prefix(10))]
        }
        if rows.isEmpty { print("no trials recorded in \(storeOptions.storePath)"); return }
        print(TextTable(header: ["#", "experiment", "preset", "seed", "status", "started", "wall", "host", "commit", "source"], rows: rows).render())
    }

    /// As stored, except a `running` row whose process is gone on this host ("killed") or
    /// that another host wrote ("unknown": its pid means nothing here).
    private func jsonStatus(_ placed: PlacedTrial) -> String {
        guard placed.record.status == .running else { return placed.record.status.rawValue }
        switch Host.liveness(host: placed.placement.host, pid: placed.record.pid) {
        case .alive: return "running"
        case .gone: return "killed"
        case .unknown: return "unknown"
        }
    }

    /// A `running` row: still running, killed (its process is gone), or unknown (on another host).
    private func status(_ placed: PlacedTrial) -> String {
        let t = placed.record
        guard t.status == .running else {
            // The first line of the error (a failed array task's carries its log's tail after it).
            return t.status.rawValue + (t.error.map { ": \($0.prefix { $0 != "\n" }.prefix(60))" } ?? "")
        }
        let job = placed.placement.slurmLabel.map { ", slurm job \($0)" } ?? ""
        switch Host.liveness(host: placed.placement.host, pid: t.pid) {
        case .alive: return "running (pid \(t.pid)\(job))"
        case .gone: return "killed (stale)"
        case .unknown(let host): return "unknown (running on \(host), pid \(t.pid)\(job))"
        }
    }
}
