import Foundation
import ReproNumerics
import ReproOptim

/// How the width experiment's MLP [d, w, …, w, classes] and its Adam rates follow the width w
/// (m = w / baseWidth; all three arms are the same network and rates at m = 1).
enum WidthArm: String, Codable, Sendable, CaseIterable {
    /// Standard parametrisation: PyTorch's initialisation, every tensor at the rate η.
    case standard = "SP"
    /// μP for Adam (Yang et al., "Tensor Programs V", arXiv:2203.03466) in the form of
    /// Microsoft's `mup` package, as the weight-decay experiment uses it (see `MuP`).
    case muP = "muP"
    /// SP's initialisation; per-tensor rates set by FLeRM from the base width's recorded
    /// function-space learning rates at the same outer rate.
    case flerm = "FLeRM"
}

/// μP for Adam as Microsoft's `mup` implements it (github.com/microsoft/mup), for the MLP of
/// ReproNumerics. The same three rules as weight-decay's `TrainingSetting` (the brief asks for the
/// one implementation to move to a shared module; until then this is a copy of those lines — see
/// the report of issue 18):
///
/// 1. `MuReadout`: the readout's output is multiplied by 1/m — `Initialisation.muP(baseWidth:)`
///    in `MLP` does it;
/// 2. `set_base_shapes(rescale_params=True)` (mup/shape.py) calls, in mup/layer.py,
///    `MuReadout._rescale_parameters`, which multiplies the readout weight and bias by √m, and
///    `rescale_linear_bias`, which multiplies the bias of every other `nn.Linear` by
///    √(fan-in width_mult): √m where the fan-in is the width, 1 for the input layer;
/// 3. `MuAdam` (mup/optim.py): parameters with two infinite dimensions (`infshape.ninf() == 2`,
///    the width×width matrices) get lr / width_mult; everything else (input weights, biases, the
///    readout, whose fan-out is finite) keeps lr.
enum MuP {
    /// The MLP [inputs, width × (hiddenMatrices + 1), classes] under μP at base width `baseWidth`.
    static func mlp(inputs: Int, width: Int, baseWidth: Int, hiddenMatrices: Int, classes: Int, seed: UInt64) -> MLP {
        let sizes = [inputs] + Array(repeating: width, count: hiddenMatrices + 1) + [classes]
        let model = MLP(sizes: sizes, activation: .relu, initialisation: .muP(baseWidth: baseWidth), seed: seed)
        let m = Float(width) / Float(baseWidth)
        if m != 1 {
            let root = m.squareRoot()
            for layer in model.layers.dropFirst() {
                if layer === model.layers.last { scale(layer.weight, by: root) }
                if let bias = layer.bias { scale(bias, by: root) }
            }
        }
        return model
    }

    /// The width×width matrices of `model` (mup's "matrix-like" parameters).
    static func hiddenMatrices(of model: MLP) -> [Parameter] {
        model.layers.dropFirst().dropLast().map(\.weight)
    }

    /// `MuAdam`'s groups: the width×width matrices at rate η·baseWidth/width, the rest at η.
    static func groups(for model: MLP, width: Int, baseWidth: Int) -> [ParameterGroup] {
        let hidden = Set(hiddenMatrices(of: model).map(ObjectIdentifier.init))
        return [ParameterGroup("hidden", lrMultiplier: Float(baseWidth) / Float(width)) { hidden.contains(ObjectIdentifier($0)) }]
    }

    private static func scale(_ p: Parameter, by factor: Float) {
        p.value.data = p.value.data.map { $0 * factor }
    }
}
