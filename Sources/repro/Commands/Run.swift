import ArgumentParser
import Foundation
import ReproKit
import ReproProvenance
import ReproReport
import ReproRunner

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run experiments (cached trials are reused) and print their claims.",
        discussion: """
        --executor slurm submits the trials that are not cached as one SLURM job array (one trial per \
        array task, each with one BLAS thread, run by this same binary on a shared filesystem), waits \
        for it with the usual progress lines, merges the tasks' results into the store and prints the \
        usual summary. The run folder is <store folder>/runs/<name>/. With --no-wait it prints the job id \
        and returns; `repro collect` merges the run later. Rerunning the same command resubmits only \
        what is missing.
        """)

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

    enum Executor: String, ExpressibleByArgument, CaseIterable { case local, slurm }

    @Option(name: .long, help: "Where trials run: local (this machine) or slurm (a job array).")
    var executor: Executor = .local

    @Option(name: .customLong("slurm-option"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("An sbatch option, passed as it is (repeatable): --slurm-option=--partition=cpu.", valueName: "option"))
    var slurmOptions: [String] = []

    @Option(name: .long, help: "With --executor slurm: at most N array tasks at once (sbatch --array=…%N).")
    var maxParallel: Int?

    @Flag(name: .long, help: "With --executor slurm: print the job id and return; `repro collect` merges later.")
    var noWait = false

    func validate() throws {
        try PresetName.validate(preset)
        if let seeds, !(1...64).contains(seeds) { throw ValidationError("--seeds must be between 1 and 64, got \(seeds)") }
        if executor == .local {
            let slurmOnly = [(!slurmOptions.isEmpty, "--slurm-option"), (maxParallel != nil, "--max-parallel"), (noWait, "--no-wait")]
            if let (_, name) = slurmOnly.first(where: \.0) { throw ValidationError("\(name) needs --executor slurm") }
        } else {
            if execution.jobs != nil {
                throw ValidationError("--jobs applies to --executor local; with slurm each array task runs one trial (--max-parallel limits how many at once)")
            }
            if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1, got \(maxParallel)") }
        }
    }

    func run() throws {
        let experiments = try selection.experiments()
        let store = try storeOptions.open()
        var extra = ["preset": preset, "store": storeOptions.storePath]
        let expected: [String: Int]
        let outcomes: [TrialOutcome]
        switch executor {
        case .local:
            let runner = execution.runner(store: store, data: storeOptions.dataDirectory, quiet: json)
            let plans = try experiments.map { try runner.plan($0, preset: preset, seeds: seeds, force: force) }
            expected = Dictionary(uniqueKeysWithValues: zip(experiments.map(\.paper.id), plans.map(\.count)))
            Cancellation.installSignalHandlers()
            outcomes = runner.execute(plans.flatMap { $0 })
        case .slurm:
            let plans = try experiments.map {
                try Runner.plan($0, preset: preset, seeds: seeds, force: force, store: store, blasThreads: ClusterRun.blasThreads)
            }
            let plan = plans.flatMap { $0 }
            expected = Dictionary(uniqueKeysWithValues: zip(experiments.map(\.paper.id), plans.map(\.count)))
            Cancellation.installSignalHandlers()
            let submission = try ClusterRun.submit(
                plan, preset: preset, storePath: storeOptions.storePath, dataDirectory: storeOptions.dataDirectory,
                provenance: Host.provenance(directory: FileManager.default.currentDirectoryPath),
                options: SlurmOptions(sbatchOptions: slurmOptions, maxParallel: maxParallel))
            guard let submission else {
                // Everything cached: nothing to submit.
                outcomes = plan.compactMap { $0.cached.map { TrialOutcome(record: $0, cached: true) } }
                break
            }
            let where_ = "run folder \(submission.folder.path)"
            if noWait {
                if json {
                    FileHandle.standardOutput.write(JSONReport.document(
                        command: "run", version: ReproVersion.info,
                        body: Submitted(job: submission.job, runFolder: submission.folder.path,
                                        tasks: submission.tasks, cached: submission.cached),
                        extra: ["preset": preset, "store": storeOptions.storePath]))
                } else {
                    print("submitted job \(submission.job): \(submission.tasks) array task(s), \(submission.cached) trial(s) cached; \(where_)")
                    print("`repro collect \(submission.folder.path)` merges the results (and waits for the job if it still runs)")
                }
                return
            }
            if !json {
                FileHandle.standardError.write(Data("submitted job \(submission.job): \(submission.tasks) array task(s); \(where_)\n".utf8))
            }
            let collected = try ClusterRun.collect(submission.folder, into: store, wait: true, progress: ProgressReporter(quiet: json))
            outcomes = collected.outcomes
            extra["job"] = submission.job
            extra["runFolder"] = submission.folder.path
            if Cancellation.requested {
                FileHandle.standardError.write(Data("job \(submission.job) goes on on the cluster: `repro collect \(submission.folder.path)` merges it later (scancel \(submission.job) stops it)\n".utf8))
            }
        }
        let (failed, entries) = RunSummary(preset: preset, json: json).report(experiments, outcomes: outcomes, expected: expected)
        if json { RunSummary.printDocument(command: "run", entries: entries, extra: extra) }
        if Cancellation.requested { throw ExitCode(130) }
        if failed { throw ExitCode.failure }
    }
}

/// `repro run --executor slurm --no-wait --json`: what was submitted.
struct Submitted: Encodable {
    var job: String
    var runFolder: String
    var tasks: Int
    var cached: Int
}
