import Foundation
import ReproKit
import ReproProvenance
import ReproStore

/// How `repro run --executor slurm` submits.
public struct SlurmOptions: Sendable {
    /// Passed to sbatch as they are (`--partition=…`, `--time=…`, `--account=…`).
    public var sbatchOptions: [String]
    /// At most this many array tasks at once (sbatch's `--array=…%N`).
    public var maxParallel: Int?

    public init(sbatchOptions: [String] = [], maxParallel: Int? = nil) {
        self.sbatchOptions = sbatchOptions; self.maxParallel = maxParallel
    }
}

/// Trials as a SLURM job array: one trial per array task, each writing its own SQLite file in
/// a run folder beside the store, merged into the store as the tasks finish.
///
/// The plan is made by the submitting process exactly as a local run makes it (same cache keys,
/// cached trials skipped), so a trial computed on the cluster is a cache hit for a local run
/// and the other way round. Each task runs with one BLAS thread (`--cpus-per-task=1`), the
/// thread count of a default local run, so the cache keys and the numbers are the same.
public enum ClusterRun {
    /// BLAS threads per array task (part of the cache key).
    public static let blasThreads = 1

    public struct Submission: Sendable {
        public var folder: RunFolder
        public var job: String
        public var tasks: Int
        public var cached: Int
    }

    /// Writes the run folder and submits the trials the plan does not have cached; nil when
    /// every trial is cached (nothing is submitted).
    public static func submit(_ plan: [PlannedTrial], preset: String, storePath: String, dataDirectory: URL,
                              provenance: Provenance, options: SlurmOptions) throws -> Submission? {
        let toRun = plan.filter { $0.cached == nil }
        guard !toRun.isEmpty else { return nil }
        _ = try SlurmClient.require("sbatch")
        let binary = try Executable.current()
        let folder = try RunFolder.create(store: storePath)
        var next = 0
        let trials = plan.map { t -> RunManifest.Trial in
            var task: Int?
            if t.cached == nil { task = next; next += 1 }
            return RunManifest.Trial(experiment: t.experiment.paper.id, preset: t.preset, seed: t.seed,
                                     config: t.experiment.canonicalConfig(preset: t.preset) ?? "{}",
                                     sourceHash: t.experiment.sourceHash, cacheKey: t.cacheKey, task: task)
        }
        let workingDirectory = FileManager.default.currentDirectoryPath
        let manifest = RunManifest(
            format: RunManifest.currentFormat, createdAt: Date(), submitHost: Host.name,
            workingDirectory: workingDirectory, binary: binary,
            store: URL(fileURLWithPath: storePath).absoluteURL.standardizedFileURL.path,
            data: dataDirectory.absoluteURL.standardizedFileURL.path, preset: preset, blasThreads: blasThreads,
            provenance: provenance, sbatchOptions: options.sbatchOptions, maxParallel: options.maxParallel, trials: trials)
        do {
            try folder.write(manifest)
            // Our options go on sbatch's command line (no quoting trouble with paths), the
            // user's after them, so that theirs win where they overlap.
            let ours = [
                "--job-name=repro-\(plan[0].experiment.paper.id)",
                "--array=0-\(toRun.count - 1)" + (options.maxParallel.map { "%\($0)" } ?? ""),
                "--ntasks=1", "--cpus-per-task=\(blasThreads)",
                "--output=\(folder.path)/logs/task-%a.log", "--open-mode=append",
                "--chdir=\(workingDirectory)",
            ]
            let script = """
                #!/bin/sh
                # Written by `repro run --executor slurm`; submitted as
                #   sbatch --parsable \((ours + options.sbatchOptions).map(shellQuoted).joined(separator: " ")) \(shellQuoted(folder.scriptURL.path))
                # Array task i runs the trial with "task": i in run.json, into tasks/task-i.sqlite.
                exec \(shellQuoted(binary.path)) task \(shellQuoted(folder.path))

                """
            try Data(script.utf8).write(to: folder.scriptURL)
            chmod(folder.scriptURL.path, 0o755)
            let job = try SlurmClient.submit(script: folder.scriptURL, options: ours + options.sbatchOptions)
            try Data((job + "\n").utf8).write(to: folder.jobURL, options: .atomic)
            return Submission(folder: folder, job: job, tasks: toRun.count, cached: plan.count - toRun.count)
        } catch {
            try? FileManager.default.removeItem(at: folder.url)
            throw error
        }
    }

    /// What `collect` found and merged.
    public struct Collected: Sendable {
        public var manifest: RunManifest
        public var job: String
        /// Every planned trial that has an outcome, in plan order (cached ones included).
        public var outcomes: [TrialOutcome]
        /// Array tasks still pending or running (only without waiting, or when interrupted).
        public var unfinished: Int
        public var merged: MergeSummary
    }

    /// Merges a run folder's finished tasks into `store`, waiting for the rest when `wait`,
    /// with the usual progress lines (the scheduler is polled: every second at first, then
    /// less often, at most every 15 s). A task that ended without an `ok` result — failed,
    /// refused, cancelled, killed, out of time — is recorded as `failed` with the scheduler's
    /// state and the tail of its log. Collecting again merges nothing twice. Interrupted
    /// (Ctrl-C) it merges what has finished and leaves the job running.
    public static func collect(_ folder: RunFolder, into store: Store, wait: Bool, progress: ProgressReporter) throws -> Collected {
        let manifest = try folder.readManifest()
        guard let job = folder.job() else {
            throw UsageError("\(folder.path) was never submitted (no job file)")
        }
        let tasks = manifest.tasks
        // Tasks finalized by an earlier collect: merged again (nothing twice), since this may be
        // another store than the one they were first merged into.
        var done = Set(tasks.compactMap(\.task).filter { FileManager.default.fileExists(atPath: folder.collectedURL(task: $0).path) })
        var announced = done
        var merged = MergeSummary()
        func merge(_ i: Int) throws {
            let summary = try store.merge(from: folder.storeURL(task: i).path)
            merged.added += summary.added; merged.addedOK += summary.addedOK
            merged.updated += summary.updated; merged.alreadyPresent += summary.alreadyPresent
            merged.skipped += summary.skipped
        }
        for i in done.sorted() { try merge(i) }
        progress.start(total: tasks.count, cached: manifest.trials.count - tasks.count)
        var canPoll = SlurmClient.locate("squeue") != nil
        if !canPoll {
            progress.note("squeue is not on PATH: merging the tasks that have finished, without asking the scheduler\n")
        }
        let start = Date()
        var reached = false, warned = false
        while true {
            var state: SlurmClient.JobState?
            if canPoll {
                do {
                    state = try SlurmClient.poll(job: job)
                    reached = true
                } catch where !reached {
                    // Never reached (another cluster's folder, a misconfigured client): merge
                    // what has finished rather than wait for an answer that will not come.
                    progress.note("\(error): merging the tasks that have finished, without asking the scheduler\n")
                    canPoll = false
                } catch {
                    // Reached before: a controller restarting, say. Keep waiting.
                    if !warned { progress.note("\(error); retrying\n"); warned = true }
                }
            }
            for trial in tasks {
                let i = trial.task!
                guard !done.contains(i) else { continue }
                let label = "\(trial.experiment) \(trial.preset) seed \(trial.seed)"
                var ended: (state: String?, node: String?)?
                switch state {
                case .tasks(let known)?:
                    if let s = known[i] {
                        if s.hasStarted && !announced.contains(i) { progress.trialStarted(ordinal: i + 1, label: label); announced.insert(i) }
                        if s.isTerminal { ended = (s.state, s.node) }
                    } else {
                        ended = ("no longer known to the scheduler", nil)
                    }
                case .gone?:
                    ended = ("no longer known to the scheduler", nil)
                case nil:
                    // No scheduler to ask: a task is over when its file holds a final row.
                    if canPoll { break }
                    if let last = try? lastRecord(folder, task: i, key: trial.cacheKey), last.status != .running { ended = (nil, nil) }
                }
                guard let ended else { continue }
                if !announced.contains(i) { progress.trialStarted(ordinal: i + 1, label: label); announced.insert(i) }
                let record = try finalize(folder, manifest: manifest, trial: trial, job: job, state: ended.state, node: ended.node)
                try merge(i)
                try Data().write(to: folder.collectedURL(task: i))
                done.insert(i)
                progress.trialFinished(ordinal: i + 1, label: label, record: record)
            }
            if done.count == tasks.count || !wait || !canPoll || Cancellation.requested { break }
            let interval = min(15, max(1, Date().timeIntervalSince(start) / 20))
            let until = Date().addingTimeInterval(interval)
            while Date() < until && !Cancellation.requested { Thread.sleep(forTimeInterval: 0.1) }
        }
        progress.finish()
        if done.count == tasks.count {
            let text = "collected into \(store.path) at \(ISO8601DateFormatter().string(from: Date()))\n"
            try Data(text.utf8).write(to: folder.collectedURL)
        }

        var outcomes: [TrialOutcome] = []
        for trial in manifest.trials {
            if let i = trial.task {
                guard done.contains(i), let record = try store.newest(key: trial.cacheKey) else { continue }
                outcomes.append(TrialOutcome(record: record, cached: false))
            } else if let record = try store.cached(key: trial.cacheKey) {
                outcomes.append(TrialOutcome(record: record, cached: true))
            }
        }
        return Collected(manifest: manifest, job: job, outcomes: outcomes, unfinished: tasks.count - done.count, merged: merged)
    }

    private static func lastRecord(_ folder: RunFolder, task: Int, key: String) throws -> TrialRecord? {
        let path = folder.storeURL(task: task).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try Store(path: path, sharing: .singleWriter).all().last { $0.record.cacheKey == key }?.record
    }

    /// Makes a finished task's file hold its final outcome: an `ok` row stays as it is; a
    /// `running` row (the task was killed mid-trial), a `failed` or `interrupted` row, or no
    /// row at all (the task never started its trial) becomes a `failed` row carrying the
    /// scheduler's state and the tail of the task's log.
    private static func finalize(_ folder: RunFolder, manifest: RunManifest, trial: RunManifest.Trial, job: String,
                                 state: String?, node: String?) throws -> TrialRecord {
        let i = trial.task!
        let store = try Store(path: folder.storeURL(task: i).path, sharing: .singleWriter)
        // First line: what happened (progress lines and `repro runs` show only it); then the log.
        let which = "array task \(job)_\(i)" + (state.map { ", \($0)" } ?? "")
        let tail = "log tail (\(folder.logURL(task: i).path)):\n" + folder.logTail(task: i)
        if var last = try store.all().last(where: { $0.record.cacheKey == trial.cacheKey })?.record {
            switch last.status {
            case .ok:
                return last
            case .running:
                last.error = "killed while its trial was running (\(which))\n\(tail)"
                last.finishedAt = Date()
            case .failed, .interrupted:
                last.error = "\(last.error ?? last.status.rawValue) (\(which))\n\(tail)"
            }
            last.status = .failed
            try store.finish(last)
            return last
        }
        let now = Date()
        var record = TrialRecord(
            cacheKey: trial.cacheKey, experiment: trial.experiment, preset: trial.preset, config: trial.config,
            seed: trial.seed, sourceHash: trial.sourceHash, blasThreads: manifest.blasThreads, status: .failed,
            startedAt: now, finishedAt: now, provenance: manifest.provenance,
            error: "ended without starting its trial (\(which))\n\(tail)", pid: 0)
        record.id = try store.begin(record, placement: Placement(host: node, slurmJob: job, slurmArrayIndex: i))
        return record
    }
}

/// `s` quoted for a POSIX shell.
func shellQuoted(_ s: String) -> String {
    if !s.isEmpty && s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:%,+@".contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
