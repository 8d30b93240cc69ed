import Foundation
import ReproKit
import ReproProvenance

/// What a submitting `repro run --executor slurm` planned, written once into the run folder
/// before the job is submitted; every array task reads it and runs exactly its trial.
public struct RunManifest: Codable, Sendable {
    public static let currentFormat = 1

    /// One planned trial; `task` is its array index, nil when it was cached at submission.
    public struct Trial: Codable, Sendable {
        public var experiment: String
        public var preset: String
        public var seed: UInt64
        /// Canonical config JSON, as in the cache key.
        public var config: String
        public var sourceHash: String
        public var cacheKey: String
        public var task: Int?
    }

    public var format: Int
    public var createdAt: Date
    public var submitHost: String
    /// The folder `repro run` was started in (the tasks' working directory).
    public var workingDirectory: String
    /// The binary that planned the run; every task must be this same file.
    public var binary: Executable
    /// The store the results are merged into, and the data folder the tasks read (absolute).
    public var store: String
    public var data: String
    public var preset: String
    public var blasThreads: Int
    /// Commit, branch, dirty flag, diff hash and toolchain the plan was made with; each task
    /// records these, with its own host, OS, CPU, BLAS kernel and SLURM job.
    public var provenance: Provenance
    public var sbatchOptions: [String]
    public var maxParallel: Int?
    public var trials: [Trial]

    public var tasks: [Trial] { trials.filter { $0.task != nil }.sorted { $0.task! < $1.task! } }
}

/// A run folder beside the store (`<store folder>/runs/<name>/`), on the filesystem the
/// cluster shares:
///
/// ```
/// run.json                 the manifest (RunManifest)
/// submit.sh                the sbatch script
/// job                      the job id sbatch returned
/// logs/task-<i>.log        each array task's stdout and stderr
/// tasks/task-<i>.sqlite    each array task's own store (rollback journal, one writer)
/// tasks/task-<i>.collected written once the task's outcome is final and merged
/// collected                written once every task is merged
/// ```
public struct RunFolder: Sendable {
    public let url: URL
    public var path: String { url.path }
    public var name: String { url.lastPathComponent }

    public init(url: URL) { self.url = url.standardizedFileURL }

    /// Where runs of the store at `storePath` live.
    public static func runsDirectory(store storePath: String) -> URL {
        URL(fileURLWithPath: storePath).absoluteURL.deletingLastPathComponent().appending(path: "runs")
    }

    /// A run folder given as a path, or as a name under the store's runs folder.
    public static func find(_ argument: String, store storePath: String) throws -> RunFolder {
        let candidates = [URL(fileURLWithPath: argument), runsDirectory(store: storePath).appending(path: argument)]
        for url in candidates where FileManager.default.fileExists(atPath: url.appending(path: "run.json").path) {
            return RunFolder(url: url.absoluteURL)
        }
        throw UsageError("no run folder '\(argument)' (a folder holding run.json, or a name under \(runsDirectory(store: storePath).path))")
    }

    /// Every run folder under the store's runs folder not yet collected, oldest first.
    public static func uncollected(store storePath: String) -> [RunFolder] {
        let dir = runsDirectory(store: storePath)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { RunFolder(url: dir.appending(path: $0)) }
            .filter { FileManager.default.fileExists(atPath: $0.manifestURL.path) && !$0.isCollected }
    }

    /// A new, empty run folder: `<store folder>/runs/<UTC time>-<pid>`.
    static func create(store storePath: String) throws -> RunFolder {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let name = "\(formatter.string(from: Date()))-\(ProcessInfo.processInfo.processIdentifier)"
        let folder = RunFolder(url: runsDirectory(store: storePath).appending(path: name))
        for sub in ["logs", "tasks"] {
            try FileManager.default.createDirectory(at: folder.url.appending(path: sub), withIntermediateDirectories: true)
        }
        return folder
    }

    var manifestURL: URL { url.appending(path: "run.json") }
    var scriptURL: URL { url.appending(path: "submit.sh") }
    var jobURL: URL { url.appending(path: "job") }
    var collectedURL: URL { url.appending(path: "collected") }
    public func logURL(task: Int) -> URL { url.appending(path: "logs/task-\(task).log") }
    public func storeURL(task: Int) -> URL { url.appending(path: "tasks/task-\(task).sqlite") }
    func collectedURL(task: Int) -> URL { url.appending(path: "tasks/task-\(task).collected") }

    public var isCollected: Bool { FileManager.default.fileExists(atPath: collectedURL.path) }

    public func readManifest() throws -> RunManifest {
        let data: Data
        do { data = try Data(contentsOf: manifestURL) } catch {
            throw UsageError("cannot read \(manifestURL.path): \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: RunManifest
        do { manifest = try decoder.decode(RunManifest.self, from: data) } catch {
            throw UsageError("\(manifestURL.path) is not a run manifest: \(error)")
        }
        guard manifest.format <= RunManifest.currentFormat else {
            throw UsageError("\(manifestURL.path) was written by a newer repro (format \(manifest.format))")
        }
        return manifest
    }

    func write(_ manifest: RunManifest) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try (encoder.encode(manifest) + Data("\n".utf8)).write(to: manifestURL, options: .atomic)
    }

    /// The job id sbatch returned, once submitted.
    public func job() -> String? {
        (try? String(contentsOf: jobURL, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The last lines of a task's log (at most `lines` lines and 2,000 characters).
    func logTail(task: Int, lines: Int = 15) -> String {
        guard let text = try? String(contentsOf: logURL(task: task), encoding: .utf8), !text.isEmpty else {
            return "(no log at \(logURL(task: task).path))"
        }
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).joined(separator: "\n")
        return String(tail.suffix(2000)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
