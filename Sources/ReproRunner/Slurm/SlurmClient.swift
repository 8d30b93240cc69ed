import Foundation
import ReproKit

/// The SLURM client commands `repro` uses: `sbatch` to submit, `squeue` to poll. They find
/// the cluster as they always do (their configuration, or `SLURM_CONF`).
enum SlurmClient {
    /// An array task as the scheduler reports it.
    struct TaskState: Equatable {
        /// SLURM's state name: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, …
        var state: String
        /// The node it runs or ran on, when it has one.
        var node: String?

        /// States after which the task never runs again (unless requeued by an administrator).
        static let terminal: Set<String> = [
            "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL",
            "DEADLINE", "OUT_OF_MEMORY", "SPECIAL_EXIT", "REVOKED",
        ]
        var isTerminal: Bool { Self.terminal.contains(state) }
        var hasStarted: Bool { isTerminal || ["RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT"].contains(state) }
    }

    /// What `squeue` said about a job's array tasks.
    enum JobState {
        /// One entry per array index the scheduler still knows.
        case tasks([Int: TaskState])
        /// The scheduler no longer knows the job (finished long ago, or purged).
        case gone
    }

    /// The full path of `command` on PATH, if any.
    static func locate(_ command: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func require(_ command: String) throws -> String {
        guard let path = locate(command) else {
            throw UsageError("--executor slurm needs the SLURM client command '\(command)' on PATH (run on a cluster's login node, or `make slurm-up` for a local test cluster)")
        }
        return path
    }

    /// Submits `script` with extra sbatch options; returns the job id.
    static func submit(script: URL, options: [String]) throws -> String {
        let sbatch = try require("sbatch")
        let r = try run(sbatch, ["--parsable"] + options + [script.path])
        guard r.status == 0 else {
            throw SlurmError("sbatch refused the job (exit \(r.status)): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        // --parsable prints "jobid" or "jobid;cluster".
        guard let job = r.stdout.split(separator: "\n").last?.split(separator: ";").first.map(String.init),
              !job.isEmpty, job.allSatisfy(\.isNumber) else {
            throw SlurmError("unexpected output from sbatch --parsable: \(r.stdout)")
        }
        return job
    }

    /// The state of every array task of `job` the scheduler still knows (finished ones stay
    /// for MinJobAge, 5 minutes by default).
    static func poll(job: String) throws -> JobState {
        let squeue = try require("squeue")
        // -r: one line per array task, pending ones included; --states=all: finished ones too.
        let r = try run(squeue, ["-h", "-r", "--states=all", "-j", job, "-o", "%i|%T|%N"])
        if r.status != 0 {
            if r.stderr.contains("Invalid job id") { return .gone }
            throw SlurmError("squeue failed (exit \(r.status)): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var tasks: [Int: TaskState] = [:]
        for line in r.stdout.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, let underscore = fields[0].firstIndex(of: "_"),
                  let index = Int(fields[0][fields[0].index(after: underscore)...]) else { continue }
            tasks[index] = TaskState(state: fields[1], node: fields[2].isEmpty ? nil : fields[2])
        }
        return tasks.isEmpty ? .gone : .tasks(tasks)
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    private static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// The scheduler refused or failed a request: one line, exit 1.
public struct SlurmError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
