import Foundation
import ReproData
import ReproNumerics
import ReproOptim
import ReproTraining

/// Which optimiser a run uses. Both share β = (0.9, 0.95), ε = 1e-8 and no weight decay.
///
/// - `adamW`: AdamW on every parameter.
/// - `muon`: Muon (Nesterov momentum 0.95, Jordan's quintic ×5, Moonshot's update scale
///   0.2·√max(rows, cols)) on the hidden matrices; the same AdamW on embeddings, head and vectors,
///   at the same learning rate (Essential AI's arrangement, arXiv:2505.02222 §2.2). The
///   Moonshot scale makes one learning rate meaningful for both parts (arXiv:2502.16982 §2.2).
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case adamW = "AdamW"
    case muon = "Muon"

    static let aux = Adam.adamW(beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0)

    func make() -> any Optimizer {
        switch self {
        case .adamW: Self.aux
        case .muon: Muon(scale: .moonshot, weightDecay: 0, adamW: Self.aux)
        }
    }
}

/// Everything one training run depends on besides the optimiser and its peak learning rate.
struct RunSetting {
    var model: ModelSpec
    var vocabulary: Int
    var batchSize: Int
    var warmupFraction: Double
    var minLRFactor: Float
    var train: ArraySlice<Int32>
    var validation: TokenBatch
    var evaluationChunk: Int
    var seed: UInt64

    /// Linear warm-up over ⌈warmupFraction·steps⌉ steps, then cosine decay to minLRFactor×peak:
    /// each budget gets its own schedule, stretched to its own length.
    func schedule(steps: Int) -> LRSchedule {
        LRSchedule(.cosine, warmupSteps: max(1, Int((warmupFraction * Double(steps)).rounded(.up))), minFactor: minLRFactor)
    }
}

/// The outcome of one run: final validation loss (+∞ when it diverged), the validation curve
/// when asked for, wall time and the FLOPs of one step.
struct RunResult {
    var finalLoss: Double
    var curve: [(step: Int, loss: Double)]
    /// Wall time of the training steps alone (validation passes excluded).
    var seconds: Double
    var modelFlopsPerStep: Double
    var optimizerFlopsPerStep: Double
    var diverged: Bool { !finalLoss.isFinite }
}

/// Trains a fresh model (initialised from the trial's seed) for `steps` steps with `optimizer`
/// at peak rate `lr` on the shared loop (`TrainingLoop`, the setting's warm-up + cosine schedule).
/// The batches come from `RNG(seed, .batches)`, so every run of one trial sees the same windows
/// in the same order: runs differ only in optimiser, rate and length. `curvePoints` > 0 adds that
/// many evenly spaced validation evaluations (excluded from the wall time).
func train(_ setting: RunSetting, optimizer kind: OptimizerKind, lr: Float, steps: Int, curvePoints: Int = 0,
           cancellation: () throws -> Void) throws -> RunResult {
    let model = setting.model.instantiate(vocabulary: setting.vocabulary, seed: setting.seed)
    var optimizer = kind.make()
    let parameters = model.parameters
    var rng = RNG(seed: setting.seed, stream: RNG.Stream.batches)
    let every = curvePoints > 0 ? max(1, steps / curvePoints) : 0
    var curve: [(step: Int, loss: Double)] = []
    let clock = ContinuousClock(), start = clock.now
    var evaluating = Duration.zero
    let loop = TrainingLoop(steps: steps, schedule: setting.schedule(steps: steps))
    let outcome = try loop.run(parameters: parameters, optimizer: &optimizer, lr: lr, loss: { _, tape in
        model.loss(TokenBatch.random(from: setting.train, batchSize: setting.batchSize, context: setting.model.context, rng: &rng), on: tape)
    }, afterStep: { done in
        if every > 0, done % every == 0 || done == steps, curve.last?.step != done {
            let before = clock.now
            curve.append((done, model.evaluate(setting.validation, chunk: setting.evaluationChunk)))
            evaluating += clock.now - before
        }
        return true
    }, cancellation: cancellation)
    let seconds = (clock.now - start - evaluating) / .seconds(1)
    let final = outcome.diverged ? Double.infinity
        : curve.last?.step == steps ? curve.last!.loss : model.evaluate(setting.validation, chunk: setting.evaluationChunk)
    return RunResult(finalLoss: final.isFinite ? final : .infinity, curve: curve, seconds: seconds,
                     modelFlopsPerStep: model.stepFlops(windows: setting.batchSize),
                     optimizerFlopsPerStep: optimizer.flops(for: parameters))
}
