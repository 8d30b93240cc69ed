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

    /// Provenance for runs started now from `directory`.
    public static func provenance(directory: String) -> Provenance {
        let git = GitState.read(at: directory)
        return Provenance(commit: git.commit, branch: git.branch, dirty: git.dirty, diffHash: git.diffHash,
                          toolchain: toolchain, os: os, cpu: cpu, blas: blas)
    }
}
