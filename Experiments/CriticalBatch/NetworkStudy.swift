import Foundation
import ReproData
import ReproNumerics
import ReproOptim
import ReproTraining

/// The optimisers of the network part, constant learning rate, no schedule.
///
/// - `sgdMomentum`: SGD with heavy-ball momentum 0.9 (PyTorch semantics), no weight decay.
/// - `adamW`: AdamW with PyTorch's defaults (β 0.9/0.999, ε 10⁻⁸, λ 0.01).
/// - `muon`: Muon (Nesterov 0.95, Jordan's quintic ×5) on the hidden matrix with Moonshot's
///   update scale 0.2·√max(rows, cols), so one rate serves it and the internal AdamW
///   (β 0.9/0.95, ε 10⁻⁸, λ 0) that trains the head and biases — the arrangement of the
///   muon-compute experiment (arXiv:2502.16982 §2.2).
public enum NetworkOptimizer: String, Codable, Sendable, CaseIterable {
    case sgdMomentum = "sgd-momentum"
    case adamW = "adamw"
    case muon

    func make() -> any Optimizer {
        switch self {
        case .sgdMomentum: SGD(momentum: 0.9)
        case .adamW: Adam.adamW()
        case .muon: Muon(scale: .moonshot, adamW: .adamW(beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0))
        }
    }

    var firstGuess: Double { self == .sgdMomentum ? 0.02 : 0.002 }
}

/// An MLP 784→hidden→10 (ReLU) trained on a balanced Fashion-MNIST subset until its training
/// loss reaches a target, and the two-batch gradient-noise-scale estimate of McCandlish et al.
///
/// Training loss is the mean cross-entropy on a fixed probe of the training subset, evaluated
/// every ⌈`probeExamples`/B⌉ steps; the crossing step is interpolated linearly in log loss between
/// the last evaluation above the target and the first at or below it. Every run of one trial
/// starts from the same initialisation (`MLP(seed:)`) and, at one batch size, sees the same
/// batches (`BatchSampler(seed:)`), so runs differ only in optimiser and rate.
struct NetworkStudy {
    let train: LabelledImages
    let probe: LabelledImages
    let hidden: Int
    let target: Double
    let seed: UInt64
    let probeExamples: Int

    init(train: LabelledImages, probeSize: Int, hidden: Int, target: Double, probeExamples: Int, seed: UInt64) {
        self.train = train; self.hidden = hidden; self.target = target; self.seed = seed
        self.probeExamples = probeExamples
        var rng = RNG(seed: seed, stream: RNG.Stream.evaluation)
        probe = train.gathering(Array(rng.permutation(train.count).prefix(probeSize)))
    }

    func model() -> MLP { MLP(sizes: [train.images.cols, hidden, train.classCount], seed: seed) }

    /// Mean cross-entropy of `model` on `data`; with `backward`, gradients accumulate into the
    /// parameters (zeroed first).
    @discardableResult
    func loss(_ model: MLP, on data: LabelledImages, backward: Bool = false) -> Double {
        let tape = Tape(recording: backward)
        if backward { model.zeroGrad() }
        let logits = model.forward(tape.constant(data.images), on: tape)
        let loss = tape.crossEntropy(logits, labels: data.labels.map(Int32.init))
        if backward { tape.backward(loss) }
        return Double(loss.value.data[0])
    }

    /// Steps until the probe loss reaches the target (interpolated), +∞ on divergence or after
    /// `maxSteps`, `cap` itself (censored) when the run passes `cap` < `maxSteps`.
    func stepsToTarget(_ kind: NetworkOptimizer, lr: Double, batch: Int, cap: Int, maxSteps: Int,
                       checkpoints: (_ step: Int, _ model: MLP) -> Void = { _, _ in },
                       cancellation: () throws -> Void) throws -> Double {
        let model = model()
        var optimizer = kind.make()
        var batches = BatchSampler(count: train.count, batchSize: batch, seed: seed)
        let every = max(1, (probeExamples + batch - 1) / batch)
        var previous = (step: 0, loss: loss(model, on: probe))
        let limit = min(cap, maxSteps)
        var result: Double?
        let outcome = try TrainingLoop(steps: max(1, limit), cancellationInterval: every).run(
            parameters: model.parameters, optimizer: &optimizer, lr: Float(lr),
            beforeStep: { checkpoints($0, model) },
            loss: { _, tape in
                let data = train.gathering(batches.next())
                return tape.crossEntropy(model.forward(tape.constant(data.images), on: tape), labels: data.labels.map(Int32.init))
            },
            afterStep: { step in
                guard step % every == 0 || step == limit else { return true }
                let current = loss(model, on: probe)
                if !current.isFinite { result = .infinity; return false }
                if current <= target {
                    let fraction = (log(previous.loss) - log(target)) / (log(previous.loss) - log(current))
                    result = Double(previous.step) + fraction * Double(step - previous.step)
                    return false
                }
                previous = (step, current)
                return true
            },
            cancellation: cancellation)
        if outcome.diverged { return .infinity }
        if let result { return result }
        return limit < maxSteps ? Double(limit) : .infinity
    }

    /// McCandlish et al. Appendix A: with |G_B|² the squared norm of a batch-B gradient,
    /// E|G_B|² = |G|² + tr Σ / B, so two batch sizes b < B give unbiased estimates
    ///
    ///     |G|² ≈ (B·|G_B|² − b·|G_b|²) / (B − b)        tr Σ ≈ (|G_b|² − |G_B|²) / (1/b − 1/B)
    ///
    /// Each estimate averages `pairs` independent pairs (batches drawn with replacement from
    /// `RNG(seed, .evaluation).derived(1)`); B_simple is the ratio of the averages (the paper
    /// also averages numerator and denominator separately before dividing).
    func twoBatchEstimate(_ model: MLP, small: Int, large: Int, pairs: Int, rng: inout RNG) -> (gradient: Double, trace: Double) {
        func squaredNorm(_ size: Int) -> Double {
            let indices = (0..<size).map { _ in rng.int(below: train.count) }
            loss(model, on: train.gathering(indices), backward: true)
            return model.parameters.reduce(0) { sum, p in p.grad.data.reduce(sum) { $0 + Double($1) * Double($1) } }
        }
        var gradient = 0.0, trace = 0.0
        for _ in 0..<pairs {
            let gSmall = squaredNorm(small), gLarge = squaredNorm(large)
            let (b, B) = (Double(small), Double(large))
            gradient += (B * gLarge - b * gSmall) / (B - b)
            trace += (gSmall - gLarge) / (1 / b - 1 / B)
        }
        return (gradient / Double(pairs), trace / Double(pairs))
    }
}
