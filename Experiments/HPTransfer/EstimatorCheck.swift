import Foundation
import ReproData
import ReproNumerics
import ReproOptim

/// The function-space learning-rate estimator (`FunctionSpaceEstimator`) against a direct
/// measurement, on a model as FLeRM meets it: the first Adam step of training, the update at
/// rate 1 and the warm-up's 41 probes (mlp_cifar10.py), and again after `laterStep` steps.
///
/// 1. From the model's current weights, one Adam step on a training batch at a uniform rate η;
///    ΔW_ℓ = (W_new − W_old)/η, the step undone (as `FLeRM.afterStep`). Adam's state carries on.
/// 2. `probes` probes on fresh training batches feed the three estimators alike (the same ε and
///    batches): iid, full_cov, kronecker; after each of `checkpoints` probes their estimates are kept.
/// 3. The direct value: ‖J_ℓ·ΔW_ℓ‖_RMS over a fixed evaluation sample (`reference` inputs from
///    the test split, not seen by the probes), by central differences at the step actually
///    taken, h = η (`FunctionSpaceProbe.meanSquareChange`): the population quantity both the
///    probes' batches and the EMA estimate.
/// 4. The error of each tensor's estimate is ln(estimate / direct); a model's error is the RMS of
///    those over its tensors (weights and biases: FLeRM sets a rate for each).
enum EstimatorCheck {
    struct Errors: Sendable {
        /// [approximation][checkpoint] → RMS over tensors of ln(estimate/direct).
        var rmsLogError: [FunctionSpaceEstimator.Approximation: [Double]] = [:]
        /// Per tensor, at the last checkpoint: ln(estimate/direct), by approximation.
        var logErrors: [FunctionSpaceEstimator.Approximation: [Double]] = [:]
        var direct: [Double] = []
    }

    /// Mean wall-clock seconds of one probe (forward and backward on a probe batch) and of one
    /// training step (forward, backward, Adam) over a check.
    struct Cost: Sendable {
        var probe: Double
        var step: Double
    }

    static func measure(model: any Layer, lr: Double, train: LabelledImages, reference: Tensor, batchSize: Int,
                        probes: Int, checkpoints: [Int], laterStep: Int, seed: UInt64,
                        cancellation: () throws -> Void) throws -> (stages: [Errors], cost: Cost) {
        let parameters = model.parameters, shapes = parameters.map(\.value.shape)
        let output: (Tape, Tensor) -> Variable = { tape, x in model.forward(tape.constant(x), on: tape) }
        var optimizer = Adam()
        var batches = BatchSampler(count: train.count, batchSize: batchSize, seed: seed)
        var probeBatches = BatchSampler(count: train.count, batchSize: batchSize, seed: seed | 1 << 40)
        var noise = RNG(seed: seed, stream: RNG.Stream.noise)
        let tape = Tape()
        let clock = ContinuousClock()
        var stepTime = Duration.zero, probeTime = Duration.zero, steps = 0
        func step() throws {
            let start = clock.now
            defer { stepTime += clock.now - start; steps += 1 }
            let batch = train.gathering(batches.next())
            tape.reset()
            model.zeroGrad()
            tape.backward(tape.crossEntropy(output(tape, batch.images), labels: batch.labels.map(Int32.init)))
            try optimizer.step(parameters, lr: Float(lr))
        }
        var results: [Errors] = []
        for stage in 0..<2 {
            if stage == 1 { for _ in 1..<laterStep { try step(); try cancellation() } }
            let saved = parameters.map(\.value.data)
            try step()
            let updates = parameters.indices.map { l in zip(parameters[l].value.data, saved[l]).map { ($0 - $1) / Float(lr) } }
            let stepped = parameters.map(\.value.data)
            for (l, p) in parameters.enumerated() { p.value.data = saved[l] }
            var errors = Errors()
            errors.direct = parameters.indices.map { l in
                FunctionSpaceProbe.meanSquareChange(of: output, parameter: parameters[l], direction: updates[l],
                                                    step: Float(lr), inputs: reference).squareRoot()
            }
            var estimators = FunctionSpaceEstimator.Approximation.allCases.map { FunctionSpaceEstimator(shapes: shapes, approximation: $0) }
            for k in 1...probes {
                let inputs = train.gathering(probeBatches.next()).images
                let start = clock.now
                let g = FunctionSpaceProbe.gradients(of: output, parameters: parameters, inputs: inputs, rng: &noise)
                probeTime += clock.now - start
                let products = FunctionSpaceProbe.products(updates: updates, gradients: g)
                for i in estimators.indices {
                    let estimates = estimators[i].update(products: products, shapes: shapes)
                    guard checkpoints.contains(k) else { continue }
                    let logErrors = zip(estimates, errors.direct).map { log($0 / $1) }
                    let rms = (logErrors.reduce(0) { $0 + $1 * $1 } / Double(logErrors.count)).squareRoot()
                    errors.rmsLogError[estimators[i].approximation, default: []].append(rms)
                    if k == checkpoints.last { errors.logErrors[estimators[i].approximation] = logErrors }
                }
                try cancellation()
            }
            for (l, p) in parameters.enumerated() { p.value.data = stepped[l] }
            results.append(errors)
        }
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        return (results, Cost(probe: seconds(probeTime) / Double(2 * probes), step: seconds(stepTime) / Double(steps)))
    }
}
