import ReproNumerics
import ReproOptim

/// μP for Adam (Yang, Hu et al., "Tensor Programs V", arXiv:2203.03466) as Microsoft's `mup`
/// package implements it (github.com/microsoft/mup), for the MLP of ReproNumerics: the one
/// implementation the weight-decay and hp-transfer experiments share. With m = width / baseWidth:
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
///
/// At m = 1 the network and its rates are PyTorch's standard ones.
public enum MuP {
    /// The ReLU MLP [inputs, width × (hiddenMatrices + 1), classes] initialised under μP at base
    /// width `baseWidth` (rules 1 and 2).
    public static func mlp(inputs: Int, width: Int, baseWidth: Int, hiddenMatrices: Int, classes: Int, seed: UInt64) -> MLP {
        let sizes = [inputs] + Array(repeating: width, count: hiddenMatrices + 1) + [classes]
        let model = MLP(sizes: sizes, activation: .relu, initialisation: .muP(baseWidth: baseWidth), seed: seed)
        if width != baseWidth {
            let root = Float((Double(width) / Double(baseWidth)).squareRoot())
            for layer in model.layers.dropFirst() {
                if layer === model.layers.last { scale(layer.weight, by: root) }
                if let bias = layer.bias { scale(bias, by: root) }
            }
        }
        return model
    }

    /// The width×width matrices of `model` (mup's "matrix-like" parameters, rule 3).
    public static func hiddenMatrices(of model: MLP) -> [Parameter] {
        model.layers.dropFirst().dropLast().map(\.weight)
    }

    /// Rule 3's rate multiplier of the width×width matrices: baseWidth / width.
    public static func hiddenLRMultiplier(width: Int, baseWidth: Int) -> Double {
        Double(baseWidth) / Double(width)
    }

    /// `MuAdam`'s groups: the width×width matrices at rate η·baseWidth/width (with `weightDecay`
    /// when given), the rest at η.
    public static func groups(for model: MLP, width: Int, baseWidth: Int, weightDecay: Float? = nil) -> [ParameterGroup] {
        let hidden = Set(hiddenMatrices(of: model).map(ObjectIdentifier.init))
        return [ParameterGroup("hidden", lrMultiplier: Float(hiddenLRMultiplier(width: width, baseWidth: baseWidth)),
                               weightDecay: weightDecay) { hidden.contains(ObjectIdentifier($0)) }]
    }

    static func scale(_ p: Parameter, by factor: Float) {
        p.value.data.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= factor } }
    }
}
