import Foundation
import ReproData
import ReproNumerics
import ReproOptim
import ReproTraining

/// How one run of the transfer sweeps trains: Adam (PyTorch defaults, no weight decay) at a
/// constant rate on mini-batches of the training split, the metric the FLeRM paper plots ("train
/// loss is averaged over the last 200 batches of training", §4): the mean training loss over the
/// last `averagedSteps` batches.
public struct TransferTraining: Codable, Sendable, Equatable {
    public var batchSize: Int
    public var steps: Int
    public var averagedSteps: Int

    public init(batchSize: Int, steps: Int, averagedSteps: Int) {
        self.batchSize = batchSize; self.steps = steps; self.averagedSteps = averagedSteps
    }

    /// FLeRM's state shared by its optimiser (which reads the rates) and the loop's hooks (which
    /// set them): one object, so the training loop's `inout` optimiser and its closures see the same rates.
    final class Session: @unchecked Sendable {
        var flerm: FLeRM
        let parameters: [Parameter]
        init(_ flerm: FLeRM, parameters: [Parameter]) { self.flerm = flerm; self.parameters = parameters }
    }

    /// Adam whose per-tensor rates FLeRM sets between steps (every tensor its own group, as in
    /// mlp_cifar10.py).
    struct FLeRMAdam: Optimizer {
        var adam = Adam()
        let session: Session
        mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError) {
            adam.groups = session.flerm.groups(for: session.parameters)
            try adam.step(parameters, lr: lr)
        }
        func flops(for parameters: [Parameter]) -> Double { adam.flops(for: parameters) }
    }

    /// The base model's run at a uniform rate, FLeRM recording its function-space learning rates
    /// at every call (`FLeRM.Mode.record`): its loss and the recording.
    func recordingRun(model: any Layer, lr: Double, data: LabelledImages, seed: UInt64,
                      cancellation: () throws -> Void) throws -> (loss: Double, recorded: [[Double]]) {
        let flerm = FLeRM(mode: .record, shapes: model.parameters.map(\.value.shape), seed: seed)
        let r = try run(model: model, groups: [], lr: lr, data: data, seed: seed, flerm: flerm, cancellation: cancellation)
        return (r.loss, r.flerm!.recorded)
    }

    /// A scaled model's run: with `flermBase` (the base values per call, already mapped to this
    /// model's tensors) under FLeRM, else with the arm's Adam `groups`.
    func scaledRun(model: any Layer, groups: [ParameterGroup], lr: Double, data: LabelledImages, seed: UInt64,
                   flermBase: [[Double]]?, cancellation: () throws -> Void) throws -> Double {
        let flerm = flermBase.map { FLeRM(mode: .match(base: $0), shapes: model.parameters.map(\.value.shape), seed: seed) }
        return try run(model: model, groups: groups, lr: lr, data: data, seed: seed, flerm: flerm, cancellation: cancellation).loss
    }

    /// Trains `model` at rate `lr` on batches of `data` drawn by `BatchSampler(seed:)` (the same
    /// batches for every arm, size and rate of a seed) and returns the mean training loss over the
    /// last `averagedSteps` batches, +∞ when the run diverged. With `flerm`, FLeRM runs in the loop
    /// (its probe batches come from a second, independent shuffle of `data`, as the authors'
    /// `flerm_in_memory_train_loader`) and its final state is returned with the loss.
    func run(model: any Layer, groups: [ParameterGroup], lr: Double, data: LabelledImages, seed: UInt64,
             flerm: FLeRM? = nil, cancellation: () throws -> Void) throws -> (loss: Double, flerm: FLeRM?) {
        let parameters = model.parameters
        var batches = BatchSampler(count: data.count, batchSize: batchSize, seed: seed)
        var probeBatches = BatchSampler(count: data.count, batchSize: batchSize, seed: seed | 1 << 40)
        let session = flerm.map { Session($0, parameters: parameters) }
        var optimizer: any Optimizer = session.map { FLeRMAdam(session: $0) } ?? Adam(groups: groups)
        let output: (Tape, Tensor) -> Variable = { tape, x in model.forward(tape.constant(x), on: tape) }
        var tail = 0.0
        let averageFrom = steps - max(1, min(averagedSteps, steps))
        let outcome = try TrainingLoop(steps: steps).run(parameters: parameters, optimizer: &optimizer, lr: Float(lr), beforeStep: { t in
            if let session, FLeRM.isCall(t) { session.flerm.saveWeights(parameters) }
        }, loss: { t, tape in
            let batch = data.gathering(batches.next())
            let loss = tape.crossEntropy(model.forward(tape.constant(batch.images), on: tape), labels: batch.labels.map(Int32.init))
            if t >= averageFrom { tail += Double(loss.value.data[0]) }
            return loss
        }, afterStep: { done in
            let t = done - 1
            if let session, FLeRM.isCall(t) {
                session.flerm.afterStep(iteration: t, parameters: parameters, output: output) {
                    data.gathering(probeBatches.next()).images
                }
            }
            return true
        }, cancellation: cancellation)
        let mean = tail / Double(steps - averageFrom)
        return (outcome.diverged || !mean.isFinite ? .infinity : mean, session?.flerm)
    }
}
