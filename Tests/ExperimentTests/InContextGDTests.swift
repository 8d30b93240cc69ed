@testable import InContextGD
import ReproData
import ReproKit
import ReproNumerics
import Testing

@Suite("icl-vs-gd experiment")
struct InContextGDTests {
    static let problem = InContextRegression(inputDimension: 10, contextLength: 10, inputRange: -0.5...0.5)

    static func tasks(_ count: Int, seed: UInt64) -> RegressionTasks {
        var rng = RNG(seed: seed, stream: 99)
        return RegressionTasks(problem.sample(count: count, rng: &rng))
    }

    static func randomLSA(dimension: Int, context: Int, layers: Int, std: Float, seed: UInt64) -> LinearSelfAttention {
        var rng = RNG(seed: seed, stream: 7)
        let n = dimension * dimension
        return LinearSelfAttention(dimension: dimension, context: context, weights: (0..<layers).map { _ in
            (rng.normals(n, std: std), rng.normals(n, std: std), rng.normals(n, std: std), rng.normals(n, std: std))
        })
    }

    @Test("The batched LSA equals the shared tape SelfAttention (linear, key prefix N, scale 1) plus residual: values and gradients")
    func matchesTapeAttention() throws {
        let (batch, n, d, t) = (3, 4, 4, 6)            // 4 context tokens, 2 queries, width 4
        let lsa = Self.randomLSA(dimension: d, context: n, layers: 2, std: 0.4, seed: 1)
        var rng = RNG(seed: 2, stream: 0)
        let tokens = rng.normals(batch * t * d)
        let seedGrad = rng.normals(batch * t * d)

        // Tape reference with the same weights.
        let tape = Tape()
        var h = tape.constant(Tensor(shape: [batch, t, d], data: tokens))
        var layers: [SelfAttention] = []
        for layer in lsa.layers {
            let a = SelfAttention("a", dimension: d, heads: 1, kind: .linear(.keyPrefix(n)), bias: false, scale: 1, rng: &rng)
            a.query.weight.value = layer.query.value; a.key.weight.value = layer.key.value
            a.value.weight.value = layer.value.value; a.output.weight.value = layer.projection.value
            layers.append(a)
            h = tape.add(h, a.forward(h, on: tape))
        }
        let reference = h.value.data
        tape.backward(h, seed: Tensor(shape: [batch, t, d], data: seedGrad))

        let (out, caches) = lsa.forward(LinearSelfAttention.batchInnermost(tokens, batch: batch, width: d), batch: batch)
        lsa.backward(LinearSelfAttention.batchInnermost(seedGrad, batch: batch, width: d), caches: caches, batch: batch)
        let ours = LinearSelfAttention.batchInnermost(out, batch: d * t, width: batch)   // back to [B, T, D]
        for (x, y) in zip(ours, reference) {
            #expect(close(x, y, absoluteTolerance: 1e-4, relativeTolerance: 1e-4))
        }
        for (layer, a) in zip(lsa.layers, layers) {
            for (mine, theirs) in [(layer.query, a.query.weight), (layer.key, a.key.weight), (layer.value, a.value.weight), (layer.projection, a.output.weight)] {
                for (x, y) in zip(mine.grad.data, theirs.grad.data) {
                    #expect(close(x, y, absoluteTolerance: 1e-3, relativeTolerance: 1e-4), "\(mine.name)")
                }
            }
        }
    }

    @Test("The GD and GD++ constructions, run through the LSA, give the analytic GD predictions and sensitivities")
    func constructionIsGradientDescent() {
        let tasks = Self.tasks(64, seed: 3)
        let (eta1, gamma, eta2) = (6.0, 0.3, 9.0)
        let one = LinearSelfAttention(dimension: 11, context: 10, weights: [GradientDescent.construction(inputs: 10, context: 10, eta: eta1)])
        let two = LinearSelfAttention(dimension: 11, context: 10, weights: [
            GradientDescent.construction(inputs: 10, context: 10, eta: eta1, gamma: gamma),
            GradientDescent.construction(inputs: 10, context: 10, eta: eta2)])
        for (model, analytic) in [(one, GradientDescent.readout(tasks, eta1: eta1)),
                                  (two, GradientDescent.readout(tasks, eta1: eta1, gamma: gamma, eta2: eta2))] {
            let r = model.readout(tasks)
            let scale = analytic.predictions.map(abs).max()!
            for (x, y) in zip(r.predictions, analytic.predictions) { #expect(abs(x - y) <= 1e-5 * scale) }
            for (x, y) in zip(r.sensitivities, analytic.sensitivities) { #expect(abs(x - y) <= 1e-5 * scale * 10) }
        }
    }

    @Test("Probe sensitivities are ∂ŷ/∂x_q: ŷ = Σ_k x_q,k·s_k for a random two-layer LSA")
    func probesGiveTheGradient() {
        let tasks = Self.tasks(32, seed: 4)
        let lsa = Self.randomLSA(dimension: 11, context: 10, layers: 2, std: 0.3, seed: 5)
        let r = lsa.readout(tasks)
        for b in 0..<tasks.count {
            let linear = (0..<10).reduce(0.0) { $0 + tasks.query[b * 10 + $1] * r.sensitivities[b * 10 + $1] }
            let scale = max(abs(r.predictions[b]), (0..<10).map { abs(r.sensitivities[b * 10 + $0]) }.max()!)
            #expect(abs(linear - r.predictions[b]) <= 1e-5 * scale)
        }
    }

    @Test("The closed-form optimal step size matches the least-squares rate on 20 000 tasks")
    func closedFormRate() {
        let closed = GradientDescent.optimalRate(inputs: 10, context: 10, halfWidth: 0.5)
        #expect(close(closed.rate, 200.0 / 33, relativeTolerance: 1e-12))
        let tasks = Self.tasks(20_000, seed: 6)
        #expect(close(GradientDescent.fittedRate(tasks).value, closed.rate, relativeTolerance: 0.03))
        let loss = tasks.loss(GradientDescent.readout(tasks, eta1: closed.rate).predictions)
        #expect(close(loss, closed.loss, relativeTolerance: 0.05))
    }

    @Test("Task-mean standard errors match the spread over independent task sets (mean, and paired ratio by the delta method)")
    func taskEstimateStandardErrors() {
        var rng = RNG(seed: 11, stream: 0)
        var means: [Double] = [], ratios: [Double] = [], meanSE: [Double] = [], ratioSE: [Double] = []
        for _ in 0..<400 {
            // b: a skewed positive per-task loss; a: b plus paired noise (a ratio of two close losses).
            let b = (0..<500).map { _ in Double(rng.normal()) * Double(rng.normal()) + 1 }.map { $0 * $0 }
            let a = b.map { $0 * 1.02 + 0.05 * Double(rng.normal()) }
            let m = TaskEstimate(mean: b), r = TaskEstimate(ratio: a, b)
            means.append(m.value); meanSE.append(m.standardError)
            ratios.append(r.value); ratioSE.append(r.standardError)
        }
        func sd(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
        }
        let averageMeanSE = meanSE.reduce(0, +) / 400, averageRatioSE = ratioSE.reduce(0, +) / 400
        #expect(close(averageMeanSE, sd(means), relativeTolerance: 0.15), "mean: SE \(averageMeanSE) vs spread \(sd(means))")
        #expect(close(averageRatioSE, sd(ratios), relativeTolerance: 0.15), "ratio: SE \(averageRatioSE) vs spread \(sd(ratios))")
    }

    @Test("Seeds draw different validation tasks (the seed is the generator's key), so their sampling errors are independent")
    func seedsDoNotShareTasks() {
        func validation(_ seed: UInt64) -> [Double] {
            var rng = RNG(seed: seed, stream: RNG.Stream.evaluation)
            return RegressionTasks(Self.problem.sample(count: 4, rng: &rng)).target
        }
        #expect(validation(1) != validation(2))
        #expect(validation(1) == validation(1))
    }

    @Test("Order probe: an order-invariant learner has variance share 0; online SGD's share is the part of its squared error that averaging over orders removes")
    func orderVarianceShare() {
        let tasks = Self.tasks(300, seed: 12)
        var rng = RNG(seed: 13, stream: 0)
        let orders = (0..<6).map { _ in (0..<tasks.count).map { _ in rng.permutation(tasks.context) } }
        let gd = OrderProbe.measure(tasks, orders: orders) { GradientDescent.readout($0, eta1: 6).predictions }
        #expect(gd.varianceShare.value < 1e-24)
        let runs = orders.map { GradientDescent.onlineSGD(tasks.reordered($0), rate: 1.1).predictions }
        let sgd = OrderProbe.measure(tasks, orders: orders) { GradientDescent.onlineSGD($0, rate: 1.1).predictions }
        // Direct: 1 − (squared error of the order-averaged prediction)/(mean squared error), with the
        // unbiased variance (K/(K − 1) times the population one).
        var averaged = 0.0, raw = 0.0
        for b in 0..<tasks.count {
            let values = runs.map { $0[b] }
            let mean = values.reduce(0, +) / Double(values.count)
            averaged += (mean - tasks.target[b]) * (mean - tasks.target[b])
            raw += values.reduce(0) { $0 + ($1 - tasks.target[b]) * ($1 - tasks.target[b]) } / Double(values.count)
        }
        let k = Double(orders.count)
        #expect(close(sgd.varianceShare.value, (1 - averaged / raw) * k / (k - 1), relativeTolerance: 1e-9))
        #expect(sgd.varianceShare.value > 0.03)
    }

    @Test("The three one-layer similarity bands derive from one tolerance δ = 0.1 (cosine ≥ 1 − ½(δ/2.08)²)")
    func similarityBandsAgree() throws {
        func band(_ id: String) throws -> Band { try #require(InContextGDExperiment.claims.first { $0.id == id }).band }
        let delta = try #require(band("lsa1-sensitivity-difference").upper)
        #expect(try band("lsa1-prediction-difference").upper == delta)
        let cosine = try #require(band("lsa1-cosine").lower)
        #expect(abs(cosine - (1 - 0.5 * (delta / 2.08) * (delta / 2.08))) < 1e-4)
    }

    @Test("GD++ at γ = 0 is two plain GD steps, and fitting γ never does worse than γ = 0")
    func gdPlusPlusContainsGD() {
        let tasks = Self.tasks(2000, seed: 8)
        let plain = GradientDescent.fittedTwoStep(tasks, gamma: 0, maxRate: 25)
        let plus = GradientDescent.fittedGDPlusPlus(tasks, maxGamma: 1, maxRate: 25)
        #expect(plus.loss <= plain.loss * (1 + 1e-9))
        let direct = tasks.loss(GradientDescent.readout(tasks, eta1: plain.eta1, eta2: plain.eta2).predictions)
        #expect(close(direct, plain.loss, relativeTolerance: 1e-9))
    }

    /// |x − y| ≤ max(absolute, relative·max(|x|, |y|)).
    func close<T: BinaryFloatingPoint>(_ x: T, _ y: T, absoluteTolerance: T = 0, relativeTolerance: T) -> Bool {
        abs(x - y) <= max(absoluteTolerance, relativeTolerance * max(abs(x), abs(y)))
    }

    // MARK: - Quick preset

    static let measurements: Measurements = {
        let quick = InContextGDExperiment.presets.first { $0.name == "quick" }!
        // A failing run is a test failure; there is nothing to recover.
        return try! InContextGDExperiment.run(Trial(preset: "quick", config: quick.config, seed: 1), .silent())
    }()

    func value(_ name: String) throws -> Double { try #require(Self.measurements.scalars[name]?.value, "missing \(name)") }

    @Test("Quick preset: every claim's measurement is recorded and finite")
    func claimsMeasured() {
        for claim in InContextGDExperiment.claims {
            let v = Self.measurements.scalars[claim.measurement]?.value
            #expect(v?.isFinite == true, "\(claim.measurement) = \(String(describing: v))")
        }
    }

    @Test("Quick preset: the trained LSA matches one GD step (loss within 3%, cosine ≥ 0.99)")
    func oneLayerMatchesGD() throws {
        #expect(try abs(value("lsa1.loss_ratio_to_gd") - 1) <= 0.03)
        #expect(try value("lsa1.vs_gd.cosine") >= 0.99)
        #expect(try abs(value("lsa1.implied_rate_over_optimal") - 1) <= 0.05)
    }

    @Test("Quick preset: the trained LSA beats its untrained initialisation on every similarity metric")
    func trainedBeatsUntrained() throws {
        #expect(try value("lsa1.vs_gd.cosine") > value("untrained1.vs_gd.cosine"))
        #expect(try value("lsa1.vs_gd.prediction_difference") < value("untrained1.vs_gd.prediction_difference"))
        #expect(try value("lsa1.vs_gd.sensitivity_difference") < value("untrained1.vs_gd.sensitivity_difference"))
        #expect(try value("lsa2.vs_gd2.cosine") > value("untrained2.vs_gd2.cosine"))
    }

    @Test("Quick preset: GD and the LSA are order-invariant to rounding; online SGD and the softmax transformer are not")
    func orderInvariance() throws {
        #expect(try value("order.gd.variance_share") <= 1e-24)
        #expect(try value("order.lsa1.variance_share") <= 1e-10)
        #expect(try value("order.lsa2.variance_share") <= 1e-10)
        #expect(try value("order.online_sgd.variance_share") >= 0.03)
        #expect(try value("order.softmax.variance_share") >= 1e-4)
    }

    @Test("Quick preset: task means carry standard errors (Monte Carlo claims have what they need)")
    func standardErrorsRecorded() {
        for claim in InContextGDExperiment.claims where claim.interval == .monteCarlo {
            let se = Self.measurements.scalars[claim.measurement]?.standardError
            #expect(se.map { $0 > 0 && $0.isFinite } == true, "\(claim.measurement) has no standard error")
        }
    }
}
