import Foundation
import ReproKit
import ReproStats

/// Our own reproduced quick-preset values, committed under `Tests/ExperimentTests/Golden/`,
/// that the regression tests hold the code to.
///
/// Each value is the mean over the quick preset's default seeds (1…S). Its tolerance comes
/// from the seed-to-seed spread measured when the file was written, over seeds 1…max(S, 5):
/// tolerance = 3·sd/√S, i.e. three standard errors of the mean the test recomputes — a change
/// smaller than that is indistinguishable from reseeding; a larger one is a real change.
/// Seed-independent values get a floor instead: 1e-9 relative for exact (Float64, closed-form)
/// values and 1e-4 relative for Float32 values that happen not to vary with the seed (BLAS
/// kernels on another CPU may round differently). Timings are never included.
public struct GoldenFile: Codable, Sendable {
    public struct Value: Codable, Sendable {
        public var value: Double
        public var tolerance: Double
        public var seedSD: Double?
        public var basis: String
    }

    public var experiment: String
    public var preset: String
    public var seeds: Int
    public var spreadSeeds: Int
    public var values: [String: Value]

    public static let spreadSeeds = 5

    /// Builds the golden file from trials of seeds 1…max(S, 5) of the quick preset.
    public init(experiment: String, preset: String, defaultSeeds: Int, trials: [Measurements]) {
        self.experiment = experiment; self.preset = preset; self.seeds = defaultSeeds
        self.spreadSeeds = trials.count
        let evaluationAll = Evaluation(claims: [], trials: trials)
        let evaluationDefault = Evaluation(claims: [], trials: Array(trials.prefix(defaultSeeds)))
        let spread = Dictionary(uniqueKeysWithValues: evaluationAll.measurements.map { ($0.name, $0) })
        var values: [String: Value] = [:]
        for m in evaluationDefault.measurements where !m.timing {
            let mean = m.summary.mean
            let sd = spread[m.name]?.summary.standardDeviation
            let rule = Self.tolerance(mean: mean, standardError: sd.map { $0 / Double(defaultSeeds).squareRoot() }, exact: m.exact)
            let basis = rule.fromSpread ? "3·sd/√\(defaultSeeds), sd over \(trials.count) seeds" : rule.basis
            values[m.name] = Value(value: mean, tolerance: rule.tolerance, seedSD: sd, basis: basis)
        }
        self.values = values
    }

    /// The noise rule: a change in a mean is real when it exceeds three standard errors of
    /// that mean; seed-independent values get a floor instead — 1e-9 relative for exact
    /// (Float64, closed-form) values and 1e-4 relative for values without seed spread (BLAS
    /// kernels on another CPU may round Float32 differently). `repro diff` uses the same rule
    /// with the standard error of the difference of two means.
    public static func tolerance(mean: Double, standardError: Double?, exact: Bool) -> (tolerance: Double, basis: String, fromSpread: Bool) {
        let floor = (exact ? 1e-9 : 1e-4) * max(1, abs(mean))
        let fromSpread = standardError.map { 3 * $0 } ?? 0
        if exact { return (floor, "exact (seed-independent): 1e-9 relative", false) }
        if fromSpread > floor { return (fromSpread, "3·SE", true) }
        return (floor, "no seed spread: 1e-4 relative (Float32 rounding across CPUs)", false)
    }

    /// Mismatches between fresh quick-preset trials (seeds 1…S) and this file, one line each.
    public func mismatches(_ trials: [Measurements]) -> [String] {
        let fresh = Evaluation(claims: [], trials: trials).measurements.filter { !$0.timing }
        let byName = Dictionary(uniqueKeysWithValues: fresh.map { ($0.name, $0.summary.mean) })
        var problems: [String] = []
        for (name, golden) in values.sorted(by: { $0.key < $1.key }) {
            guard let now = byName[name] else { problems.append("\(name): no longer measured"); continue }
            let diff = abs(now - golden.value)
            if !(diff <= golden.tolerance) && !(now.isNaN && golden.value.isNaN) {
                problems.append("\(name): \(now) vs golden \(golden.value) (|Δ| = \(diff) > tolerance \(golden.tolerance), \(golden.basis))")
            }
        }
        for name in byName.keys.sorted() where values[name] == nil {
            problems.append("\(name): not in the golden file (regenerate with `make golden`)")
        }
        return problems
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try! encoder.encode(self) + Data("\n".utf8)
    }

    public static func decode(_ data: Data) throws -> GoldenFile {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(GoldenFile.self, from: data)
    }
}
