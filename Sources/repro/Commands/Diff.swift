import ArgumentParser
import Foundation
import ReproKit
import ReproRegistry
import ReproReport
import ReproRunner
import ReproStore

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two result sets claim by claim: verdict changes, then measurements that moved beyond noise.",
        discussion: """
        A result set is a results folder (default A: results/), a store (`store` for the current one, the \
        default B, or `store:PATH` / a path ending in .sqlite: the newest complete cached run of each \
        experiment), or a git revision's results/ (`HEAD`, `v1`, `abc123`, or `git:REV`). \
        A measurement changed beyond noise when its mean moved by more than 3 standard errors of the \
        difference (√(SE_A² + SE_B²), SE = sd/√seeds; binomial for proportions; Monte Carlo estimates add \
        their own errors), the golden files' rule; seed-independent values \
        by more than 1e-9 (exact) or 1e-4 (no seed spread) relative. Timings are not compared. \
        Exit 0 when nothing changed beyond noise, 1 when something did, 2 on a usage error. \
        An experiment a store has no complete run of is listed, not counted as a change.
        """)

    @Argument(help: "Result set A (default: results).")
    var a: String?

    @Argument(help: "Result set B (default: store).")
    var b: String?

    @Option(name: .long, help: "Preset of the runs read from a store.")
    var preset = "full"

    @Flag(name: .long, help: "Print one JSON object (schema 1, docs/json.md) instead of text.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var execution: ExecutionOptions

    func validate() throws { try PresetName.validate(preset) }

    struct ResultSet {
        var label: String
        var results: [String: CommittedResults]
        /// A store holds only what was run: missing experiments are not changes.
        var partial: Bool
    }

    func run() throws {
        let setA = try load(a ?? "results")
        let setB = try load(b ?? "store")
        var diff = ResultsDiff(setA.results, setB.results, labelA: setA.label, labelB: setB.label) { mean, se, exact in
            let rule = GoldenFile.tolerance(mean: mean, standardError: se, exact: exact)
            return (rule.tolerance, rule.fromSpread ? "3·SE of the difference" : rule.basis)
        }
        // Experiments a store never ran are reported, not counted.
        var notCompared: [String] = []
        diff.experimentsOnlyIn.removeAll { line in
            let id = String(line.prefix { $0 != ":" })
            let missingFromPartial = (setA.partial && setA.results[id] == nil) || (setB.partial && setB.results[id] == nil)
            if missingFromPartial { notCompared.append(id) }
            return missingFromPartial
        }
        if json {
            struct Body: Encodable { var diff: ResultsDiff; var notCompared: [String] }
            FileHandle.standardOutput.write(JSONReport.document(command: "diff", version: ReproVersion.info,
                                                                body: Body(diff: diff, notCompared: notCompared)))
            if diff.changed { throw ExitCode(1) }
            return
        }
        var text = diff.text()
        if !notCompared.isEmpty {
            text += "Not compared (no complete cached \(preset) run in the store): \(notCompared.joined(separator: ", ")).\n"
        }
        for set in [setA, setB] where set.results.isEmpty {
            text += "\(set.label) holds no results.json (none written yet, or results from before schema 1).\n"
        }
        print(text, terminator: "")
        if diff.changed { throw ExitCode(1) }
    }

    func load(_ spec: String) throws -> ResultSet {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if spec == "store" || spec.hasPrefix("store:") || (spec.hasSuffix(".sqlite") && fm.fileExists(atPath: spec)) {
            let path = spec == "store" ? storeOptions.storePath : spec.hasPrefix("store:") ? String(spec.dropFirst(6)) : spec
            guard fm.fileExists(atPath: path) else { throw UsageError("no store at \(path)") }
            let store = try Store(path: path)
            var out: [String: CommittedResults] = [:]
            for e in Registry.all {
                if let run = try Runner.newestCachedRun(e, preset: preset, store: store, preferring: execution.blasThreads),
                   let r = ResultsWriter.committed(experiment: e, preset: preset, trials: run.records) {
                    out[e.paper.id] = r
                }
            }
            return ResultSet(label: "store \(path)", results: out, partial: true)
        }
        if !spec.hasPrefix("git:"), fm.fileExists(atPath: spec, isDirectory: &isDirectory), isDirectory.boolValue {
            return ResultSet(label: spec, results: try CommittedResults.readAll(resultsFolder: spec), partial: false)
        }
        let revision = spec.hasPrefix("git:") ? String(spec.dropFirst(4)) : spec
        return ResultSet(label: "\(revision):results", results: try Self.fromGit(revision: revision), partial: false)
    }

    /// Every `results/<id>/results.json` at a git revision, read with `git show`.
    static func fromGit(revision: String) throws -> [String: CommittedResults] {
        guard try git(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"]).status == 0 else {
            throw UsageError("'\(revision)' is neither a results folder, a store nor a git revision")
        }
        let tree = try git(["ls-tree", "-d", "--name-only", revision, "results/"])
        var out: [String: CommittedResults] = [:]
        for line in String(decoding: tree.output, as: UTF8.self).split(separator: "\n") {
            let id = String(line.split(separator: "/").last ?? "")
            let show = try git(["show", "\(revision):\(line)/\(CommittedResults.fileName)"])
            guard show.status == 0 else { continue }
            let r = try CommittedResults.decode(show.output, origin: "\(revision):\(line)/\(CommittedResults.fileName)")
            out[r.experiment.isEmpty ? id : r.experiment] = r
        }
        return out
    }

    static func git(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw UsageError("cannot run git: \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}
