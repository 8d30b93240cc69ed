import ReproKit
import Testing
@testable import ReproReport

@Suite struct CSVWriterTests {
    @Test func rfc4180Quoting() {
        #expect(CSVWriter.field("plain") == "plain")
        #expect(CSVWriter.field("a,b") == "\"a,b\"")
        #expect(CSVWriter.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.field("two\nlines") == "\"two\nlines\"")
    }

    func series(_ name: String, x: [Double], _ columns: [(String, [Double])], xLabel: String = "x") -> Measurements {
        var m = Measurements()
        m.record(Series(name: name, x: .init(xLabel, x), ys: columns.map { .init($0.0, $0.1) }))
        return m
    }

    @Test func oneRowPerXPerSeedWithIntegerX() throws {
        let runs = SeedRuns([3: series("s", x: [1, 2], [("y", [1, .nan])]), 7: series("s", x: [1, 2, 4.5], [("y", [3, 4, 5])])])
        let file = try #require(CSVWriter.dataFiles(runs).first)
        #expect(file.name == "s.csv" && !file.seedIndependent)
        #expect(file.text == """
        seed,x,y
        3,1,1.0
        3,2,nan
        7,1,3.0
        7,2,4.0
        7,4.5,5.0

        """)
    }

    @Test func seedIndependentSeriesWrittenOnce() throws {
        let m = series("map", x: [0.5, 1], [("jordan", [0.25, 0.5]), ("you", [0.125, .nan])], xLabel: "σ")
        let file = try #require(CSVWriter.dataFiles(SeedRuns([m, m, m])).first)
        #expect(file.seedIndependent)
        #expect(file.text == "σ,jordan,you\n0.5,0.25,0.125\n1,0.5,nan\n")
        // One seed is not "seed-independent": the seed column stays.
        #expect(CSVWriter.dataFiles(SeedRuns([m])).first?.text.hasPrefix("seed,σ,jordan,you\n1,0.5,") == true)
    }

    @Test func parameterInTheNameBecomesAColumn() throws {
        func m(_ s: Double) -> Measurements {
            var m = Measurements()
            for n in [16000, 1000] {
                m.record(Series(name: "sweep.lambda.N\(n)", x: .init("λ", [0.1, 1]), ys: [.init("N=\(n)", [s, s + Double(n)])]))
            }
            m.record(Series(name: "ortho.64x64", x: .init("step", [0]), ys: [.init("a", [1]), .init("b", [2])]))
            m.record(Series(name: "ortho.8x16", x: .init("step", [0]), ys: [.init("a", [3]), .init("b", [4])]))
            m.record(Series(name: "lr_sweep.adamw", x: .init("lr", [1]), ys: [.init("loss", [s])]))
            return m
        }
        let figure = Figure(id: "f", title: "t", series: ["sweep.lambda.N1000"], xLabel: "λ", yLabel: "final loss")
        let files = CSVWriter.dataFiles(SeedRuns([m(1), m(2)]), figures: [figure])
        #expect(files.map(\.name) == ["lr_sweep.adamw.csv", "ortho.csv", "sweep.lambda.csv"])
        let sweep = files[2]
        #expect(sweep.parameter == "N" && sweep.series == ["sweep.lambda.N1000", "sweep.lambda.N16000"])
        #expect(sweep.text == """
        N,seed,λ,final loss
        1000,1,0.1,1.0
        1000,1,1,1001.0
        1000,2,0.1,2.0
        1000,2,1,1002.0
        16000,1,0.1,1.0
        16000,1,1,16001.0
        16000,2,0.1,2.0
        16000,2,1,16002.0

        """)
        #expect(files[1].text == "shape,step,a,b\n64x64,0,1.0,2.0\n8x16,0,3.0,4.0\n")
    }

    @Test func fixtureFilesAndSafeNames() {
        let files = CSVWriter.files(SeedRuns(trials: Fixtures.trials()))
        #expect(files.keys.sorted() == ["loss.csv", "sweep.csv"])
        #expect(CSVWriter.fileName(series: "val loss/α") == "val-loss--.csv")
        #expect(files["loss.csv"]!.hasPrefix("seed,step,train,\"val, held-out\"\n1,0,2.6,2.75\n"))
        #expect(files["loss.csv"]!.split(separator: "\n").count == 1 + 3 * 50)
    }
}
