import ReproNumerics
import ReproOptim

/// The training loop every experiment's runs share: for step t = 0 … steps − 1,
///
/// 0. `beforeStep(t)`: the experiment may measure the model as it is before the step (it may
///    run its own backward passes: gradients are cleared after it);
/// 1. clear the tape and every parameter's gradient;
/// 2. `loss(t, tape)`: the experiment draws its batch, runs its model forward on the tape and
///    returns the scalar loss;
/// 3. backward pass;
/// 4. stop as diverged if the loss is not finite (`DivergenceError.check`) or the optimiser
///    refuses the step (a non-finite gradient or parameter);
/// 5. one optimiser step at rate lr·schedule(t) (given the loss too, for optimisers that use it);
/// 6. `afterStep(t + 1)`: the experiment evaluates, records a curve, or returns `false` to stop
///    (a target reached);
/// 7. every `cancellationInterval` steps, `cancellation()` (a cancelled trial stops promptly).
///
/// What differs between experiments — the model, the batches, what is evaluated and when — lives
/// in the closures, so each experiment's run reads as its paper's protocol. The loop itself
/// draws no random numbers: runs with the same closures are bitwise identical.
public struct TrainingLoop: Sendable {
    public var steps: Int
    public var schedule: LRSchedule
    public var cancellationInterval: Int

    public init(steps: Int, schedule: LRSchedule = .constant, cancellationInterval: Int = 16) {
        precondition(steps >= 0, "a run needs a non-negative number of steps")
        precondition(cancellationInterval >= 1, "the cancellation interval must be at least 1")
        self.steps = steps
        self.schedule = schedule
        self.cancellationInterval = cancellationInterval
    }

    /// How a run ended.
    public enum Outcome: Equatable, Sendable {
        /// Every step ran.
        case completed
        /// Stopped after `steps` completed steps: the loss of the next step, or its update, was not finite.
        case diverged(steps: Int, DivergenceError)
        /// `afterStep` asked to stop after `steps` steps.
        case stopped(steps: Int)

        public var diverged: Bool { if case .diverged = self { true } else { false } }
    }

    /// Trains `parameters` with `optimizer` at peak rate `lr`. Errors thrown by the closures
    /// (cancellation included) propagate; divergence does not throw, it is an outcome.
    public func run(parameters: [Parameter], optimizer: inout any Optimizer, lr: Float,
                    beforeStep: (_ step: Int) throws -> Void = { _ in },
                    loss: (_ step: Int, _ tape: Tape) throws -> Variable,
                    afterStep: (_ completedSteps: Int) throws -> Bool = { _ in true },
                    cancellation: () throws -> Void = {}) throws -> Outcome {
        let tape = Tape()
        for t in 0..<steps {
            try beforeStep(t)
            tape.reset()
            for p in parameters { p.zeroGrad() }
            let value = try loss(t, tape)
            tape.backward(value)
            do {
                let f = value.value.data[0]
                try DivergenceError.check(loss: f)
                try optimizer.step(parameters, lr: lr * schedule.multiplier(step: t, of: steps), loss: f)
            } catch {
                return .diverged(steps: t, error)
            }
            if try !afterStep(t + 1) { return .stopped(steps: t + 1) }
            if t % cancellationInterval == 0 { try cancellation() }
        }
        return .completed
    }
}
