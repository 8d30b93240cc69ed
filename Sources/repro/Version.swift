import Foundation
import ReproProvenance
import ReproReport

/// `repro --version`, and the `repro` object of every `--json` document.
enum ReproVersion {
    /// The release of the command-line interface and its file formats (bump with the JSON
    /// schema or a command's behaviour).
    static let version = "0.14.0"

    /// The Swift compiler this binary was built with.
    static let toolchain: String = {
        #if compiler(>=6.4)
        "Swift ≥ 6.4"
        #elseif compiler(>=6.3.2)
        "Swift 6.3.2+"
        #elseif compiler(>=6.3.1)
        "Swift 6.3.1"
        #elseif compiler(>=6.3)
        "Swift 6.3"
        #else
        Host.toolchain
        #endif
    }()

    /// The checkout the binary lives in (found upwards from the executable, e.g. the repository
    /// holding `.build/release/repro`), read now: its HEAD commit and whether the tree differs.
    static var info: VersionInfo {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let path = FileManager.default.fileExists(atPath: executable.path)
            ? executable.deletingLastPathComponent().path
            : (Bundle.main.executableURL?.deletingLastPathComponent().path ?? FileManager.default.currentDirectoryPath)
        let git = GitState.read(at: path)
        return VersionInfo(version: version, commit: git.commit, dirty: git.commit == nil ? nil : git.dirty, toolchain: toolchain)
    }
}
