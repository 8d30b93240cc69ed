import ArgumentParser
import Foundation
import ReproKit
import ReproRunner

struct Golden: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Developer command: write the regression golden files under Tests/ from fresh quick-preset runs (seeds 1…max(S, 5)).",
        shouldDisplay: false)

    @OptionGroup var selection: ExperimentSelection

    @Option(name: .long, help: "Folder of golden files.")
    var output = "Tests/ExperimentTests/Golden"

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var execution: ExecutionOptions

    func run() throws {
        let experiments = try selection.experiments()
        let store = try storeOptions.open()
        let runner = execution.runner(store: store, data: storeOptions.dataDirectory, quiet: false)
        Cancellation.installSignalHandlers()
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        for e in experiments {
            let defaultSeeds = e.defaultSeeds(preset: "quick") ?? 1
            let plan = try runner.plan(e, preset: "quick", seeds: max(defaultSeeds, GoldenFile.spreadSeeds), force: false)
            let outcomes = runner.execute(plan)
            let trials = outcomes.compactMap { $0.record.status == .ok ? $0.record.measurements : nil }
            guard trials.count == plan.count else { throw ExitCode.failure }
            let golden = GoldenFile(experiment: e.paper.id, preset: "quick", defaultSeeds: defaultSeeds, trials: trials)
            let path = "\(output)/\(e.paper.id).json"
            try golden.encoded().write(to: URL(fileURLWithPath: path))
            print("wrote \(path) (\(golden.values.count) values)")
        }
    }
}
