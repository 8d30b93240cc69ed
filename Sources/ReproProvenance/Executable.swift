import Foundation

/// The binary this process runs: its absolute path and the git blob hash of its bytes.
///
/// A SLURM array task must run the very build that planned its trial (the trial's source hash
/// and commit were read by that build); comparing the file's hash, not its path or date, is
/// what catches a rebuild between submission and the task's start.
public struct Executable: Codable, Sendable, Equatable {
    public var path: String
    /// `git hash-object` of the file: SHA-1 over "blob <size>\0" and the bytes.
    public var hash: String

    public init(path: String, hash: String) { self.path = path; self.hash = hash }

    /// The running binary, through /proc/self/exe (the path it was started by may be relative
    /// or a symlink, and argv[0] can be anything).
    public static func current() throws -> Executable {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        return try Executable(path: path, hash: hash(of: path))
    }

    public static func hash(of path: String) throws -> String {
        Libgit2.blobHash(try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped))
    }
}
