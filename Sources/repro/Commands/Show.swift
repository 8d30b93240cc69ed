import ArgumentParser
import Foundation
import ReproKit
import ReproRegistry
import ReproReport
import ReproRunner

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show an experiment's latest cached results and their provenance.")

    @Argument(help: "Experiment id or alias.")
    var id: String

    @Option(name: .long, help: "Preset to show (default: full if it is cached, else quick).")
    var preset: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var execution: ExecutionOptions

    func validate() throws { if let preset { try PresetName.validate(preset) } }

    func run() throws {
        let e = try Registry.experiment(named: id)
        let store = try storeOptions.open()
        print("\(e.paper.id) — \(e.paper.title)")
        print("\(e.paper.authors) (\(e.paper.year)) \(e.paper.url)")
        if !e.paper.aliases.isEmpty { print("aliases: \(e.paper.aliases.joined(separator: ", "))") }
        print("source hash: \(e.sourceHash)")
        let candidates = preset.map { [$0] } ?? ["full", "quick"]
        for p in candidates {
            guard let trials = try Runner.cachedRun(e, preset: p, store: store, blasThreads: execution.blasThreads) else { continue }
            print("\npreset \(p), \(trials.count) seed(s):")
            print(ClaimsTable.terminal(Evaluation(claims: e.claims, trials: trials.compactMap(\.measurements)).claims, preset: p,
                                       committed: try? CommittedResults.read(resultsFolder: "results", experiment: e.paper.id)))
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
            return
        }
        print("\nno complete cached run\(preset.map { " of preset \($0)" } ?? ""): run `repro run \(e.paper.id)\(preset.map { " --preset \($0)" } ?? "")`")
    }
}
