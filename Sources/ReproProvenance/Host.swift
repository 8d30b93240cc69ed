import CReproBLAS
import Foundation
import ReproKit

/// Facts about the machine and toolchain a run happens on.
public enum Host {
    /// The Swift compiler this binary was built with (major.minor from compile-time checks).
    public static let toolchain: String = {
        #if compiler(>=6.4)
        "Swift ≥ 6.4"
        #elseif compiler(>=6.3)
        "Swift 6.3"
        #elseif compiler(>=6.2)
        "Swift 6.2"
        #elseif compiler(>=6.1)
        "Swift 6.1"
        #else
        "Swift 6.0"
        #endif
    }()

    public static let os: String = {
        var name = "unknown OS"
        if let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") }) {
            name = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let machine = withUnsafeBytes(of: u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(name), kernel \(release) \(machine)"
    }()

    public static let cpu: String = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown CPU (\(cores) cores)" }
        return "\(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)) (\(cores) cores)"
    }()

    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// OpenBLAS core (kernel family) and build configuration.
    public static let blas: String = {
        let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
        let config = openblas_get_config().map { String(cString: $0) } ?? "?"
        return "OpenBLAS core \(core); \(config.trimmingCharacters(in: .whitespaces))"
    }()

    /// Set the OpenBLAS thread count for the whole process.
    public static func setBLASThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// Peak resident set size of this process so far, in bytes.
    public static func peakMemoryBytes() -> Int64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int64(usage.ru_maxrss) * 1024   // Linux reports KiB
    }

    /// User + system CPU time so far, in seconds: of the whole process (all threads), or of
    /// the calling thread only (Linux's RUSAGE_THREAD), which is what one of several trials
    /// running side by side on their own threads, each with one BLAS thread, used.
    public static func cpuSeconds(callingThreadOnly: Bool = false) -> Double {
        var usage = rusage()
        // RUSAGE_THREAD is 1 on Linux; Glibc does not export it to Swift.
        getrusage(callingThreadOnly ? 1 : RUSAGE_SELF.rawValue, &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    /// This machine's host name (`gethostname`), as recorded in provenance.
    public static let name: String = {
        var buffer = [UInt8](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }()

    /// The SLURM job this process runs in, from the variables slurmd sets: the array's job id
    /// and the task's index for an array task, the job id otherwise; nil outside SLURM.
    public static func slurmJob(environment: [String: String] = ProcessInfo.processInfo.environment) -> (job: String, arrayIndex: Int?)? {
        if let array = environment["SLURM_ARRAY_JOB_ID"], let index = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
            return (array, index)
        }
        return environment["SLURM_JOB_ID"].map { ($0, nil) }
    }

    /// Provenance for runs started now from `directory`.
    public static func provenance(directory: String) -> Provenance {
        let git = GitState.read(at: directory)
        return Provenance(commit: git.commit, branch: git.branch, dirty: git.dirty, diffHash: git.diffHash,
                          toolchain: toolchain, os: os, cpu: cpu, blas: blas)
    }

    /// `planned` (the commit, sources and toolchain a submitter planned with) with the facts of
    /// the machine the trial actually runs on: OS, CPU and OpenBLAS kernel.
    public static func onThisMachine(_ planned: Provenance) -> Provenance {
        var p = planned
        p.os = os; p.cpu = cpu; p.blas = blas
        return p
    }

    /// Whether the process that wrote a `running` row still runs. A pid says something only on
    /// the host that recorded it: rows from another host (another machine, or an array task on
    /// a compute node) are `unknown`, never "killed". Rows without a host (written before hosts
    /// were recorded) are taken to be from this host.
    public enum Liveness: Equatable, Sendable {
        case alive, gone
        case unknown(host: String)
    }

    public static func liveness(host: String?, pid: Int32) -> Liveness {
        if let host, host != name { return .unknown(host: host) }
        return kill(pid, 0) == 0 || errno == EPERM ? .alive : .gone
    }
}
