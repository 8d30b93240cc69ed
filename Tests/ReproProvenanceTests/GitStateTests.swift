import Foundation
import ReproProvenance
import ReproTestSupport
import Testing

@Suite struct GitStateTests {
    @Test func noRepositoryIsUnversioned() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        #expect(GitState.read(at: dir.path) == .unversioned)
    }

    @Test func cleanThenDirtyThenUntracked() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try git(["init", "-q"], in: dir.path)
        try "a\n".write(toFile: dir.path + "/f.txt", atomically: true, encoding: .utf8)
        try git(["add", "f.txt"], in: dir.path)
        try git(["commit", "-qm", "one"], in: dir.path)
        let head = try git(["rev-parse", "HEAD"], in: dir.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let clean = GitState.read(at: dir.path)
        #expect(clean.commit == head)
        #expect(clean.branch == "main")
        #expect(!clean.dirty && clean.diffHash == nil)

        try "b\n".write(toFile: dir.path + "/f.txt", atomically: true, encoding: .utf8)
        let dirty = GitState.read(at: dir.path)
        #expect(dirty.dirty && dirty.diffHash != nil && dirty.commit == head)

        // A different edit gives a different diff hash; the same edit the same hash.
        #expect(GitState.read(at: dir.path).diffHash == dirty.diffHash)
        try "c\n".write(toFile: dir.path + "/f.txt", atomically: true, encoding: .utf8)
        #expect(GitState.read(at: dir.path).diffHash != dirty.diffHash)

        try "a\n".write(toFile: dir.path + "/f.txt", atomically: true, encoding: .utf8)
        try "new\n".write(toFile: dir.path + "/g.txt", atomically: true, encoding: .utf8)
        let untracked = GitState.read(at: dir.path)
        #expect(untracked.dirty, "an untracked file makes the tree dirty")
    }

    @Test func subdirectoryFindsRepositoryAbove() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        try git(["init", "-q"], in: dir.path)
        try FileManager.default.createDirectory(atPath: dir.path + "/sub", withIntermediateDirectories: true)
        try "x\n".write(toFile: dir.path + "/sub/x.txt", atomically: true, encoding: .utf8)
        try git(["add", "."], in: dir.path)
        try git(["commit", "-qm", "one"], in: dir.path)
        #expect(GitState.read(at: dir.path + "/sub").commit != nil)
    }

    @Test func blobHashMatchesGit() {
        // `printf 'hello\n' | git hash-object --stdin`
        #expect(Libgit2.blobHash(Data("hello\n".utf8)) == "ce013625030ba8dba906f756967f9e9ca394464a")
    }

    @Test func hostFacts() {
        #expect(!Host.cpu.isEmpty && Host.blas.contains("OpenBLAS") && Host.cores >= 1)
        #expect(Host.peakMemoryBytes() > 0)
    }
}

@Suite struct HostTests {
    /// A pid means something only on the host that recorded it.
    @Test func livenessByHostAndPid() {
        let me = getpid()
        #expect(Host.liveness(host: Host.name, pid: me) == .alive)
        #expect(Host.liveness(host: nil, pid: me) == .alive, "rows without a host are taken to be local")
        #expect(Host.liveness(host: Host.name + "-elsewhere", pid: me) == .unknown(host: Host.name + "-elsewhere"))
        // pid_max is at most 2^22 on Linux: this pid cannot exist.
        #expect(Host.liveness(host: Host.name, pid: 5_000_000) == .gone)
    }

    @Test func slurmJobFromEnvironment() {
        #expect(Host.slurmJob(environment: [:]) == nil)
        let array = Host.slurmJob(environment: ["SLURM_JOB_ID": "13", "SLURM_ARRAY_JOB_ID": "12", "SLURM_ARRAY_TASK_ID": "1"])
        #expect(array?.job == "12" && array?.arrayIndex == 1)
        let plain = Host.slurmJob(environment: ["SLURM_JOB_ID": "13"])
        #expect(plain?.job == "13" && plain?.arrayIndex == nil)
    }

    /// The running binary's hash is `git hash-object` of its file.
    @Test func executableHashIsTheFilesBlobHash() throws {
        let exe = try Executable.current()
        #expect(exe.path.hasPrefix("/") && FileManager.default.fileExists(atPath: exe.path))
        let expected = try git(["hash-object", exe.path], in: FileManager.default.temporaryDirectory.path)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(exe.hash == expected)
    }
}
