import Foundation
import ReproKit

/// A small experiment with every kind of output the report handles: scalars (seed-dependent,
/// exact, diverging), a two-column loss curve, a sweep, a table, and figures on log axes.
enum FakeExperiment: Experiment {
    struct Config: Codable, Sendable { var steps: Int }
    static let paper = Paper(id: "fake-paper", aliases: ["2501.00001"], title: "A Fake Optimizer Paper",
                             authors: "Doe, J. and Roe, R.", year: 2025, url: "https://example.org/fake")
    static let claims: [Claim] = [
        Claim(id: "accuracy", statement: "The optimizer reaches about 91% test accuracy, which is a long statement that a terminal table must shorten.",
              measurement: "accuracy", paperValue: "≈ 0.91", band: .within(0.91, absolute: 0.02), interval: .studentT,
              tolerance: "±2 points: seed spread reported in the paper", source: Source("Doe 2025", location: "Table 2", url: "https://example.org/fake#table2"),
              differences: "Smaller model"),
        Claim(id: "coefficient", statement: "The quintic coefficient a is 3.4445.", measurement: "a", paperValue: "3.4445",
              band: .within(3.4445, absolute: 1e-4), interval: .exact, tolerance: "four decimals as printed",
              source: Source("Jordan 2024 blog", location: "Section 3", url: "https://example.org/blog#s3"), differences: "none"),
        Claim(id: "stable", statement: "Training is stable at lr = 1.", measurement: "final_loss", paperValue: "< 1",
              band: .atMost(1), interval: .studentT, tolerance: "any finite loss below the initial one", source: Source("Doe 2025", location: "Figure 4", url: "https://example.org/fake#fig4"),
              differences: "fewer steps"),
        Claim(id: "absent", statement: "A quantity we do not measure.", measurement: "missing", paperValue: "42",
              band: .atLeast(40), interval: .studentT, tolerance: "n/a", source: Source("Doe 2025", location: "Appendix B", url: "https://example.org/fake#appB"),
              differences: "not measured"),
    ]
    static let presets = [Preset(name: "quick", seeds: 3, config: Config(steps: 10))]
    static let figures = [
        Figure(id: "loss", title: "Training loss", series: ["loss"], xLabel: "step", yLabel: "loss",
               yScale: .log, references: [.init(0.5, "target loss")]),
        Figure(id: "sweep", title: "Learning-rate sweep", series: ["sweep", "not-recorded"], xLabel: "learning rate",
               yLabel: "final loss", xScale: .log),
    ]
    static let setup = "A two-layer MLP on synthetic data, 10 steps."
    static func run(_ trial: Trial<Config>, _ context: RunContext) throws -> Measurements { Measurements() }
}

enum Fixtures {
    static let experiment = AnyExperiment(FakeExperiment.self, target: "Fake", sourceHash: "abc123")

    /// Deterministic per-seed measurements; `divergeSeed` gets a NaN final loss and a curve
    /// that turns NaN halfway.
    static func measurements(seed: UInt64, divergeSeed: UInt64? = nil) -> Measurements {
        let s = Double(seed)
        var m = Measurements()
        m.record("accuracy", 0.905 + 0.003 * s, unit: "fraction", note: "test split")
        m.record("a", 3.4445, exact: true)
        let diverged = seed == divergeSeed
        m.record("final_loss", diverged ? .nan : 0.3 + 0.01 * s, unit: "nats")
        let steps = (0..<50).map(Double.init)
        let train = steps.map { 2.5 * Foundation.exp(-$0 / (10 + s)) + 0.1 }
        let val = steps.enumerated().map { i, t in diverged && i > 25 ? Double.nan : 2.6 * Foundation.exp(-t / (12 + s)) + 0.15 }
        m.record(Series(name: "loss", x: .init("step", steps), ys: [.init("train", train), .init("val, held-out", val)]))
        let lrs = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]
        m.record(Series(name: "sweep", x: .init("lr", lrs), ys: [.init("loss", lrs.map { Foundation.log10($0) * Foundation.log10($0) * 0.1 + 0.2 + 0.01 * s })]))
        m.record(Table(name: "coefficients", header: ["a", "b", "c"], rows: [["3.4445", "-4.7750", "2.0315"]]))
        return m
    }

    static func provenance(commit: String? = "0123456789abcdef", dirty: Bool = false) -> Provenance {
        Provenance(commit: commit, branch: "main", dirty: dirty, diffHash: dirty ? "feedbeef" : nil,
                   toolchain: "Swift 6.3.1", os: "Linux 6.1", cpu: "Test CPU", blas: "OpenBLAS 0.3.21 Haswell")
    }

    static func record(seed: UInt64, status: TrialStatus = .ok, measurements: Measurements?) -> TrialRecord {
        TrialRecord(id: Int64(seed), cacheKey: "key-\(seed)", experiment: "fake-paper", preset: "quick", config: #"{"steps":10}"#,
                    seed: seed, sourceHash: "abc123", blasThreads: 1, status: status,
                    startedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(seed)),
                    finishedAt: Date(timeIntervalSince1970: 1_700_000_100 + Double(seed)),
                    wallSeconds: 1.5 * Double(seed), cpuSeconds: 1.4 * Double(seed), peakMemoryBytes: 50_000_000 * Int64(seed),
                    provenance: provenance(), measurements: measurements, pid: 1)
    }

    static func trials(seeds: Int = 3, divergeSeed: UInt64? = nil) -> [TrialRecord] {
        (1...UInt64(seeds)).map { record(seed: $0, measurements: measurements(seed: $0, divergeSeed: divergeSeed)) }
    }
}
