import Foundation
import ReproNumerics

/// The authors' residual MLP (`SimpleResMLP` in `mlpcifar10/mlp_cifar10.py`, block_size 1,
/// weight-side 1/√L scaling, i.e. without `--use_forward_pass_rootL`):
///
///     x ← W_in·x + b_in
///     x ← x + W_b·relu(x) + b_b          for each of the `blocks` = baseBlocks·depthMultiplier blocks
///     logits = W_out·x + b_out           (no nonlinearity before the readout)
///
/// Initialisation as theirs: W_in ~ N(0, 1/d_in) (`kaiming_normal_`, `nonlinearity='linear'`),
/// b_in = 0; W_b ~ N(0, 2/width) (`nonlinearity='relu'`) divided by √depthMultiplier, so every
/// block adds variance ∝ 1/depthMultiplier; the block biases and the readout keep PyTorch's default
/// U(±1/√fan_in) (the script does not re-initialise them).
///
/// Parameters in order: input weight and bias, each block's weight and bias, readout weight and
/// bias, the order of `named_parameters()`, which FLeRM's depth split relies on.
final class ResidualMLP: Layer {
    let input: Linear
    let blocks: [Linear]
    let readout: Linear
    let depthMultiplier: Int

    init(inputs: Int, width: Int, classes: Int, baseBlocks: Int, depthMultiplier: Int, seed: UInt64) {
        var rng = RNG(seed: seed, stream: RNG.Stream.initialisation)
        input = Linear("input", inputs: inputs, outputs: width, rng: &rng)
        blocks = (0..<(baseBlocks * depthMultiplier)).map { Linear("blocks.\($0)", inputs: width, outputs: width, rng: &rng) }
        readout = Linear("readout", inputs: width, outputs: classes, role: .head, rng: &rng)
        self.depthMultiplier = depthMultiplier
        input.weight.value.data = rng.normals(width * inputs, std: 1 / Float(inputs).squareRoot())
        input.bias!.value.data = [Float](repeating: 0, count: width)
        let blockStd = (2 / Float(width)).squareRoot() / Float(depthMultiplier).squareRoot()
        for block in blocks { block.weight.value.data = rng.normals(width * width, std: blockStd) }
    }

    var parameters: [Parameter] { input.parameters + blocks.flatMap(\.parameters) + readout.parameters }

    func forward(_ x: Variable, on tape: Tape) -> Variable {
        var h = input.forward(x, on: tape)
        for block in blocks { h = tape.add(h, block.forward(tape.relu(h), on: tape)) }
        return readout.forward(h, on: tape)
    }

    /// For each parameter of this model, the parameter of the base model (depthMultiplier 1,
    /// `baseBlocks` blocks) whose FLeRM value it inherits, and its share (mlp_cifar10.py
    /// `generate_masses_dict`: block j of the deep model is a copy of base block j / depthMultiplier
    /// and gets 1/depthMultiplier of its value; input and readout keep theirs).
    var flermSources: [FLeRMBase.Source] {
        let baseBlocks = blocks.count / depthMultiplier
        let share = 1 / Double(depthMultiplier)
        let inputs = [FLeRMBase.Source(index: 0, share: 1), .init(index: 1, share: 1)]
        let middle = blocks.indices.flatMap { j in
            let b = j / depthMultiplier
            return [FLeRMBase.Source(index: 2 + 2 * b, share: share), .init(index: 3 + 2 * b, share: share)]
        }
        let out = 2 + 2 * baseBlocks
        return inputs + middle + [.init(index: out, share: 1), .init(index: out + 1, share: 1)]
    }
}
