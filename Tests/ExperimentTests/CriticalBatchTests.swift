import Foundation
@testable import CriticalBatch
import RealModule
import ReproData
import ReproKit
import ReproNumerics
import ReproTestSupport
import Testing

@Suite("critical-batch: exact NQM recursion, fits and polar factor")
struct CriticalBatchUnitTests {
    /// The closed form against plain SGD simulated 4 000 times on a 16-dimensional NQM: the
    /// sample mean of L(θ_t) must lie within 4 standard errors of E[L(t)] at several t.
    @Test("Exact expected loss matches a Monte Carlo average of plain SGD")
    func recursionMatchesMonteCarlo() {
        let model = NoisyQuadraticModel(dimension: 16)
        let exact = ExactSGD(model)
        let (lr, batch, runs) = (0.5, 2.0, 4000)
        let checkpoints = [1, 5, 20, 60]
        var sums = [Double](repeating: 0, count: checkpoints.count), squares = sums
        var rng = RNG(seed: 1, stream: RNG.Stream.noise)
        let h = exact.curvatures, c = exact.noiseVariances
        for _ in 0..<runs {
            var theta = (0..<h.count).map { _ in Double(rng.normal()) }
            for t in 1...checkpoints.last! {
                for i in theta.indices {
                    theta[i] -= lr * (h[i] * theta[i] + (c[i] / batch).squareRoot() * Double(rng.normal()))
                }
                if let k = checkpoints.firstIndex(of: t) {
                    let l = zip(h, theta).reduce(0) { $0 + 0.5 * $1.0 * $1.1 * $1.1 }
                    sums[k] += l; squares[k] += l * l
                }
            }
        }
        let path = exact.trajectory(lr: lr, batch: batch)!
        for (k, t) in checkpoints.enumerated() {
            let mean = sums[k] / Double(runs)
            let standardError = ((squares[k] / Double(runs) - mean * mean) / Double(runs)).squareRoot()
            #expect(abs(mean - path.loss(at: Double(t))) <= 4 * standardError, "t = \(t): MC \(mean) vs exact \(path.loss(at: Double(t)))")
        }
    }

    @Test("Steps at fixed η fall with B and tend to the noise-free count as B → ∞")
    func batchLimits() {
        let exact = ExactSGD(NoisyQuadraticModel(dimension: 64))
        let target = 0.1 * exact.initialLoss
        let steps = [1.0, 4, 16, 64, 256, 1024].map { exact.stepsToTarget(target, lr: 0.02, batch: $0) }
        #expect(zip(steps, steps.dropFirst()).allSatisfy { $0 >= $1 }, "\(steps)")
        let noiseFree = exact.stepsToTarget(target, lr: 0.02, batch: .infinity)
        let huge = exact.stepsToTarget(target, lr: 0.02, batch: 1e9)
        #expect(huge.isApproximatelyEqual(to: noiseFree, relativeTolerance: 1e-6))
        // A floor above the target, or an unstable rate, means never.
        #expect(exact.stepsToTarget(target, lr: 2.5, batch: .infinity) == .infinity)
        #expect(exact.stepsToTarget(1e-6 * exact.initialLoss, lr: 0.5, batch: 1) == .infinity)
    }

    @Test("The S(B) fit recovers S_min and B_crit from data that follow the model exactly")
    func fitRecoversModel() throws {
        let batches = (0...12).map { pow(2, Double($0)) }
        let fit = try #require(CriticalBatchFit(batchSizes: batches, steps: batches.map { 120 * (1 + 37 / $0) }))
        #expect(fit.minimumSteps.isApproximatelyEqual(to: 120, relativeTolerance: 1e-6))
        #expect(fit.criticalBatch.isApproximatelyEqual(to: 37, relativeTolerance: 1e-6))
        #expect(fit.rmsLogResidual < 1e-6)
        #expect(CriticalBatchFit(batchSizes: [1, 2, 4], steps: [10, .infinity, 3]) == nil)
    }

    @Test("The learning-rate search finds the minimum of a smooth valley in log η")
    func searchFindsMinimum() {
        // log f is a parabola in log η, so the parabolic vertex is exact as well.
        let f = { (lr: Double) in 100 * exp(pow(log(lr / 0.3), 2)) }
        let golden = LearningRateSearch(ratio: pow(2, 0.25), maxEvaluations: 40, golden: 30).minimise(from: 0.001, f)
        #expect(golden.lr.isApproximatelyEqual(to: 0.3, relativeTolerance: 1e-4))
        let parabolic = LearningRateSearch(ratio: 2, maxEvaluations: 20).minimise(from: 0.001, f)
        #expect(parabolic.lr.isApproximatelyEqual(to: 0.3, relativeTolerance: 1e-9))
        let never = LearningRateSearch(ratio: 2, maxEvaluations: 6).minimise(from: 1) { _ in .infinity }
        #expect(!never.finite && never.evaluations.count == 6)
    }

    @Test("On a fine grid the search hops by factors of 2 to a finite value and fits five points around the best")
    func fineGridSearch() {
        // Finite only within a factor 1.5 of the optimum 0.01; the start 0.08 is 8× too large.
        let f = { (lr: Double) in abs(log(lr / 0.01)) < log(1.5) ? 100 * exp(pow(log(lr / 0.01), 2)) : .infinity }
        let search = LearningRateSearch(ratio: pow(2, 0.25), maxEvaluations: 12, fitHalfWidth: 2)
        let result = search.minimise(from: 0.08, f)
        #expect(result.finite)
        #expect(result.lr.isApproximatelyEqual(to: 0.01, relativeTolerance: 0.02), "\(result.lr)")
        // Hops: 0.08, 0.04, 0.16, 0.02, 0.32, 0.01 (finite), then the walk and the window.
        #expect(result.evaluations.count <= 12, "\(result.evaluations.count)")
    }

    @Test("The exponent window has no fallback: fewer than three batch sizes at or below B_crit/4 is unusable")
    func exponentWindow() {
        let batches: [Double] = [1, 2, 4, 8, 16, 64]
        let lrs: [Double] = [.nan, 0.2, 0.4, 0.8, 1.6, 3]
        let usable = ExponentWindow(batches, tunedLR: lrs, criticalBatch: 40)
        #expect(usable.usable && usable.indices == [1, 2, 3])
        let tooFew = ExponentWindow(batches, tunedLR: lrs, criticalBatch: 20)
        #expect(!tooFew.usable && tooFew.indices == [1, 2])
        #expect(tooFew.describe(batches).hasPrefix("not measured"))
        #expect(!ExponentWindow(batches, tunedLR: lrs, criticalBatch: nil).usable)
    }

    @Test("The step budget: limit at the first batch size, 3× the previous best before a hit, censoring at 3× after")
    func stepBudget() {
        let budgets = [(nil, nil), (nil, 100), (nil, 50_000), (40, 100)].map { (best: Double?, previous: Double?) in
            CriticalBatchExperiment.stepBudget(best: best, previous: previous, limit: 60_000)
        }
        #expect(budgets.map(\.cap) == [60_000, 300, 60_000, 120])
        #expect(budgets.map(\.maxSteps) == [60_000, 300, 60_000, 60_000])
    }

    @Test("η* curves are normalised at their own first finite value, so a missing smallest batch does not blank them")
    func learningRateSeries() {
        var first = BatchSweep(batches: [1, 2, 4], firstGuess: 1, search: LearningRateSearch(ratio: 2, maxEvaluations: 3),
                               steps: { _, _ in 1 }, after: { _ in })
        first.lrs = [.nan, 0.2, 0.4]
        var second = first
        second.lrs = [0.1, 0.2, 0.4]
        let series = CriticalBatchExperiment.lrSeries("t", [first, second], labels: ["a", "b"])
        #expect(series.ys[0].values[1...] == [1, 2])
        #expect(series.ys[1].values == [1, 2, 4])
        #expect(series.ys[3].values == [1, 2, 4])  // slope 1 through (1, 1)
    }

    @Test("The polar factor has orthonormal rows or columns and ⟨Q, G⟩ = ‖G‖_* ≥ ‖G‖_F", arguments: [(5, 3), (3, 5), (4, 4)])
    func polarFactor(shape: (Int, Int)) {
        let (rows, cols) = shape
        var rng = RNG(seed: 3)
        let g = rng.normals(rows * cols)
        var polar = PolarFactor(rows: rows, cols: cols)
        let q = polar(g)
        let k = min(rows, cols)
        // QQᵀ (rows ≤ cols) or QᵀQ (rows > cols) is the k×k identity.
        for a in 0..<k {
            for b in 0..<k {
                var dot: Float = 0
                for l in 0..<(rows <= cols ? cols : rows) {
                    dot += rows <= cols ? q[a * cols + l] * q[b * cols + l] : q[l * cols + a] * q[l * cols + b]
                }
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-5)
            }
        }
        // ⟨Q, G⟩ = Σσ_i (the nuclear norm), which is at least the Frobenius norm √Σσ_i².
        let inner = zip(q, g).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let frobenius = g.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        #expect(inner >= frobenius * 0.999)
    }
}

@Suite("critical-batch experiment, quick preset")
struct CriticalBatchExperimentTests {
    static let measurements: Measurements = {
        let quick = CriticalBatchExperiment.presets.first { $0.name == "quick" }!
        // A failing run is a test failure; there is nothing to recover.
        return try! CriticalBatchExperiment.run(Trial(preset: "quick", config: quick.config, seed: 1),
                                                .silent(dataDirectory: repositoryRoot.appending(path: "data")))
    }()

    func value(_ name: String) -> Double? { Self.measurements.scalars[name]?.value }

    @Test("Every claim's measurement is recorded and finite in seed 1, every exponent window usable")
    func claimsMeasured() {
        for claim in CriticalBatchExperiment.claims {
            let v = value(claim.measurement)
            #expect(v?.isFinite == true, "\(claim.measurement) = \(String(describing: v))")
        }
        for (name, scalar) in Self.measurements.scalars where name.hasSuffix(".lr_exponent.usable") {
            #expect(scalar.value == 1, "\(name)")
        }
    }

    @Test("Exact NQM: tuned steps never rise with B and approach the B = ∞ limit from above")
    func tunedStepsMonotone() throws {
        let steps = try #require(Self.measurements.series["exact.steps"]?.ys.first?.values)
        #expect(zip(steps, steps.dropFirst()).allSatisfy { $0 >= $1 * (1 - 1e-9) }, "\(steps)")
        let limit = try #require(value("exact.smin.limit"))
        #expect(steps.last! >= limit * (1 - 1e-9))
        #expect(value("exact.nonmonotone_tuned") == 0)
    }

    @Test("Exact NQM: E = B·S rises with B and stays above the B → 0 limit")
    func examplesRise() throws {
        let series = try #require(Self.measurements.series["exact.steps"])
        let examples = zip(series.x.values, series.ys[0].values).map { $0 * $1 }
        #expect(zip(examples, examples.dropFirst()).allSatisfy { $0 <= $1 * (1 + 1e-9) }, "\(examples)")
        let limit = try #require(value("exact.emin.limit"))
        #expect(examples[0] >= limit * (1 - 1e-6))
    }

    @Test("Exact NQM: the tuned SGD rate grows faster with B than the square-root rule below B_crit")
    func sgdFasterThanSquareRoot() throws {
        let exponent = try #require(value("exact.lr_exponent"))
        #expect(exponent > 0.75)
    }
}
