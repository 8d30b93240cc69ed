import ReproData
import ReproKit
import ReproNumerics
import ReproOptim

/// Training on fresh prompts every step with Adam, as von Oswald et al. (Appendix A.12: "Adam
/// … default parameters", clipped to global norm 10, a new batch of tasks per step).
enum Training {
    struct Settings {
        var steps: Int
        var batch: Int
        var learningRate: Float
        var clipNorm: Float
        /// Multiplier of the learning rate over the run (the LSA runs use the paper's constant rate).
        var schedule: LRSchedule = .constant
    }

    /// Trains the LSA on ½·mean(ŷ − y_q)². `evaluate(step)` is called at step 0, every
    /// `every` steps and after the last one. Throws `DivergenceError` on a non-finite loss or step.
    static func train(_ model: LinearSelfAttention, problem: InContextRegression, settings: Settings, rng: inout RNG,
                      every: Int, context: RunContextProxy, evaluate: (Int) -> Void) throws {
        var adam = Adam()
        let d = model.dimension, n = problem.contextLength, b = settings.batch
        evaluate(0)
        for step in 1...settings.steps {
            let batch = problem.sample(count: settings.batch, rng: &rng)
            let tokens = LinearSelfAttention.batchInnermost(batch.tokens.data, batch: b, width: d)
            let (out, caches) = model.forward(tokens, batch: b)
            // ŷ_k = −out[N, y, k]; loss = ½·mean (ŷ − y)²; ∂loss/∂out[N, y, k] = −(ŷ_k − y_k)/B.
            var dOut = [Float](repeating: 0, count: out.count)
            var loss: Float = 0
            for k in 0..<b {
                let index = (n * d + d - 1) * b + k
                let e = -out[index] - batch.targets.data[k]
                loss += 0.5 * e * e / Float(b)
                dOut[index] = -e / Float(b)
            }
            try DivergenceError.check(loss: loss)
            model.parameters.forEach { $0.zeroGrad() }
            model.backward(dOut, caches: caches, batch: b)
            clip(model.parameters, to: settings.clipNorm)
            try adam.step(model.parameters, lr: settings.learningRate)
            if step % every == 0 || step == settings.steps { evaluate(step) }
            try context.tick()
        }
    }

    /// Trains the softmax transformer the same way (fresh prompts, Adam, clipping), with the
    /// settings' schedule. `evaluate(step)` as for the LSA.
    static func train(_ model: SoftmaxTransformer, problem: InContextRegression, settings: Settings, rng: inout RNG,
                      every: Int, context: RunContextProxy, evaluate: (Int) -> Void) throws {
        var adam = Adam()
        let tape = Tape()
        evaluate(0)
        for step in 1...settings.steps {
            let batch = problem.sample(count: settings.batch, rng: &rng)
            tape.reset()
            model.zeroGrad()
            let prediction = model.forward(batch.tokens, on: tape)
            let loss = tape.scale(tape.mse(prediction, tape.constant(batch.targets)), 0.5)
            try DivergenceError.check(loss: loss.value.data[0])
            tape.backward(loss)
            clip(model.parameters, to: settings.clipNorm)
            try adam.step(model.parameters, lr: settings.learningRate * settings.schedule.multiplier(step: step - 1, of: settings.steps))
            if step % every == 0 || step == settings.steps { evaluate(step) }
            try context.tick()
        }
    }

    /// Rescales all gradients together so their global ℓ2 norm is at most `limit` (optax
    /// `clip_by_global_norm`).
    static func clip(_ parameters: [Parameter], to limit: Float) {
        let norm = parameters.reduce(0.0) { total, p in p.grad.data.reduce(total) { $0 + Double($1) * Double($1) } }.squareRoot()
        guard norm > Double(limit) else { return }
        let scale = Float(Double(limit) / norm)
        for p in parameters { p.grad.data.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= scale } } }
    }
}

/// Progress and cancellation for a long loop: one unit per training step across the trial.
final class RunContextProxy {
    private let context: RunContext
    private let total: Int
    private(set) var done = 0
    var note = ""

    init(_ context: RunContext, total: Int) { self.context = context; self.total = total }

    func tick() throws {
        done += 1
        if done % 50 == 0 || done == total { context.progress(done, of: total, note) }
        try context.checkCancellation()
    }
}
