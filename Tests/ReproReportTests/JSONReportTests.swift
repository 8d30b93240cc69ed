import Foundation
import ReproKit
import Testing
@testable import ReproReport

@Suite struct JSONReportTests {
    let version = VersionInfo(version: "0.0.1", commit: "abc", dirty: true, toolchain: "Swift 6.3.1")

    @Test func runDocumentIsOneObjectWithNullForNaN() throws {
        let trials = Fixtures.trials(divergeSeed: 2).map { (record: $0, cached: $0.seed == 1) }
        let entry = JSONReport.runEntry(experiment: Fixtures.experiment, preset: "quick", trials: trials)
        let data = JSONReport.document(command: "run", version: version, body: JSONReport.Experiments([entry]),
                                       extra: ["preset": "quick"])
        let text = String(decoding: data, as: UTF8.self)
        // No number as a string: "nan" appears only as the reason beside a null.
        let stringNumbers = text.split(separator: "\n").filter { ($0.contains("\"nan\"") || $0.contains("\"inf\"") || $0.contains("\"-inf\"")) && !$0.contains("nonFinite") }
        #expect(stringNumbers.isEmpty, "\(stringNumbers)")
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(doc["schema"] as? Int == 1 && doc["command"] as? String == "run" && doc["preset"] as? String == "quick")
        #expect((doc["repro"] as? [String: Any])?["commit"] as? String == "abc")
        let experiments = try #require(doc["experiments"] as? [[String: Any]])
        #expect(experiments.count == 1 && experiments[0]["id"] as? String == "fake-paper")
        let results = try #require(experiments[0]["results"] as? [String: Any])
        let claims = try #require(results["claims"] as? [[String: Any]])
        #expect(claims.map { $0["id"] as? String } == FakeExperiment.claims.map(\.id))
        #expect(claims.first { $0["id"] as? String == "stable" }?["verdict"] as? String == "not reproduced")
        let measurements = try #require(results["measurements"] as? [[String: Any]])
        let loss = try #require(measurements.first { $0["name"] as? String == "final_loss" })
        #expect(loss["value"] == nil && (loss["reason"] as? String)?.contains("not finite") == true)
        let perSeed = try #require(loss["perSeed"] as? [[String: Any]])
        #expect(perSeed.count == 3 && perSeed[1]["value"] == nil && perSeed[1]["nonFinite"] as? String == "nan")
        let trialList = try #require(experiments[0]["trials"] as? [[String: Any]])
        #expect(trialList.map { $0["seed"] as? Int } == [1, 2, 3])
        #expect(trialList.map { $0["cached"] as? Bool } == [true, false, false])
        // Sorted keys, and independent of the order of the trials.
        let again = JSONReport.document(command: "run", version: version,
                                        body: JSONReport.Experiments([JSONReport.runEntry(experiment: Fixtures.experiment, preset: "quick", trials: trials.reversed())]),
                                        extra: ["preset": "quick"])
        #expect(data == again)
    }

    @Test func resultsJSONRoundTripsWithConfigAndProvenance() throws {
        let r = try #require(ResultsWriter.committed(experiment: Fixtures.experiment, preset: "quick", trials: Fixtures.trials()))
        #expect(r.config == .object(["steps": .integer(10)]))
        #expect(r.provenance?.blasThreads == [1] && r.provenance?.wallSeconds == 9)
        let back = try CommittedResults.decode(Data(r.json().utf8), origin: "test")
        #expect(back == r)
        #expect(r.verdictSummary == "3 reproduced, 1 not measured")
    }

    @Test func listEntryCountsVerdictsByRole() throws {
        let r = try #require(ResultsWriter.committed(experiment: Fixtures.experiment, preset: "full", trials: Fixtures.trials()))
        let entry = JSONReport.ListEntry(experiment: Fixtures.experiment, status: "committed", results: r)
        #expect(entry.verdicts?["claim"]?["reproduced"] == 3)
        #expect(entry.seeds == 3 && entry.status == "committed")
    }
}
