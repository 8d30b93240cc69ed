import Foundation
import ReproData
import ReproNumerics
import ReproOptim

/// One training run of a character model (`ModelSpec`) on Shakespeare windows, as muon-compute
/// defined it and muon-variants reuses it.
/// Everything one training run depends on besides the optimiser and its peak learning rate.
public struct RunSetting: Sendable {
    public init(model: ModelSpec, vocabulary: Int, batchSize: Int, warmupFraction: Double, minLRFactor: Float,
                train: ArraySlice<Int32>, validation: TokenBatch, evaluationChunk: Int, seed: UInt64) {
        self.model = model; self.vocabulary = vocabulary; self.batchSize = batchSize
        self.warmupFraction = warmupFraction; self.minLRFactor = minLRFactor; self.train = train
        self.validation = validation; self.evaluationChunk = evaluationChunk; self.seed = seed
    }

    public var model: ModelSpec
    public var vocabulary: Int
    public var batchSize: Int
    public var warmupFraction: Double
    public var minLRFactor: Float
    public var train: ArraySlice<Int32>
    public var validation: TokenBatch
    public var evaluationChunk: Int
    public var seed: UInt64

    /// Linear warm-up over ⌈warmupFraction·steps⌉ steps, then cosine decay to minLRFactor×peak:
    /// each budget gets its own schedule, stretched to its own length.
    public func schedule(steps: Int) -> LRSchedule {
        LRSchedule(.cosine, warmupSteps: max(1, Int((warmupFraction * Double(steps)).rounded(.up))), minFactor: minLRFactor)
    }
}

/// The outcome of one run: final validation loss (+∞ when it diverged), the validation curve
/// when asked for, wall time and the FLOPs of one step.
public struct RunResult: Sendable {
    public var finalLoss: Double
    public var curve: [(step: Int, loss: Double)]
    /// Wall time of the training steps alone (validation passes excluded).
    public var seconds: Double
    public var modelFlopsPerStep: Double
    public var optimizerFlopsPerStep: Double
    public var diverged: Bool { !finalLoss.isFinite }

    public init(finalLoss: Double, curve: [(step: Int, loss: Double)], seconds: Double, modelFlopsPerStep: Double,
                optimizerFlopsPerStep: Double) {
        self.finalLoss = finalLoss; self.curve = curve; self.seconds = seconds
        self.modelFlopsPerStep = modelFlopsPerStep; self.optimizerFlopsPerStep = optimizerFlopsPerStep
    }
}

/// Trains a fresh character model (initialised from the setting's seed) for `steps` steps with `optimizer`
/// at peak rate `lr` on the shared loop (`TrainingLoop`, the setting's warm-up + cosine schedule).
/// The batches come from `RNG(seed, .batches)`, so every run of one trial sees the same windows
/// in the same order: runs differ only in optimiser, rate and length. `curvePoints` > 0 adds that
/// many evenly spaced validation evaluations (excluded from the wall time).
public func trainCharacterModel(_ setting: RunSetting, optimizer: any Optimizer, lr: Float, steps: Int, curvePoints: Int = 0,
                                schedule: LRSchedule? = nil, cancellation: () throws -> Void) throws -> RunResult {
    let model = setting.model.instantiate(vocabulary: setting.vocabulary, seed: setting.seed)
    var optimizer = optimizer
    let parameters = model.parameters
    var rng = RNG(seed: setting.seed, stream: RNG.Stream.batches)
    let every = curvePoints > 0 ? max(1, steps / curvePoints) : 0
    var curve: [(step: Int, loss: Double)] = []
    let clock = ContinuousClock(), start = clock.now
    var evaluating = Duration.zero
    let loop = TrainingLoop(steps: steps, schedule: schedule ?? setting.schedule(steps: steps))
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
