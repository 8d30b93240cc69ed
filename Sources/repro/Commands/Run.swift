import ArgumentParser
import Foundation
import ReproKit
import ReproReport
import ReproRunner

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run experiments (cached trials are reused) and print their claims.")

    @OptionGroup var selection: ExperimentSelection

    @Option(name: .long, help: "Preset: quick or full.")
    var preset = "quick"

    @Option(name: .long, help: "Number of seeds (default: the preset's).")
    var seeds: Int?

    @Flag(name: .long, help: "Recompute even when cached.")
    var force = false

    @Flag(name: .long, help: "Print one JSON object (schema 1, docs/json.md) instead of tables.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var execution: ExecutionOptions

    func validate() throws {
        try PresetName.validate(preset)
        if let seeds, !(1...64).contains(seeds) { throw ValidationError("--seeds must be between 1 and 64, got \(seeds)") }
    }

    func run() throws {
        let experiments = try selection.experiments()
        let store = try storeOptions.open()
        let runner = execution.runner(store: store, data: storeOptions.dataDirectory, quiet: json)
        let plans = try experiments.map { try runner.plan($0, preset: preset, seeds: seeds, force: force) }
        Cancellation.installSignalHandlers()
        let outcomes = runner.execute(plans.flatMap { $0 })

        var failed = false
        var entries: [JSONReport.ExperimentEntry] = []
        for (e, plan) in zip(experiments, plans) {
            let mine = outcomes.filter { $0.record.experiment == e.paper.id }
            failed = failed || mine.count < plan.count || mine.contains { $0.record.status != .ok }
            if json {
                entries.append(JSONReport.runEntry(experiment: e, preset: preset, trials: mine.map { ($0.record, $0.cached) }))
            } else {
                printClaims(e, mine)
            }
        }
        if json {
            // One object whatever the number of experiments.
            FileHandle.standardOutput.write(JSONReport.document(command: "run", version: ReproVersion.info,
                                                                body: JSONReport.Experiments(entries),
                                                                extra: ["preset": preset, "store": storeOptions.storePath]))
        }
        if Cancellation.requested { throw ExitCode(130) }
        if failed { throw ExitCode.failure }
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
