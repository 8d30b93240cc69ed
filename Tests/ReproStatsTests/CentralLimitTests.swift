@testable import ReproStats
import RealModule
import Testing

/// The normal-approximation baselines of the `error-bars` experiment, checked against their
/// definitions written out on explicit 0/1 data.
@Suite struct CentralLimitTests {
    static let z = 1.959963984540054

    @Test func waldMatchesItsFormulaAndCollapsesAtTheEnds() {
        let ci = CentralLimit.wald(successes: 3, trials: 10)
        let half = Self.z * (0.3 * 0.7 / 10).squareRoot()
        #expect(abs(ci.lower - (0.3 - half)) < 1e-12 && abs(ci.upper - (0.3 + half)) < 1e-12)
        for k in [0, 10] {
            let end = CentralLimit.wald(successes: k, trials: 10)
            #expect(end.lower == end.upper, "zero width at k = \(k)")
        }
    }

    @Test func pairedDifferenceIsWaldOnThePerQuestionDifferences() {
        // A right/B wrong on 4, the reverse on 1, both the same on 7: d = (1,1,1,1,−1,0,…,0).
        let d: [Double] = [1, 1, 1, 1, -1] + Array(repeating: 0, count: 7)
        let n = Double(d.count), mean = d.reduce(0, +) / n
        let se = (d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n * (n - 1))).squareRoot()
        let ci = CentralLimit.pairedDifference(onlyA: 4, onlyB: 1, trials: 12)
        #expect(abs(ci.lower - (mean - Self.z * se)) < 1e-12 && abs(ci.upper - (mean + Self.z * se)) < 1e-12)
    }

    @Test func unpairedDifferenceAddsTheTwoVariances() {
        let ci = CentralLimit.unpairedDifference(successesA: 7, successesB: 4, trials: 10)
        let half = Self.z * (0.7 * 0.3 / 10 + 0.4 * 0.6 / 10).squareRoot()
        #expect(abs(ci.lower - (0.3 - half)) < 1e-12 && abs(ci.upper - (0.3 + half)) < 1e-12)
    }

    @Test func clusteredMatchesTheResidualDoubleSum() {
        // Three clusters of explicit outcomes; the double sum over i ≠ j written out.
        let clusters: [[Double]] = [[1, 1, 1, 0], [0, 0, 1], [1, 0, 0, 0, 0]]
        let all = clusters.flatMap { $0 }
        let n = Double(all.count), p = all.reduce(0, +) / n
        var cross = 0.0
        for c in clusters {
            for i in c.indices { for j in c.indices where i != j { cross += (c[i] - p) * (c[j] - p) } }
        }
        let se = abs(p * (1 - p) / n + cross / (n * n)).squareRoot()
        let ci = CentralLimit.clustered(successes: clusters.map { Int($0.reduce(0, +)) }, trials: clusters.map(\.count))
        #expect(abs(ci.lower - (p - Self.z * se)) < 1e-12 && abs(ci.upper - (p + Self.z * se)) < 1e-12)
    }

    @Test func clusteredWithSingletonClustersIsWald() {
        let successes = [1, 0, 1, 1, 0, 1, 1], trials = Array(repeating: 1, count: 7)
        let clustered = CentralLimit.clustered(successes: successes, trials: trials)
        let wald = CentralLimit.wald(successes: 5, trials: 7)
        #expect(abs(clustered.lower - wald.lower) < 1e-12 && abs(clustered.upper - wald.upper) < 1e-12)
    }
}
