import Foundation
import ReproKit
import ReproTestSupport
import Testing
@testable import ReproReport

@Suite struct TidyTablesTests {
    @Test func claimsAndMeasurementsAreLongAndComplete() throws {
        let r = try #require(ResultsWriter.committed(experiment: Fixtures.experiment, preset: "full", trials: Fixtures.trials(divergeSeed: 3)))
        let claims = TidyTables.claims([r]).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(claims[0] == Substring(TidyTables.claimsHeader.joined(separator: ",")))
        #expect(claims.count == 1 + FakeExperiment.claims.count + 1)  // header, rows, final newline
        #expect(claims[1].hasPrefix("fake-paper,accuracy,claim,accuracy,student-t,0.91"))
        #expect(claims[1].contains(",reproduced,95% student-t interval inside the band,≈ 0.91,\"Doe 2025, Table 2\",https://example.org/fake#table2,full,3"))
        // An open band end is an empty field.
        #expect(claims[3].contains(",,1.0,"))
        let measurements = TidyTables.measurements([r])
        #expect(measurements.contains("fake-paper,final_loss,3,,nan,nats,false,false,,,,full\n"))
        #expect(measurements.contains("fake-paper,a,1,3.4445,,,true,false,,,,full\n"))
        #expect(measurements.split(separator: "\n").count == 1 + 3 * 3)
    }

    @Test func experimentFolderHasTheTables() {
        let files = ResultsWriter.experimentFiles(experiment: Fixtures.experiment, preset: "full", trials: Fixtures.trials())
        #expect(files["fake-paper/claims.csv"] != nil && files["fake-paper/measurements.csv"] != nil)
        #expect(files["fake-paper/README.md"]!.contains("[claims.csv](claims.csv)"))
    }

    @Test func atomicWriteLeavesNothingBehind() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        let url = dir.url.appending(path: "f.txt")
        try AtomicFile.write("one", to: url)
        try AtomicFile.write("two", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["f.txt"])
    }
}
