import Foundation
import ReproData
import ReproNumerics
import ReproOptim
import ReproTraining

/// A model with its data: what a run trains, evaluates and bounds.
protocol Trainee: AnyObject {
    var parameters: [Parameter] { get }
    /// The training loss of step t's batch (batches drawn from the trial's seed, the same in every run).
    func trainingLoss(step: Int, on tape: Tape) -> Variable
    /// Mean cross-entropy and accuracy on the held-out set.
    func evaluate() -> (loss: Double, accuracy: Double)
    /// The certified Lipschitz bound of the current weights.
    func certifiedBound() -> Double
    /// The bound certified when every matrix sits at `maxNorm` (the target of an enforcing method).
    func target(maxNorm: Double) -> Double
}

/// One point of a run's trace.
struct TracePoint {
    var step: Int
    var bound: Double
    /// Largest RMS→RMS norm of any matrix.
    var largestNorm: Double
    /// Largest ‖WᵀW − I‖_F over the matrices (Stiefel runs).
    var orthogonality: Double
}

/// What a run measured.
struct RunOutcome {
    var loss: Double
    var accuracy: Double
    var bound: Double
    /// max over steps of bound/target (enforcing methods checked at every step), nil otherwise.
    var worstRatio: Double?
    var worstOrthogonality: Double?
    var trace: [TracePoint]
    var curve: [(step: Int, loss: Double)]
    var diverged: Bool
    /// Not run: the rate is above the method's limit (`Method.maxRate`).
    var skipped = false

    /// The outcome of a rate the method does not allow: +∞ loss for the sweep, no measurements.
    static let skippedRun = RunOutcome(loss: .infinity, accuracy: .nan, bound: .nan, worstRatio: nil, worstOrthogonality: nil,
                                       trace: [], curve: [], diverged: false, skipped: true)
}

/// Trains a fresh trainee with `method` at `strength` and peak rate `lr` for `steps` steps under
/// the linear decay to zero of their `trainer.py` (`schedule = "linear"`). Enforcing methods
/// have their bound checked after every step; a trace point every `traceEvery` steps, a
/// validation point at `curvePoints` evenly spaced steps.
func train(_ make: () -> any Trainee, method: Method, strength: Double, lr: Double, steps: Int,
           traceEvery: Int, curvePoints: Int, cancellation: () throws -> Void) throws -> RunOutcome {
    let trainee = make()
    let parameters = trainee.parameters
    let matrices = parameters.filter(Muon.isMatrix)
    method.prepare(parameters, strength: strength)
    var optimizer = method.optimizer(strength: strength, lr: lr, steps: steps, parameters: parameters)
    let target = method.constraint.enforces ? trainee.target(maxNorm: strength) : nil
    var worstRatio: Double? = target.map { trainee.certifiedBound() / $0 }
    let stiefel = method.optimizer == .stiefel
    func orthogonality() -> Double {
        matrices.map { StiefelMuon.orthogonalityError($0.value.data, rows: $0.value.rows, cols: $0.value.cols) }.max() ?? 0
    }
    var worstOrthogonality: Double? = stiefel ? orthogonality() : nil
    var trace: [TracePoint] = []
    var curve: [(step: Int, loss: Double)] = []
    func record(_ step: Int) {
        trace.append(TracePoint(step: step, bound: trainee.certifiedBound(),
                                largestNorm: matrices.map(CertifiedBound.norm).max() ?? 0,
                                orthogonality: stiefel ? orthogonality() : 0))
    }
    record(0)
    let every = curvePoints > 0 ? max(1, steps / curvePoints) : 0
    let loop = TrainingLoop(steps: steps, schedule: LRSchedule(.linear))
    let outcome = try loop.run(parameters: parameters, optimizer: &optimizer, lr: Float(lr),
                               loss: { t, tape in trainee.trainingLoss(step: t, on: tape) },
                               afterStep: { done in
        if let target { worstRatio = max(worstRatio!, trainee.certifiedBound() / target) }
        if stiefel { worstOrthogonality = max(worstOrthogonality!, orthogonality()) }
        if done % traceEvery == 0 || done == steps { record(done) }
        if every > 0, done % every == 0 || done == steps { curve.append((done, trainee.evaluate().loss)) }
        return true
    }, cancellation: cancellation)
    if outcome.diverged {
        return RunOutcome(loss: .infinity, accuracy: .nan, bound: .infinity, worstRatio: worstRatio.map { _ in .infinity },
                          worstOrthogonality: worstOrthogonality, trace: trace, curve: curve, diverged: true)
    }
    let final = trainee.evaluate()
    return RunOutcome(loss: final.loss.isFinite ? final.loss : .infinity, accuracy: final.accuracy,
                      bound: trainee.certifiedBound(), worstRatio: worstRatio, worstOrthogonality: worstOrthogonality,
                      trace: trace, curve: curve, diverged: !final.loss.isFinite)
}

// MARK: The two trainees

/// The MLP on pooled, standardised Fashion-MNIST.
final class ImageTrainee: Trainee {
    let model: ImageMLP
    let train: LabelledImages
    let test: LabelledImages
    let batchSize: Int
    private var sampler: BatchSampler

    init(sizes: [Int], train: LabelledImages, test: LabelledImages, batchSize: Int, seed: UInt64) {
        model = ImageMLP(sizes: sizes, seed: seed)
        self.train = train; self.test = test; self.batchSize = batchSize
        sampler = BatchSampler(count: train.count, batchSize: batchSize, seed: seed)
    }

    var parameters: [Parameter] { model.parameters }

    func trainingLoss(step: Int, on tape: Tape) -> Variable {
        let batch = train.gathering(sampler.next())
        return tape.crossEntropy(model.forward(tape.constant(batch.images), on: tape), labels: batch.labels.map(Int32.init))
    }

    func evaluate() -> (loss: Double, accuracy: Double) {
        let tape = Tape(recording: false)
        let chunk = 2500
        var (loss, correct) = (0.0, 0)
        var start = 0
        while start < test.count {
            let part = test.gathering(Array(start..<min(start + chunk, test.count)))
            let logits = model.forward(tape.constant(part.images), on: tape)
            loss += Double(tape.crossEntropy(logits, labels: part.labels.map(Int32.init)).value.data[0]) * Double(part.count)
            correct += Accuracy.correct(logits.value, labels: part.labels.map(Int32.init))
            start += chunk
        }
        return (loss / Double(test.count), Double(correct) / Double(test.count))
    }

    func certifiedBound() -> Double { CertifiedBound.mlp(model) }
    func target(maxNorm: Double) -> Double { pow(maxNorm, Double(model.layers.count)) }
}

/// The transformer on Shakespeare characters.
final class TextTrainee: Trainee {
    let model: ModulaGPT
    let train: ArraySlice<Int32>
    let validation: TokenBatch
    let batchSize: Int
    private var rng: RNG

    init(config: ModulaGPTConfig, train: ArraySlice<Int32>, validation: TokenBatch, batchSize: Int, seed: UInt64) {
        model = ModulaGPT(config, seed: seed)
        self.train = train; self.validation = validation; self.batchSize = batchSize
        rng = RNG(seed: seed, stream: RNG.Stream.batches)
    }

    var parameters: [Parameter] { model.parameters }

    func trainingLoss(step: Int, on tape: Tape) -> Variable {
        let batch = TokenBatch.random(from: train, batchSize: batchSize, context: model.config.context, rng: &rng)
        return model.loss(batch.inputs, targets: batch.targets, batch: batchSize, on: tape)
    }

    func evaluate() -> (loss: Double, accuracy: Double) {
        let tape = Tape(recording: false)
        let (t, chunk) = (validation.context, 64)
        var (loss, correct) = (0.0, 0)
        var start = 0
        while start < validation.batchSize {
            let n = min(chunk, validation.batchSize - start)
            let span = (start * t)..<((start + n) * t)
            let targets = Array(validation.targets[span])
            let logits = model.forward(Array(validation.inputs[span]), batch: n, on: tape)
            loss += Double(tape.crossEntropy(logits, labels: targets).value.data[0]) * Double(n * t)
            correct += Accuracy.correct(logits.value, labels: targets)
            start += n
        }
        let total = Double(validation.batchSize * t)
        return (loss / total, Double(correct) / total)
    }

    func certifiedBound() -> Double {
        CertifiedBound.transformer(CertifiedBound.norms(model), softmaxScale: Double(model.config.softmaxScale))
    }

    func target(maxNorm: Double) -> Double {
        CertifiedBound.transformer(.uniform(maxNorm, layers: model.config.layers), softmaxScale: Double(model.config.softmaxScale))
    }
}

enum Accuracy {
    /// Rows of `logits` (matrix view) whose largest entry is at the label (first maximum on ties).
    static func correct(_ logits: Tensor, labels: [Int32]) -> Int {
        let cols = logits.cols
        var count = 0
        for r in 0..<logits.rows {
            var best = 0
            for j in 1..<cols where logits.data[r * cols + j] > logits.data[r * cols + best] { best = j }
            if best == Int(labels[r]) { count += 1 }
        }
        return count
    }
}

// MARK: Fronts

/// The accuracy-vs-bound front of a set of runs on a grid of bounds b: the best accuracy among
/// runs whose certified bound is ≤ b, or `floor` (the accuracy of a constant predictor, which is
/// 0-Lipschitz) when none is. Diverged runs count as absent.
func front(_ runs: [(bound: Double, accuracy: Double)], grid: [Double], floor: Double) -> [Double] {
    grid.map { b in
        runs.filter { $0.bound.isFinite && $0.accuracy.isFinite && $0.bound <= b }.map(\.accuracy).reduce(floor, max)
    }
}

/// mean over the grid of front(A) − front(B): positive when A is more accurate at equal bound.
func frontGap(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + $1.0 - $1.1 } / Double(a.count)
}
