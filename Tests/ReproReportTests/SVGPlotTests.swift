import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ReproKit
import Testing
@testable import ReproReport

/// Collects the elements of an SVG document and whether it parsed.
final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String]) {
        elements.append((name, attributes))
    }

    static func parse(_ svg: String) -> ElementCollector? {
        let collector = ElementCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    func paths(_ cls: String) -> [[String: String]] {
        elements.filter { $0.name == "path" && $0.attributes["class"] == cls }.map(\.attributes)
    }
}

@Suite struct SVGPlotTests {
    let runs = SeedRuns(trials: Fixtures.trials())

    @Test func wellFormedWithOneLinePerColumnAndBands() throws {
        let figure = FakeExperiment.figures[0]
        let svg = SVGPlot.render(figure, runs: runs)
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.elements.first?.name == "svg")
        #expect(doc.paths("line").count == 2)  // train, "val, held-out"
        #expect(doc.paths("band").count == 2)
        #expect(doc.elements.filter { $0.attributes["class"] == "reference" }.count == 1)
        #expect(svg.contains("mean across 3 seeds"))
        #expect(svg.contains("target loss"))
        #expect(svg.contains("Training loss"))
        #expect(svg.contains("(log scale)"))
    }

    @Test func singleSeedHasNoBand() throws {
        let svg = SVGPlot.render(FakeExperiment.figures[0], seeds: [Fixtures.measurements(seed: 1)])
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.paths("line").count == 2)
        #expect(doc.paths("band").isEmpty)
        #expect(svg.contains("One seed"))
    }

    @Test func nonFiniteBreaksTheLine() throws {
        var m = Measurements()
        m.record(Series(name: "loss", x: .init("step", [0, 1, 2, 3, 4, 5]), ys: [.init("loss", [1, 2, .nan, 3, .infinity, 4])]))
        let figure = Figure(id: "f", title: "t", series: ["loss"], xLabel: "x", yLabel: "y")
        let svg = SVGPlot.render(figure, seeds: [m])
        let doc = try #require(ElementCollector.parse(svg))
        let d = try #require(doc.paths("line").first?["d"])
        // Three runs: [0, 1], [3] (a dot), [5] (a dot).
        #expect(d.filter { $0 == "M" }.count == 3)
        #expect(d.filter { $0 == "L" }.count == 1)
        #expect(!d.contains("nan") && !d.contains("inf"))
    }

    @Test func divergedSeedBreaksMeanAndBand() throws {
        let runs = SeedRuns(trials: Fixtures.trials(divergeSeed: 2))
        let svg = SVGPlot.render(FakeExperiment.figures[0], runs: runs)
        let doc = try #require(ElementCollector.parse(svg))
        let val = try #require(doc.paths("line").last?["d"])
        #expect(val.filter { $0 == "L" }.count == 25)  // points 0…25 drawn, 26…49 not
    }

    @Test func missingSeriesAndEmptyDataStillRender() throws {
        let svg = SVGPlot.render(FakeExperiment.figures[1], runs: runs)
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.paths("line").count == 1)
        #expect(svg.contains("Not recorded: not-recorded."))
        let empty = SVGPlot.render(FakeExperiment.figures[0], seeds: [Measurements()])
        let emptyDoc = try #require(ElementCollector.parse(empty))
        #expect(emptyDoc.paths("line").isEmpty)
        #expect(empty.contains("no finite data to plot"))
    }

    @Test func legendCountsWhatDoesNotFit() throws {
        var m = Measurements()
        m.record(Series(name: "many", x: .init("x", [0, 1]), ys: (0..<30).map { .init("c\($0)", [Double($0), Double($0) + 1]) }))
        let svg = SVGPlot.render(Figure(id: "m", title: "many", series: ["many"], xLabel: "x", yLabel: "y"), seeds: [m])
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.paths("line").count == 30)
        #expect(svg.contains("more</text>"))
    }

    @Test func escapesTextAndIsDeterministic() throws {
        let figure = Figure(id: "x&y", title: "a < b & \"c\"", series: ["loss"], xLabel: "x", yLabel: "y")
        let svg = SVGPlot.render(figure, runs: runs)
        #expect(ElementCollector.parse(svg) != nil)
        #expect(svg == SVGPlot.render(figure, runs: runs))
    }

    @Test func missingPointsAreDrawnWithTheirSeedCount() throws {
        func m(_ x: [Double]) -> Measurements {
            var m = Measurements()
            m.record(Series(name: "budget", x: .init("N", x), ys: [.init("loss", x.map { 2 - $0 })]))
            return m
        }
        // Seed 3 lacks x = 1.25: the point stays, mean over two seeds, drawn hollow with "2/3".
        let runs = SeedRuns([1: m([1, 1.25, 1.5]), 2: m([1, 1.25, 1.5]), 3: m([1, 1.5])])
        let e = try #require(SeriesEnsemble(name: "budget", runs: runs))
        #expect(e.columns[0].count == [3, 2, 3] && e.columns[0].mean[1] == 0.75)
        let svg = SVGPlot.render(Figure(id: "b", title: "budget", series: ["budget"], xLabel: "N", yLabel: "loss"), runs: runs)
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.elements.filter { $0.attributes["class"] == "partial" }.count == 1)
        #expect(svg.contains(">2/3</text>") && svg.contains("Hollow points"))
        #expect(try #require(doc.paths("line").first?["d"]).filter { $0 == "L" }.count == 2)
    }

    @Test func seedIndependentSeriesSaySo() throws {
        var m = Measurements()
        m.record(Series(name: "map", x: .init("σ", [0.1, 0.5, 1]), ys: [.init("jordan", [0.3, 0.9, 1.0])]))
        let svg = SVGPlot.render(Figure(id: "m", title: "map", series: ["map"], xLabel: "σ", yLabel: "φ(σ)"), seeds: [m, m, m])
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.paths("band").isEmpty)
        #expect(svg.contains("Seed-independent") && !svg.contains("mean across"))
    }

    @Test func bandIsTheIntervalOfTheMean() throws {
        let e = try #require(SeriesEnsemble(name: "loss", runs: runs))
        let c = e.columns[0]
        let ys = c.perSeed.map { $0[10] }
        let mean = ys.reduce(0, +) / 3
        let sd = (ys.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        let half = 4.302652729911275 * sd / 3.0.squareRoot()  // t(0.975; 2)
        #expect(abs(c.lower[10] - (mean - half)) < 1e-6 * half && abs(c.upper[10] - (mean + half)) < 1e-6 * half,
                "\(c.lower[10]) \(c.upper[10]) vs \(mean) ± \(half)")
        #expect(SVGPlot.render(FakeExperiment.figures[0], runs: runs).contains("95% Student-t interval"))
    }

    @Test func longTitlesWrapAndLegendsUseColumnLabels() throws {
        var m = Measurements()
        for n in [1000, 2000] {
            m.record(Series(name: "sweep.lambda.N\(n)", x: .init("λ", [1, 2]), ys: [.init("N=\(n)", [1, 2])]))
        }
        let title = String(repeating: "a long title word ", count: 8) + "end"
        let figure = Figure(id: "w", title: title, series: ["sweep.lambda.N1000", "sweep.lambda.N2000"], xLabel: "λ", yLabel: "loss")
        let svg = SVGPlot.render(figure, seeds: [m])
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.elements.filter { $0.name == "text" && $0.attributes["font-weight"] == "bold" }.count == 2)
        #expect(!svg.contains("sweep.lambda.N1000: N=1000") && svg.contains(">N=1000</text>"))
    }

    @Test func categoricalAxesNameTicksAndDrawPointsWithIntervals() throws {
        let c = try #require(Categories(xLabel: "optimiser (1 SGD+momentum, 2 AdamW, 3 Muon)"))
        #expect(c.axisLabel == "optimiser" && c.names.map(\.name) == ["SGD+momentum", "AdamW", "Muon"])
        #expect(Categories(xLabel: "learning rate (log scale)") == nil && Categories(xLabel: "step") == nil)
        func m(_ s: Double) -> Measurements {
            var m = Measurements()
            m.record(Series(name: "bcrit", x: .init("optimiser", [1, 2, 3]), ys: [.init("B_crit", [70 + s, 120 + s, 200 + 3 * s])]))
            return m
        }
        let figure = Figure(id: "b", title: "B_crit", series: ["bcrit"], xLabel: "optimiser (1 SGD+momentum, 2 AdamW, 3 Muon)", yLabel: "B_crit")
        let runs = SeedRuns([m(1), m(2), m(4)])
        let svg = SVGPlot.render(figure, runs: runs)
        let doc = try #require(ElementCollector.parse(svg))
        #expect(svg.contains(">AdamW</text>") && svg.contains(">optimiser</text>"))
        #expect(doc.paths("interval").count == 3 && doc.paths("band").isEmpty)
        #expect(try #require(doc.paths("line").first?["d"]).filter { $0 == "L" }.isEmpty)
        let csv = CSVWriter.files(runs, figures: [figure])["bcrit.csv"]
        #expect(csv?.hasPrefix("seed,optimiser,B_crit\n1,SGD+momentum,71.0\n1,AdamW,121.0\n") == true)
    }

    @Test func referenceCurvesAreDashedAndNotData() throws {
        func m(_ s: Double) -> Measurements {
            var m = Measurements()
            let b = [1.0, 4, 16]
            m.record(Series(name: "lr", x: .init("B", b), ys: [.init("adam", b.map { $0.squareRoot() + s }),
                                                               .init("slope ½", b.map { $0.squareRoot() })]))
            return m
        }
        let svg = SVGPlot.render(Figure(id: "lr", title: "η*", series: ["lr"], xLabel: "B", yLabel: "η*", xScale: .log, yScale: .log),
                                 runs: SeedRuns([m(0.1), m(0.2), m(0.3)]))
        let doc = try #require(ElementCollector.parse(svg))
        let lines = doc.paths("line")
        #expect(lines.count == 2 && lines[1]["stroke"] == "#555555" && lines[1]["stroke-dasharray"] == "6 4")
        #expect(lines[0]["stroke"] == SVGPlot.palette[0])
        #expect(doc.paths("band").count == 1)
        #expect(svg.contains(">slope ½</text>") && svg.contains("reference curves (not data)"))
        #expect(!svg.contains("Seed-independent"))  // references are not listed as data
        #expect(SVGPlot.isReference("reference: B^½") && SVGPlot.isReference("fit: S(B)") && SVGPlot.isReference("lr: slope 1"))
        #expect(!SVGPlot.isReference("adamw") && !SVGPlot.isReference("N=1000"))
    }
}
