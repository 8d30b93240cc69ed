import Foundation
import ReproKit
import ReproProvenance
import ReproStore

/// One trial the runner will execute or take from the cache.
public struct PlannedTrial: Sendable {
    public var experiment: AnyExperiment
    public var preset: String
    public var seed: UInt64
    public var cacheKey: String
    /// The cached `ok` record, when there is one (and `--force` was not given).
    public var cached: TrialRecord?
}

/// A trial's outcome: its stored record and whether it came from the cache.
public struct TrialOutcome: Sendable {
    public var record: TrialRecord
    public var cached: Bool

    public init(record: TrialRecord, cached: Bool) { self.record = record; self.cached = cached }
}

/// Plans trials (preset × seeds), looks them up in the store, runs the missing ones (on `jobs`
/// worker threads, each trial with `blasThreads` OpenBLAS threads) and stores every outcome.
///
/// A trial is written as `running` before it starts and updated once, at the end, to `ok`
/// (with its measurements), `failed` (with the error) or `interrupted`. Nothing else is ever
/// a cache hit, so a killed process leaves nothing that looks complete.
public final class Runner: Sendable {
    public let store: Store
    public let blasThreads: Int
    public let jobs: Int
    public let dataDirectory: URL
    private let provenance: Provenance
    private let placement: Placement
    private let progress: ProgressReporter

    /// `placement`: the host (and SLURM job) recorded with each trial; this process's by default.
    public init(store: Store, jobs: Int, blasThreads: Int, dataDirectory: URL, provenance: Provenance,
                placement: Placement = .here, progress: ProgressReporter) {
        self.store = store; self.jobs = jobs; self.blasThreads = blasThreads
        self.dataDirectory = dataDirectory; self.provenance = provenance; self.placement = placement
        self.progress = progress
    }

    /// The trials of `preset` for seeds 1…`seeds` (the preset's default when nil).
    public func plan(_ experiment: AnyExperiment, preset: String, seeds: Int?, force: Bool) throws -> [PlannedTrial] {
        try Self.plan(experiment, preset: preset, seeds: seeds, force: force, store: store, blasThreads: blasThreads)
    }

    /// Planning needs only the store and the thread count (both in the cache key's lookup).
    public static func plan(_ experiment: AnyExperiment, preset: String, seeds: Int?, force: Bool,
                            store: Store, blasThreads: Int) throws -> [PlannedTrial] {
        guard let config = experiment.canonicalConfig(preset: preset), let defaultSeeds = experiment.defaultSeeds(preset: preset) else {
            throw UsageError("unknown preset '\(preset)' for \(experiment.paper.id); valid presets: \(experiment.presetNames.joined(separator: ", "))")
        }
        return try ReproKit.seeds(count: seeds ?? defaultSeeds).map { seed in
            let key = CacheKey.make(experiment: experiment.paper.id, config: config, seed: seed,
                                    sourceHash: experiment.sourceHash, blasThreads: blasThreads)
            return PlannedTrial(experiment: experiment, preset: preset, seed: seed, cacheKey: key,
                                cached: force ? nil : try store.cached(key: key))
        }
    }

    /// The cached trials of a preset's default seeds, if every one is in the store, whatever
    /// BLAS thread count they ran with (see `newestCachedRun`).
    public static func cachedRun(_ experiment: AnyExperiment, preset: String, store: Store, blasThreads: Int) throws -> [TrialRecord]? {
        try newestCachedRun(experiment, preset: preset, store: store, preferring: blasThreads)?.records
    }

    /// A complete cached run: every default seed of a preset at the current source hash and
    /// config, all with one BLAS thread count (the count is part of the cache key, since it may
    /// change the rounding of BLAS results).
    public struct CachedRun: Sendable {
        public var records: [TrialRecord]
        public var blasThreads: Int
    }

    /// Thread counts searched for a cached run: any `--jobs` on a machine of up to 64 cores.
    public static let blasThreadRange = 1...64

    /// The newest complete cached run of a preset over every BLAS thread count (the one whose
    /// latest trial started last; `preferring` wins ties), so that `repro show` after
    /// `repro run --jobs 1` finds the trials whatever `--jobs` it is given.
    public static func newestCachedRun(_ experiment: AnyExperiment, preset: String, store: Store,
                                       preferring: Int) throws -> CachedRun? {
        var best: (run: CachedRun, newest: Date, preferred: Bool)?
        var counts = Array(blasThreadRange)
        if !counts.contains(preferring) { counts.append(preferring) }
        for threads in counts {
            let plan = try plan(experiment, preset: preset, seeds: nil, force: false, store: store, blasThreads: threads)
            let records = plan.compactMap(\.cached)
            guard records.count == plan.count, let newest = records.map(\.startedAt).max() else { continue }
            let candidate = (CachedRun(records: records, blasThreads: threads), newest, threads == preferring)
            if let b = best, (b.newest, b.preferred ? 1 : 0) >= (newest, candidate.2 ? 1 : 0) { continue }
            best = candidate
        }
        return best?.run
    }

    /// Runs what the plan does not have cached. Outcomes come back in plan order.
    public func execute(_ plan: [PlannedTrial]) -> [TrialOutcome] {
        let toRun = plan.indices.filter { plan[$0].cached == nil }
        progress.start(total: toRun.count, cached: plan.count - toRun.count)
        let results = Results(count: plan.count)
        for i in plan.indices { if let c = plan[i].cached { results.set(i, TrialOutcome(record: c, cached: true)) } }

        let next = Counter()
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, toRun.count)) {
            group.enter()
            Thread.detachNewThread { [self] in
                while !Cancellation.requested, let k = next.take(below: toRun.count) {
                    let i = toRun[k]
                    results.set(i, TrialOutcome(record: runOne(plan[i], ordinal: k + 1), cached: false))
                }
                group.leave()
            }
        }
        group.wait()
        progress.finish()
        return results.all()
    }

    private func runOne(_ trial: PlannedTrial, ordinal: Int) -> TrialRecord {
        let e = trial.experiment
        var record = TrialRecord(
            cacheKey: trial.cacheKey, experiment: e.paper.id, preset: trial.preset,
            config: e.canonicalConfig(preset: trial.preset) ?? "{}", seed: trial.seed, sourceHash: e.sourceHash,
            blasThreads: blasThreads, status: .running, startedAt: Date(), provenance: provenance,
            pid: ProcessInfo.processInfo.processIdentifier)
        do { record.id = try store.begin(record, placement: placement) } catch {
            record.status = .failed; record.error = "cannot record the trial: \(error)"; return record
        }
        let label = "\(e.paper.id) \(trial.preset) seed \(trial.seed)"
        progress.trialStarted(ordinal: ordinal, label: label)
        let context = RunContext(
            threads: blasThreads, dataDirectory: dataDirectory,
            report: { [progress] p in progress.step(ordinal: ordinal, p) },
            cancelled: { Cancellation.requested })
        // With several trials at once each runs single-threaded on its own thread, and the
        // process's CPU time would count its neighbours' too.
        let ownThread = jobs > 1
        let wall0 = Date(), cpu0 = Host.cpuSeconds(callingThreadOnly: ownThread)
        do {
            record.measurements = try e.run(preset: trial.preset, seed: trial.seed, context: context)
            record.status = .ok
        } catch is CancellationError {
            record.status = .interrupted; record.error = "interrupted"
        } catch {
            record.status = .failed; record.error = "\(error)"
        }
        record.finishedAt = Date()
        record.wallSeconds = record.finishedAt!.timeIntervalSince(wall0)
        record.cpuSeconds = Host.cpuSeconds(callingThreadOnly: ownThread) - cpu0
        record.peakMemoryBytes = Host.peakMemoryBytes()
        do { try store.finish(record) } catch {
            record.status = .failed; record.error = "cannot store the result: \(error)"
        }
        progress.trialFinished(ordinal: ordinal, label: label, record: record)
        return record
    }
}

extension Placement {
    /// This process: its host, and its SLURM job when it runs inside one.
    public static var here: Placement {
        let job = Host.slurmJob()
        return Placement(host: Host.name, slurmJob: job?.job, slurmArrayIndex: job?.arrayIndex)
    }
}

/// Thread-safe slots for outcomes, filled by worker threads.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [TrialOutcome?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ o: TrialOutcome) { lock.lock(); slots[i] = o; lock.unlock() }
    /// Every slot that was filled (a cancelled run leaves later ones empty).
    func all() -> [TrialOutcome] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
