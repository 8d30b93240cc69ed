import Foundation
import ReproTestSupport
import Testing

/// End-to-end: the real `repro` binary, a temporary store, the newton-schulz quick preset.
@Suite(.serialized) struct CLITests {
    let repro = productsDirectory.appending(path: "repro").path

    func run(_ args: [String], store: String, in dir: String? = nil) throws -> ProcessResult {
        try runProcess(repro, args, in: dir ?? repositoryRoot.path, environment: ["REPRO_STORE": store])
    }

    @Test func listShowsEveryExperiment() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let r = try run(["list", "--results", dir.path + "/no-results"], store: dir.path + "/s.sqlite")
        #expect(r.status == 0)
        #expect(r.stdout.contains("newton-schulz") && r.stdout.contains("2505.16932"))
        #expect(r.stdout.contains("not run"))
    }

    @Test func versionAndHelp() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let v = try run(["--version"], store: dir.path + "/s.sqlite")
        #expect(v.status == 0 && v.stdout.hasPrefix("repro ") && v.stdout.contains("commit: ") && v.stdout.contains("toolchain: Swift"))
        let help = try run(["--help"], store: dir.path + "/s.sqlite")
        #expect(help.stdout.contains("diff") && !help.stdout.contains("  golden "))
    }

    /// One object from every --json command, with a schema version and no numbers as strings.
    func object(_ r: ProcessResult, command: String) throws -> [String: Any] {
        #expect(r.status == 0, "\(command): \(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(command): \(r.stdout.prefix(200))")
        #expect(doc["schema"] as? Int == 1 && doc["command"] as? String == command)
        let stringNumbers = r.stdout.split(separator: "\n").filter { ($0.contains("\"nan\"") || $0.contains("\"inf\"") || $0.contains("\"-inf\"")) && !$0.contains("nonFinite") }
        #expect(stringNumbers.isEmpty, "\(command): \(stringNumbers)")
        return doc
    }

    /// A fresh clone's view: no store, committed results; cache look-ups that ignore --jobs;
    /// `repro diff` between a results folder and the store it came from.
    @Test func committedResultsJobsIndependenceAndDiff() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let store = dir.path + "/s.sqlite", results = dir.path + "/results"
        // --jobs 1 gives each trial every core's BLAS threads; --jobs 2 would use fewer on two cores.
        let first = try run(["run", "newton-schulz", "--preset", "quick", "--jobs", "1"], store: store)
        #expect(first.status == 0, "\(first.stderr)")
        let show = try run(["show", "newton-schulz", "--preset", "quick", "--jobs", "2", "--json"], store: store)
        let shown = try #require((try object(show, command: "show"))["experiments"] as? [[String: Any]])
        #expect(shown.first?["source"] as? String == "store")

        let report = try run(["report", "--preset", "quick", "--output", results, "--jobs", "2"], store: store)
        #expect(report.status == 0, "\(report.stderr)")
        for file in ["claims.csv", "measurements.csv", "newton-schulz/results.json", "newton-schulz/claims.csv",
                     "newton-schulz/measurements.csv", "newton-schulz/map.csv"] {
            #expect(FileManager.default.fileExists(atPath: results + "/" + file), "\(file) missing")
        }
        let same = try run(["diff", results, "store", "--preset", "quick"], store: store)
        #expect(same.status == 0 && same.stdout.contains("No change beyond noise"), "\(same.stdout)\(same.stderr)")
        let sameJSON = try object(try run(["diff", results, "store", "--preset", "quick", "--json"], store: store), command: "diff")
        #expect((sameJSON["diff"] as? [String: Any])?["changed"] as? Bool == false)

        // A fresh clone: an empty store, the committed results.
        let fresh = dir.path + "/fresh.sqlite"
        let list = try run(["list", "--results", results], store: fresh)
        #expect(list.status == 0 && list.stdout.contains("(committed)"), "\(list.stdout)")
        let listed = try #require((try object(try run(["list", "--json", "--results", results], store: fresh), command: "list"))["experiments"] as? [[String: Any]])
        #expect(listed.first { $0["id"] as? String == "newton-schulz" }?["status"] as? String == "committed")

        // A changed verdict is a change: exit 1, named first.
        let path = results + "/newton-schulz/results.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "\"verdict\" : \"reproduced\"", with: "\"verdict\" : \"inconclusive\"")
        #expect(edited != text)
        try edited.write(toFile: path, atomically: false, encoding: .utf8)
        let changed = try run(["diff", results, "store", "--preset", "quick"], store: store)
        #expect(changed.status == 1 && changed.stdout.contains("verdict changes"), "\(changed.stdout)\(changed.stderr)")
        let bad = try run(["diff", dir.path + "/nowhere-such"], store: store)
        #expect(bad.status == 2)
    }

    @Test func runTwiceSecondIsCachedAndFast() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let store = dir.path + "/s.sqlite"
        let first = try run(["run", "newton-schulz", "--preset", "quick", "--json"], store: store)
        let doc1 = try object(first, command: "run")
        let trials1 = try #require((doc1["experiments"] as? [[String: Any]])?.first?["trials"] as? [[String: Any]])
        #expect(!trials1.isEmpty && trials1.allSatisfy { ($0["cached"] as? Bool) == false })

        let started = Date()
        let second = try run(["run", "2505.16932", "--json"], store: store)
        let elapsed = Date().timeIntervalSince(started)
        #expect(second.status == 0)
        let doc2 = try object(second, command: "run")
        let entry2 = try #require((doc2["experiments"] as? [[String: Any]])?.first)
        let trials2 = try #require(entry2["trials"] as? [[String: Any]])
        #expect(trials2.count == trials1.count && trials2.allSatisfy { ($0["cached"] as? Bool) == true })
        let results2 = try #require(entry2["results"] as? [String: Any])
        #expect(results2["claims"] != nil && results2["measurements"] != nil && results2["config"] != nil)
        // "Well under a second" for a cached answer; generous for a loaded CI machine.
        #expect(elapsed < 2, "cached run took \(elapsed) s")

        let table = try run(["run", "newton-schulz"], store: store)
        #expect(table.status == 0 && table.stdout.contains("verdict"))
        let show = try run(["show", "newton-schulz", "--preset", "quick"], store: store)
        #expect(show.status == 0 && show.stdout.contains("provenance"))
        let runs = try run(["runs", "newton-schulz"], store: store)
        #expect(runs.status == 0 && runs.stdout.contains("ok"))
        let runsJSON = try object(try run(["runs", "--json"], store: store), command: "runs")
        #expect((runsJSON["trials"] as? [[String: Any]])?.isEmpty == false)
        // Several ids: still one object.
        let two = try object(try run(["run", "newton-schulz", "2505.16932", "--json"], store: store), command: "run")
        #expect((two["experiments"] as? [[String: Any]])?.count == 1)
    }

    @Test(arguments: [
        (["run", "newton-schulx"], "valid ids: newton-schulz"),
        (["run", "newton-schulz", "--preset", "huge"], "valid presets: quick, full"),
        (["run", "newton-schulz", "--seeds", "0"], "--seeds"),
        (["run", "newton-schulz", "--jobs", "0"], "--jobs"),
        (["run"], "at least one experiment"),
        (["show", "nope"], "unknown experiment"),
        (["run", "--frobnicate"], "frobnicate"),
        (["run", "newton-schulz", "--executor", "pbs"], "'local' and 'slurm'"),
        (["run", "newton-schulz", "--no-wait"], "--no-wait needs --executor slurm"),
        (["run", "newton-schulz", "--slurm-option=--partition=x"], "--slurm-option needs --executor slurm"),
        (["run", "newton-schulz", "--executor", "slurm", "--jobs", "2"], "--jobs applies to --executor local"),
        (["run", "newton-schulz", "--executor", "slurm", "--max-parallel", "0"], "--max-parallel"),
        (["merge"], "at least one store"),
        (["collect", "no-such-run"], "no run folder"),
    ])
    func usageErrorsExit2WithOneLine(args: [String], expected: String) throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let r = try run(args, store: dir.path + "/s.sqlite")
        #expect(r.status == 2, "\(args): exit \(r.status)")
        #expect(r.stderr.contains(expected), "\(args): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(args): more than one line: \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func outsideAGitRepositoryRunsUnversioned() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let r = try run(["run", "newton-schulz", "--json"], store: dir.path + "/s.sqlite", in: dir.path)
        let doc = try object(r, command: "run")
        let trials = try #require((doc["experiments"] as? [[String: Any]])?.first?["trials"] as? [[String: Any]])
        #expect(trials.allSatisfy { $0["commit"] is NSNull || $0["commit"] == nil })
    }

    /// A run killed mid-trial leaves only a non-`ok` row; the next run redoes the trial.
    @Test func killedRunLeavesNothingThatLooksComplete() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let store = dir.path + "/s.sqlite"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: repro)
        process.arguments = ["run", "newton-schulz", "--preset", "full"]
        process.currentDirectoryURL = repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(["REPRO_STORE": store]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the first trial has been recorded as running, then kill -9.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let runs = try run(["runs"], store: store)
            if runs.stdout.contains("running") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let runs = try run(["runs"], store: store)
        #expect(runs.stdout.contains("killed (stale)"), "\(runs.stdout)")
        let show = try run(["show", "newton-schulz", "--preset", "full"], store: store)
        #expect(show.stdout.contains("no complete cached run"))
    }

    @Test func concurrentRunsOnOneStoreAllFinish() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let store = dir.path + "/s.sqlite"
        let processes = (0..<3).map { _ -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: repro)
            p.arguments = ["run", "newton-schulz", "--preset", "quick", "--seeds", "2"]
            p.currentDirectoryURL = repositoryRoot
            p.environment = ProcessInfo.processInfo.environment.merging(["REPRO_STORE": store]) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            return p
        }
        for p in processes { try p.run() }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let runs = try run(["runs"], store: store)
        let okRows = runs.stdout.split(separator: "\n").filter { $0.contains(" ok ") }
        #expect(okRows.count >= 2 && okRows.count <= 6, "\(runs.stdout)")
    }
}
