import Foundation
import ReproKit
import ReproTestSupport
import Testing
@testable import ReproReport

@Suite struct ResultsWriterTests {
    let experiment = Fixtures.experiment

    @Test func experimentFilesAreDeterministicAndComplete() throws {
        let trials = Fixtures.trials()
        let files = ResultsWriter.experimentFiles(experiment: experiment, preset: "quick", trials: trials)
        #expect(files == ResultsWriter.experimentFiles(experiment: experiment, preset: "quick", trials: trials.reversed()))
        #expect(files.keys.sorted() == ["fake-paper/README.md", "fake-paper/claims.csv", "fake-paper/fig-loss.svg", "fake-paper/fig-sweep.svg",
                                        "fake-paper/loss.csv", "fake-paper/measurements.csv", "fake-paper/results.json",
                                        "fake-paper/sweep.csv"])
        let page = try #require(files["fake-paper/README.md"])
        for claim in FakeExperiment.claims {
            #expect(page.contains("### \(claim.id)"))
            #expect(page.contains(claim.source.url))
            #expect(page.contains(claim.source.location))
            #expect(page.contains(claim.tolerance))
            #expect(page.contains(claim.differences))
        }
        #expect(page.contains("![Training loss](fig-loss.svg)"))
        #expect(page.contains("[loss.csv](loss.csv)"))
        #expect(page.contains("A two-layer MLP on synthetic data"))
        #expect(page.contains("`2501.00001`"))
        #expect(page.contains("Generated from commit 0123456789 (main)."))
        #expect(page.contains("OpenBLAS 0.3.21 Haswell"))
        #expect(page.contains("9.00 s total"))  // 1.5 + 3 + 4.5
        #expect(page.contains("143 MiB"))  // 150 MB, the largest trial
        #expect(page.contains("### coefficients"))
        #expect(page.contains("| accuracy | fraction | 0.9110 | [0.9035, 0.9185] | student-t | 1: 0.9080, 2: 0.9110, 3: 0.9140 | test split |"))
        #expect(page.contains("- **Interval:** Student-t 95% interval of the mean across seeds"))
        #expect(page.contains("acceptance band [3.4444, 3.4446] on `a`"))
        #expect(page.contains("| a |  | 3.4445 | exact | exact | 1: 3.4445, 2: 3.4445, 3: 3.4445 |"))
        #expect(!page.contains("2023"))  // no dates from the records
    }

    @Test func failedAndDuplicateTrialsAreIgnored() {
        var trials = Fixtures.trials(seeds: 2)
        trials.append(Fixtures.record(seed: 3, status: .failed, measurements: nil))
        let files = ResultsWriter.experimentFiles(experiment: experiment, preset: "quick", trials: trials)
        #expect(files["fake-paper/README.md"]!.contains("2 seeds (1, 2)"))
    }

    @Test func divergedSeedIsReported() throws {
        let files = ResultsWriter.experimentFiles(experiment: experiment, preset: "quick", trials: Fixtures.trials(divergeSeed: 2))
        let page = try #require(files["fake-paper/README.md"])
        #expect(page.contains("diverged (nan)"))
        #expect(page.contains("a seed diverged"))
    }

    @Test func mixedCommitsAreAllNamed() throws {
        var trials = Fixtures.trials(seeds: 2)
        trials[1].provenance = Fixtures.provenance(commit: "fedcba9876543210", dirty: true)
        let page = try #require(ResultsWriter.experimentFiles(experiment: experiment, preset: "quick", trials: trials)["fake-paper/README.md"])
        #expect(page.contains("Generated from commits 0123456789 (main), fedcba9876 (main, dirty)."))
        #expect(page.contains("diff feedbeef"))
    }

    @Test func figuresWithoutDataAreNotDrawn() throws {
        let trials = (UInt64(1)...2).map { seed -> TrialRecord in
            var m = Fixtures.measurements(seed: seed)
            m.series["sweep"] = nil
            return Fixtures.record(seed: seed, measurements: m)
        }
        let files = ResultsWriter.experimentFiles(experiment: experiment, preset: "quick", trials: trials)
        #expect(files["fake-paper/fig-sweep.svg"] == nil)
        #expect(files["fake-paper/fig-loss.svg"] != nil)
        #expect(files["fake-paper/README.md"]!.contains("_Learning-rate sweep: not drawn, preset `quick` records none of its series (sweep, not-recorded)._"))
    }

    @Test func notRunExperimentHasAPage() throws {
        let files = ResultsWriter.experimentFiles(experiment: experiment, preset: "full", trials: [])
        #expect(try #require(files["fake-paper/README.md"]).contains("Not run"))
    }

    @Test func scoreboardListsEveryClaimAndNotRunExperiments() {
        let other = AnyExperiment(OtherExperiment.self, target: "Other", sourceHash: "def")
        let entries: [(experiment: AnyExperiment, preset: String, trials: [TrialRecord])] = [
            (other, "full", []), (experiment, "full", Fixtures.trials()),
        ]
        let board = ResultsWriter.scoreboard(entries)
        #expect(board == ResultsWriter.scoreboard(entries.reversed()))
        for claim in FakeExperiment.claims + OtherExperiment.claims {
            #expect(board.contains("| \(claim.id) | [\(claim.source.citation), \(claim.source.location)](\(claim.source.url)) |"))
        }
        #expect(board.contains("[other](other/README.md)"))
        #expect(board.contains("| [other](other/README.md) | Other | full | not run |"))
        #expect(board.contains("[fake-paper](fake-paper/README.md)"))
        // Reproduced: accuracy (interval inside ±0.02), coefficient (exact), stable (≤ 1); absent: not measured.
        #expect(board.contains("| 3 | 3 | 0 | 0 | 1 | 0/0 |"))
        #expect(board.contains("| o1 | [X, Table 1](https://example.org/other#t1) | 1 | not run | not run |"))
        #expect(board.range(of: "[fake-paper]")!.lowerBound < board.range(of: "[other]")!.lowerBound)
    }

    /// A report from a store that lacks an experiment keeps that experiment's committed rows.
    @Test func committedResultsSurviveAStoreWithoutTheExperiment() throws {
        let files = ResultsWriter.experimentFiles(experiment: experiment, preset: "full", trials: Fixtures.trials())
        let json = try #require(files["fake-paper/results.json"])
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dir = folder.url.appending(path: "fake-paper")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try json.write(to: dir.appending(path: "results.json"), atomically: false, encoding: .utf8)
        let committed = try #require(try CommittedResults.read(resultsFolder: folder.url.path, experiment: "fake-paper"))
        #expect(committed.schema == 1)
        #expect(committed.verdict(of: "accuracy") == "reproduced")
        let board = ResultsWriter.scoreboard([(experiment, "full", [])], committed: ["fake-paper": committed])
        #expect(board.contains("| full (committed) | 3 | 3 | 0 | 0 | 1 | 0/0 |"))
        #expect(board.contains("| accuracy |"))
        #expect(board.contains("reproduced (committed)"))
        #expect(!board.contains("not run"))
        // A newer schema is refused, not silently read.
        try json.replacingOccurrences(of: "\"schema\" : 1", with: "\"schema\" : 99")
            .write(to: dir.appending(path: "results.json"), atomically: false, encoding: .utf8)
        #expect(throws: UsageError.self) { try CommittedResults.read(resultsFolder: folder.url.path, experiment: "fake-paper") }
    }
}

enum OtherExperiment: Experiment {
    struct Config: Codable, Sendable {}
    static let paper = Paper(id: "other", title: "Other", authors: "X", year: 2024, url: "https://example.org/other")
    static let claims = [Claim(id: "o1", statement: "s", measurement: "m", paperValue: "1", band: .atLeast(1), interval: .studentT,
                               tolerance: "t", source: Source("X", location: "Table 1", url: "https://example.org/other#t1"), differences: "d")]
    static let presets = [Preset(name: "full", seeds: 3, config: Config())]
    static func run(_ trial: Trial<Config>, _ context: RunContext) throws -> Measurements { Measurements() }
}
