import ArgumentParser
import Foundation
import ReproKit
import ReproRegistry
import ReproRunner

/// `repro task RUNFOLDER`: what each array task of `repro run --executor slurm` runs.
struct ArrayTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Run one array task of a SLURM run folder (the job script calls this).",
        shouldDisplay: false)

    @Argument(help: "The run folder.")
    var folder: String

    @Option(name: .long, help: "Array index (default: $SLURM_ARRAY_TASK_ID).")
    var index: Int?

    func run() throws {
        guard let index = index ?? ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) else {
            throw UsageError("no array index: give --index or run inside a SLURM array task")
        }
        let code = try ArrayTask.run(folder: RunFolder(url: URL(fileURLWithPath: folder).absoluteURL), index: index,
                                     lookup: { try? Registry.experiment(named: $0) })
        if code != 0 { throw ExitCode(code) }
    }
}
