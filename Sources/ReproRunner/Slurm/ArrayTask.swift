import Foundation
import ReproKit
import ReproProvenance
import ReproStore

/// One SLURM array task: runs the trial the manifest gives its index, into the task's own
/// SQLite file (never the shared store), with the provenance the submitter planned with and
/// its own host, OS, CPU, OpenBLAS kernel, SLURM job id and array index.
///
/// Before running it checks that nothing changed since the plan was made, and refuses (a
/// `failed` row whose error starts with "refused:") otherwise:
/// - this binary is the file that planned the run (same git blob hash), so the commit, diff
///   hash and source hash it records are the ones the trial is computed with;
/// - the experiment's source hash, compiled into this binary, is the planned one;
/// - the cache key, recomputed from this binary's config, seed and source hash, is the planned one.
public enum ArrayTask {
    /// Runs array task `index` of `folder`; returns the exit code (0 ok, 1 failed or refused,
    /// 130 interrupted). `lookup` finds a registered experiment by id.
    public static func run(folder: RunFolder, index: Int, lookup: (String) -> AnyExperiment?) throws -> Int32 {
        let manifest = try folder.readManifest()
        guard let trial = manifest.trials.first(where: { $0.task == index }) else {
            throw UsageError("\(folder.path) has no array task \(index) (it has \(manifest.tasks.count))")
        }
        let store = try Store(path: folder.storeURL(task: index).path, sharing: .singleWriter)
        // A task requeued after it finished: its result is already here.
        if try store.cached(key: trial.cacheKey) != nil { return 0 }

        let provenance = Host.onThisMachine(manifest.provenance)
        let experiment = lookup(trial.experiment)
        if let reason = refusal(manifest: manifest, trial: trial, experiment: experiment) {
            let now = Date()
            let record = TrialRecord(
                cacheKey: trial.cacheKey, experiment: trial.experiment, preset: trial.preset, config: trial.config,
                seed: trial.seed, sourceHash: trial.sourceHash, blasThreads: manifest.blasThreads, status: .failed,
                startedAt: now, finishedAt: now, provenance: provenance, error: "refused: \(reason)",
                pid: ProcessInfo.processInfo.processIdentifier)
            _ = try store.begin(record, placement: .here)
            FileHandle.standardError.write(Data("repro task \(index): refused: \(reason)\n".utf8))
            return 1
        }

        Host.setBLASThreads(manifest.blasThreads)
        Cancellation.installSignalHandlers()
        let runner = Runner(store: store, jobs: 1, blasThreads: manifest.blasThreads,
                            dataDirectory: URL(fileURLWithPath: manifest.data), provenance: provenance,
                            progress: ProgressReporter(interactive: false))
        let planned = PlannedTrial(experiment: experiment!, preset: trial.preset, seed: trial.seed,
                                   cacheKey: trial.cacheKey, cached: nil)
        guard let outcome = runner.execute([planned]).first else { return 130 }
        switch outcome.record.status {
        case .ok: return 0
        case .interrupted: return 130
        case .failed, .running: return 1
        }
    }

    /// Why this binary must not run `trial`, or nil when it is the build that planned it.
    static func refusal(manifest: RunManifest, trial: RunManifest.Trial, experiment: AnyExperiment?) -> String? {
        let binary: Executable
        do { binary = try Executable.current() } catch { return "cannot read this binary to check it: \(error)" }
        if binary.hash != manifest.binary.hash {
            return "this binary (\(binary.path), \(binary.hash.prefix(12))) is not the one that planned the run "
                + "(\(manifest.binary.path), \(manifest.binary.hash.prefix(12))); rebuilt since submission? Run `repro run` again to resubmit"
        }
        guard let experiment else { return "experiment \(trial.experiment) is not registered in this binary" }
        if experiment.sourceHash != trial.sourceHash {
            return "\(trial.experiment)'s sources differ: source hash \(experiment.sourceHash.prefix(12)) here, \(trial.sourceHash.prefix(12)) planned"
        }
        guard let config = experiment.canonicalConfig(preset: trial.preset) else {
            return "\(trial.experiment) has no preset \(trial.preset) in this binary"
        }
        let key = CacheKey.make(experiment: trial.experiment, config: config, seed: trial.seed,
                                sourceHash: experiment.sourceHash, blasThreads: manifest.blasThreads)
        if key != trial.cacheKey { return "the cache key differs from the planned one: \(key) vs \(trial.cacheKey)" }
        return nil
    }
}
