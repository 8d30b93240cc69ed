import Foundation
import ReproTestSupport
import Testing

/// End-to-end against a real SLURM cluster: `make test-slurm` starts a throwaway one
/// (`scripts/slurm-local up`), runs this suite with REPRO_TEST_SLURM=1 and stops it. Plain
/// `make test` skips it. The array tasks run the same `repro` binary the tests run.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["REPRO_TEST_SLURM"] == "1",
                             "needs a SLURM cluster: make test-slurm"))
struct SlurmTests {
    let repro = productsDirectory.appending(path: "repro").path

    func run(_ args: [String], store: String, in dir: String? = nil) throws -> ProcessResult {
        try runProcess(repro, args, in: dir ?? repositoryRoot.path, environment: ["REPRO_STORE": store])
    }

    func json(_ r: ProcessResult, _ what: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                     "\(what): exit \(r.status), stdout \(r.stdout.prefix(300)), stderr \(r.stderr.suffix(1500))")
    }

    /// The trials of a `run`/`collect --json` document, by seed.
    func trials(_ doc: [String: Any]) throws -> [UInt64: [String: Any]] {
        let entry = try #require((doc["experiments"] as? [[String: Any]])?.first)
        let list = try #require(entry["trials"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { (($0["seed"] as? NSNumber)?.uint64Value ?? 0, $0) })
    }

    /// Every measurement that is not a timing, per seed (seed=bits of the value), from a run's results.
    func values(_ doc: [String: Any]) throws -> [String: [String]] {
        let entry = try #require((doc["experiments"] as? [[String: Any]])?.first)
        let measurements = try #require((entry["results"] as? [String: Any])?["measurements"] as? [[String: Any]])
        var out: [String: [String]] = [:]
        for m in measurements where (m["timing"] as? Bool) != true {
            let perSeed = (m["perSeed"] as? [[String: Any]]) ?? []
            // repro prints Doubles in their shortest round-trip form, so the parsed bits are the stored bits.
            out[m["name"] as? String ?? "?"] = perSeed.map {
                "\($0["seed"] ?? "")=\(($0["value"] as? NSNumber)?.doubleValue.bitPattern.description ?? "null")\($0["nonFinite"] ?? "")"
            }
        }
        return out
    }

    func hostName() throws -> String {
        try runProcess("/usr/bin/env", ["hostname"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func submittedNoWait(_ args: [String], store: String) throws -> (job: String, folder: String) {
        let r = try run(args + ["--executor", "slurm", "--no-wait", "--json"], store: store)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try json(r, "submit")
        return (try #require(doc["job"] as? String), try #require(doc["runFolder"] as? String))
    }

    @Test func slurmRunIsBitwiseEqualToALocalRun() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let local = try run(["run", "newton-schulz", "--seeds", "3", "--json"], store: dir.path + "/local.sqlite")
        let localDoc = try json(local, "local run")
        let clusterStore = dir.path + "/cluster.sqlite"
        let started = Date()
        let cluster = try run(["run", "newton-schulz", "--seeds", "3", "--executor", "slurm", "--json"], store: clusterStore)
        let wall = Date().timeIntervalSince(started)
        #expect(cluster.status == 0, "\(cluster.stderr)")
        let clusterDoc = try json(cluster, "slurm run")
        #expect(clusterDoc["job"] is String && clusterDoc["runFolder"] is String)

        let a = try trials(localDoc), b = try trials(clusterDoc)
        #expect(Set(a.keys) == [1, 2, 3] && Set(b.keys) == [1, 2, 3])
        for seed in a.keys.sorted() {
            #expect(a[seed]?["cacheKey"] as? String == b[seed]?["cacheKey"] as? String, "seed \(seed): cache keys differ")
            #expect(b[seed]?["status"] as? String == "ok" && b[seed]?["cached"] as? Bool == false)
            // The provenance the submitter planned with.
            #expect(a[seed]?["commit"] as? String == b[seed]?["commit"] as? String)
            #expect(a[seed]?["diffHash"] as? String == b[seed]?["diffHash"] as? String)
        }
        let va = try values(localDoc), vb = try values(clusterDoc)
        #expect(!va.isEmpty && va == vb, "non-timing measurements differ between the local and the SLURM run")
        // Series too: every series CSV `repro report` writes from each store is the same text.
        for (store, out) in [(dir.path + "/local.sqlite", dir.path + "/results-local"), (clusterStore, dir.path + "/results-cluster")] {
            let report = try run(["report", "--preset", "quick", "--output", out], store: store)
            #expect(report.status == 0, "\(report.stderr)")
        }
        let seriesFiles = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/results-local/newton-schulz")
            .filter { $0.hasSuffix(".csv") && !["claims.csv", "measurements.csv"].contains($0) }
        #expect(!seriesFiles.isEmpty)
        for file in seriesFiles {
            let a = try String(contentsOfFile: dir.path + "/results-local/newton-schulz/" + file, encoding: .utf8)
            let b = try? String(contentsOfFile: dir.path + "/results-cluster/newton-schulz/" + file, encoding: .utf8)
            #expect(a == b, "\(file) differs between the local and the SLURM run")
        }

        // The cluster's trials are cache hits for a local run on the merged store.
        let again = try json(try run(["run", "newton-schulz", "--seeds", "3", "--json"], store: clusterStore), "local rerun")
        #expect(try trials(again).values.allSatisfy { $0["cached"] as? Bool == true })

        // Each task recorded its host and SLURM job; the store, not the run folder, holds them.
        let runs = try run(["runs"], store: clusterStore)
        #expect(runs.stdout.contains(" \(try hostName()) "), "\(runs.stdout)")
        print("slurm: newton-schulz quick, 3 seeds: \(String(format: "%.1f", wall)) s through SLURM")
    }

    /// Waits until array task `index` has started its trial: its log says so, which the task
    /// prints right after recording the trial as `running`.
    func waitUntilTrialStarted(folder: String, index: Int) throws {
        let log = folder + "/logs/task-\(index).log"
        let deadline = Date().addingTimeInterval(120)
        while (try? String(contentsOfFile: log, encoding: .utf8))?.contains(": started") != true {
            try #require(Date() < deadline, "array task \(index) never started its trial")
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The pids of an array task's batch step (`scontrol listpids` of the task's own job id).
    func batchPids(job: String, index: Int) throws -> [Int32] {
        let ids = try runProcess("/usr/bin/env", ["squeue", "-h", "-r", "-j", job, "-o", "%i|%A"]).stdout
        let own = try #require(ids.split(separator: "\n").first { $0.hasPrefix("\(job)_\(index)|") }?.split(separator: "|").last)
        let listed = try runProcess("/usr/bin/env", ["scontrol", "listpids", String(own)]).stdout
        return listed.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            return f.count >= 3 && f[2] == "batch" ? Int32(f[0]) : nil
        }
    }

    /// One task cancelled with scancel, one killed with SIGKILL mid-trial (as the OOM killer or
    /// a lost node would): both recorded as failed with their log's tail; the same command
    /// again resubmits those two only.
    @Test func killedArrayTasksAreFailedAndARerunCompletesOnlyThem() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let store = dir.path + "/s.sqlite"
        // Full-preset trials take seconds each: long enough to kill one while it runs.
        let base = ["run", "newton-schulz", "--preset", "full", "--seeds", "3", "--max-parallel", "2"]
        let (job, folder) = try submittedNoWait(base, store: store)
        try waitUntilTrialStarted(folder: folder, index: 1)
        let cancel = try runProcess("/usr/bin/env", ["scancel", "\(job)_1"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        try waitUntilTrialStarted(folder: folder, index: 2)
        let pids = try batchPids(job: job, index: 2)
        #expect(!pids.isEmpty)
        for pid in pids { kill(pid, SIGKILL) }

        let collect = try run(["collect", folder, "--json"], store: store)
        #expect(collect.status == 1, "a killed task is a failed trial: \(collect.stderr)")
        let collected = try trials(try json(collect, "collect"))
        #expect(collected[1]?["status"] as? String == "ok")
        let cancelled = collected[2]?["error"] as? String ?? "", killed = collected[3]?["error"] as? String ?? ""
        #expect(collected[2]?["status"] as? String == "failed" && collected[3]?["status"] as? String == "failed")
        #expect(cancelled.contains("\(job)_1, CANCELLED") && cancelled.contains("log tail") && cancelled.contains("seed 2: started"), "\(cancelled)")
        #expect(killed.hasPrefix("killed while its trial was running (array task \(job)_2") && killed.contains("seed 3: started"), "\(killed)")
        let history = try run(["runs"], store: store)
        #expect(history.stdout.contains("failed: killed while its trial was running"), "\(history.stdout)")

        // The same command again: only the failed trials are resubmitted.
        let args = base + ["--executor", "slurm"]
        let rerun = try run(args, store: store)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let rerunDoc = try json(try run(args + ["--json"], store: store), "rerun (all cached now)")
        let again = try trials(rerunDoc)
        #expect(again.values.allSatisfy { $0["cached"] as? Bool == true && $0["status"] as? String == "ok" })
        let runFolders = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/runs").sorted()
        #expect(runFolders.count == 2, "all cached: nothing submitted the third time")
        let manifest = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/runs/" + runFolders[1] + "/run.json"))) as? [String: Any])
        let tasks = (manifest["trials"] as? [[String: Any]])?.filter { $0["task"] != nil } ?? []
        #expect(tasks.compactMap { ($0["seed"] as? NSNumber)?.intValue }.sorted() == [2, 3])
    }

    @Test func noWaitThenCollect() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let store = dir.path + "/s.sqlite"
        let (job, folder) = try submittedNoWait(["run", "newton-schulz", "--seeds", "2"], store: store)
        #expect(!job.isEmpty && folder.hasPrefix(dir.path + "/runs/"))
        // `collect` waits for the job, merges, prints the usual summary.
        let collect = try run(["collect", folder], store: store)
        #expect(collect.status == 0, "\(collect.stderr)")
        #expect(collect.stdout.contains("newton-schulz") && collect.stdout.contains("2 seed(s), 0 cached"), "\(collect.stdout)")
        // Collecting again adds nothing; with no argument there is nothing left to collect.
        let twice = try json(try run(["collect", folder, "--json"], store: store), "collect again")
        #expect(try trials(twice).count == 2)
        let history = try json(try run(["runs", "--json"], store: store), "runs")
        #expect((history["trials"] as? [[String: Any]])?.count == 2)
        let none = try run(["collect"], store: store)
        #expect(none.status == 0 && none.stdout.contains("nothing to collect"), "\(none.stdout)")
        // The run folder copied to a machine without SLURM (no squeue on PATH): merged into
        // another store from its task files alone.
        let copy = dir.path + "/copied-run"
        try FileManager.default.copyItem(atPath: folder, toPath: copy)
        let elsewhere = try runProcess(repro, ["collect", copy, "--store", dir.path + "/elsewhere.sqlite"], in: dir.path,
                                       environment: ["PATH": dir.path + "/no-slurm-here"])
        #expect(elsewhere.status == 0 && elsewhere.stderr.contains("squeue is not on PATH"), "\(elsewhere.stderr)")
        #expect(elsewhere.stdout.contains("2 seed(s), 0 cached"), "\(elsewhere.stdout)")
    }

    /// A task whose binary or sources differ from the plan's refuses to run.
    @Test func aTaskOfAnotherBuildRefuses() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let store = dir.path + "/s.sqlite"
        for (field, expected) in [("binary", "is not the one that planned the run"), ("sourceHash", "sources differ")] {
            let (job, folder) = try submittedNoWait(["run", "newton-schulz", "--seeds", "1", "--slurm-option=--hold"], store: store)
            let path = folder + "/run.json"
            var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            if field == "binary" {
                var binary = try #require(manifest["binary"] as? [String: Any])
                binary["hash"] = String(repeating: "0", count: 40)
                manifest["binary"] = binary
            } else {
                var trials = try #require(manifest["trials"] as? [[String: Any]])
                trials[0]["sourceHash"] = "0000000000"
                manifest["trials"] = trials
            }
            try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: path))
            let release = try runProcess("/usr/bin/env", ["scontrol", "release", job])
            #expect(release.status == 0, "\(release.stderr)")
            let collect = try run(["collect", folder, "--json"], store: store)
            #expect(collect.status == 1)
            let error = try trials(try json(collect, "collect"))[1]?["error"] as? String ?? ""
            #expect(error.hasPrefix("refused: ") && error.contains(expected) && error.contains("log tail"), "\(field): \(error)")
        }
    }

    /// Two stores written on different hosts: `repro merge` gives their union, twice or not;
    /// a `running` row from the other host reads "unknown", not "killed", and is no cache hit.
    @Test func mergeStoresFromTwoHosts() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let a = dir.path + "/a.sqlite", b = dir.path + "/b.sqlite"
        #expect(try run(["run", "newton-schulz", "--seeds", "2"], store: a).status == 0)
        // Store b on host "node-b" (a UTS namespace of its own): seeds 2 and 3, then a full
        // run killed mid-trial, which leaves a `running` row.
        let onB = ["-u", "sh", "-c", "hostname node-b && exec \"$0\" \"$@\"", repro]
        let env = ["REPRO_STORE": b]
        let quick = try runProcess("/usr/bin/unshare", onB + ["run", "newton-schulz", "--seeds", "3"], in: repositoryRoot.path, environment: env)
        #expect(quick.status == 0, "\(quick.stderr)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = onB + ["run", "newton-schulz", "--preset", "full", "--seeds", "1", "--jobs", "1"]
        process.currentDirectoryURL = repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while try !run(["runs"], store: b).stdout.contains("full") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let merge = try run(["merge", b], store: a)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("4 trial(s) added (3 ok)"), "\(merge.stdout)")
        let twice = try run(["merge", b], store: a)
        #expect(twice.stdout.contains("0 trial(s) added") && twice.stdout.contains("4 already present"), "\(twice.stdout)")

        let history = try json(try run(["runs", "--json"], store: a), "runs")
        let rows = try #require(history["trials"] as? [[String: Any]])
        #expect(rows.count == 6)
        #expect(rows.filter { $0["status"] as? String == "unknown" }.count == 1, "\(rows.map { $0["status"] ?? "" })")
        let table = try run(["runs"], store: a)
        #expect(table.stdout.contains("unknown (running on node-b") && !table.stdout.contains("killed"), "\(table.stdout)")
        #expect(table.stdout.contains(" \(try hostName()) "), "rows from this host name it: \(table.stdout)")
        // The union: seeds 1–3 are all hits now (seed 3 came from node-b); the killed full trial is not.
        let union = try trials(try json(try run(["run", "newton-schulz", "--seeds", "3", "--json"], store: a), "run on the union"))
        #expect(union.values.allSatisfy { $0["cached"] as? Bool == true })
        let full = try run(["show", "newton-schulz", "--preset", "full"], store: a)
        #expect(full.stdout.contains("no complete cached run"))
    }
}
