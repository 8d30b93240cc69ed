import Foundation
import ReproKit
import ReproReport
import ReproRunner

/// What `repro run` prints after its trials — the same whether they ran here or on a cluster
/// (`repro collect` prints it too): claims tables, or the entries of one JSON object.
struct RunSummary {
    var preset: String
    var json: Bool

    /// Prints the claims tables (with `json`, nothing: the entries come back for one document).
    /// `expected`: how many trials each experiment planned (fewer outcomes is a failure: a
    /// cancelled run, or array tasks not finished yet).
    func report(_ experiments: [AnyExperiment], outcomes: [TrialOutcome], expected: [String: Int])
        -> (failed: Bool, entries: [JSONReport.ExperimentEntry]) {
        var failed = false
        var entries: [JSONReport.ExperimentEntry] = []
        for e in experiments {
            let mine = outcomes.filter { $0.record.experiment == e.paper.id }
            failed = failed || mine.count < (expected[e.paper.id] ?? 0) || mine.contains { $0.record.status != .ok }
            if json {
                entries.append(JSONReport.runEntry(experiment: e, preset: preset, trials: mine.map { ($0.record, $0.cached) }))
            } else {
                printClaims(e, mine)
            }
        }
        return (failed, entries)
    }

    /// One object whatever the number of experiments (or run folders).
    static func printDocument(command: String, entries: [JSONReport.ExperimentEntry], extra: [String: String]) {
        FileHandle.standardOutput.write(JSONReport.document(command: command, version: ReproVersion.info,
                                                            body: JSONReport.Experiments(entries), extra: extra))
    }

    private func printClaims(_ e: AnyExperiment, _ outcomes: [TrialOutcome]) {
        let ok = outcomes.filter { $0.record.status == .ok }.compactMap(\.record.measurements)
        let cached = outcomes.filter(\.cached).count
        print("\n\(e.paper.id) — \(e.paper.title) (\(e.paper.year)) · preset \(preset) · \(ok.count) seed(s), \(cached) cached")
        for o in outcomes where o.record.status != .ok {
            print("  seed \(o.record.seed): \(o.record.status.rawValue): \(o.record.error ?? "")")
        }
        guard !ok.isEmpty else { return }
        print(ClaimsTable.terminal(Evaluation(claims: e.claims, trials: ok).claims, preset: preset,
                                   committed: try? CommittedResults.read(resultsFolder: "results", experiment: e.paper.id)))
    }
}
