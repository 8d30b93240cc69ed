import Foundation
import ReproData
import ReproNumerics
import ReproOptim
import ReproTraining

/// μP's coordinate check (Yang et al., "Tensor Programs V", arXiv:2203.03466, §5 and Fig. 5:
/// "we plot the standard deviation of the coordinates of x_t − x_0, for t = 0, …, 4 … over 4
/// steps of Adam updates, as a function of width"; `mup/coord_check.py` trains on one fixed
/// batch, `fix_data=True`, with Adam at lr 10⁻³ by default).
///
/// A ReLU MLP trains `steps` Adam steps on one fixed batch; after each step t the same batch is
/// run forward again and, for the input layer's pre-activation, the last hidden pre-activation
/// and the logits (after μP's 1/m readout multiplier), the standard deviation over all
/// coordinates (batch × units) of x_t − x_0 is recorded.
///
/// What theory predicts for Adam (whose step has entries of size Θ(η) whatever the width): a
/// width×width matrix's update is aligned with its input, so ΔW·h sums `width` coherent terms and
/// grows ∝ width under SP, Θ(1) under μP (rate η/m); likewise the logits (SP: rate η on a
/// fan-in-width readout; μP: the 1/m multiplier). The input layer's fan-in does not grow with
/// width, so its change is Θ(1) under both.
enum CoordinateCheck {
    /// std(x_t − x_0) for t = 1 … steps.
    struct Trace: Sendable, Equatable {
        var input: [Double] = []
        var hidden: [Double] = []
        var logits: [Double] = []
    }

    /// Runs the check for one model and returns the trace; `groups` are the arm's Adam groups.
    static func trace(model: MLP, groups: [ParameterGroup], batch: LabelledImages, lr: Float, steps: Int) throws -> Trace {
        precondition(model.activation == .relu && model.layers.count >= 3, "the check reads a ReLU MLP with a hidden matrix")
        let x = batch.images, labels = batch.labels.map(Int32.init)
        let initial = coordinates(model, x)
        var trace = Trace()
        var optimizer: any Optimizer = Adam(groups: groups)
        let loop = TrainingLoop(steps: steps)
        let outcome = try loop.run(parameters: model.parameters, optimizer: &optimizer, lr: lr, loss: { _, tape in
            tape.crossEntropy(model.forward(tape.constant(x), on: tape), labels: labels)
        }, afterStep: { _ in
            let now = coordinates(model, x)
            trace.input.append(changeStd(now.input, initial.input))
            trace.hidden.append(changeStd(now.hidden, initial.hidden))
            trace.logits.append(changeStd(now.logits, initial.logits))
            return true
        })
        if outcome.diverged {
            let missing = steps - trace.hidden.count
            trace.input += Array(repeating: .infinity, count: missing)
            trace.hidden += Array(repeating: .infinity, count: missing)
            trace.logits += Array(repeating: .infinity, count: missing)
        }
        return trace
    }

    /// The input layer's pre-activation, the last hidden pre-activation and the logits of `model`
    /// on `x`, computed layer by layer as `MLP.forward` does.
    static func coordinates(_ model: MLP, _ x: Tensor) -> (input: [Float], hidden: [Float], logits: [Float]) {
        let tape = Tape(recording: false)
        var h = tape.constant(x)
        var preactivations: [[Float]] = []
        for (i, layer) in model.layers.enumerated() {
            let z = layer.forward(h, on: tape)
            if i < model.layers.count - 1 {
                preactivations.append(z.value.data)
                h = tape.relu(z)
            } else {
                h = model.readoutMultiplier == 1 ? z : tape.scale(z, model.readoutMultiplier)
            }
        }
        return (preactivations.first!, preactivations.last!, h.value.data)
    }

    /// The standard deviation of the coordinates of a − b.
    static func changeStd(_ a: [Float], _ b: [Float]) -> Double {
        let d = zip(a, b).map { Double($0) - Double($1) }
        let mean = d.reduce(0, +) / Double(d.count)
        return (d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d.count)).squareRoot()
    }
}
