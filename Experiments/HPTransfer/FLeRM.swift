import Foundation
import ReproNumerics
import ReproOptim

/// FLeRM, Function-space Learning Rate Matching (Milsom, Anson & Aitchison, arXiv:2502.17405), as
/// the authors' code runs it: `flerm.py` (`FLeRM.save_weights`, `FLeRM.update_lrs`) driven by the
/// training loop of `mlpcifar10/mlp_cifar10.py`
/// (github.com/edwardmilsom/function-space-learning-rates-paper).
///
/// Every tensor is its own parameter group with its own rate lr_ℓ = outer·multiplierₗ. At
/// iterations 0, `frequency`, 2·`frequency`, … (a *call*):
/// 1. the weights are saved before the optimiser step;
/// 2. after it, ΔW_ℓ = (W_new − W_old)/lr_ℓ, the update at rate 1 (flerm.py assumes an
///    optimiser whose step size does not depend on its gradient's scale: Adam here), and the step
///    is undone;
/// 3. one probe (`FunctionSpaceProbe.gradients`) on a batch from a separate shuffle of the
///    training set feeds the estimator, giving δ_ℓ ≈ ‖J_ℓ·ΔW_ℓ‖_RMS;
/// 4. `.record` keeps δ_ℓ (the base model's function-space learning rates at rate 1, `--only_measure_masses`);
///    `.match(base:)` sets lr_ℓ = outer · base_ℓ / δ_ℓ (eps = 0), with base_ℓ the base model's value at
///    the same call, so that lr_ℓ·δ_ℓ, this tensor's function-space learning rate, equals the base
///    model's outer·base_ℓ;
/// 5. the step is redone at the (new) rates. Adam's moments are those of the first step: they do
///    not depend on the rate, as in PyTorch.
///
/// Warm-up (mlp_cifar10.py, `iteration == 0`): the first call probes 40 times reusing the same
/// ΔW (`reuse_previous_weight_updates=True`) before the value it records or matches, so the first
/// estimate is an EMA over 41 probes; later calls add one probe each to the same EMA.
struct FLeRM: Sendable {
    enum Mode: Sendable {
        /// Uniform rate (every multiplier 1); record δ_ℓ at each call.
        case record
        /// `base[k][ℓ]`: the base model's value for this model's tensor ℓ at call k, already split
        /// (`FLeRMBase.values(for:)`).
        case match(base: [[Double]])
    }

    /// Iterations between calls (`--normaliser_update_frequency 100` in every script).
    static let frequency = 100
    /// Extra probes of the first call (`for _ in range(39)` after the first, plus the one that
    /// records or sets: 41 in all).
    static let warmupProbes = 40

    let mode: Mode
    /// lr_ℓ / outer rate, per tensor.
    private(set) var multipliers: [Double]
    /// `.record`: δ_ℓ at each call.
    private(set) var recorded: [[Double]] = []
    private(set) var calls = 0
    private var estimator: FunctionSpaceEstimator
    private let shapes: [[Int]]
    private var saved: [[Float]] = []
    private var updates: [[Float]] = []
    private var noise: RNG

    init(mode: Mode, shapes: [[Int]], seed: UInt64, approximation: FunctionSpaceEstimator.Approximation = .kronecker) {
        self.mode = mode
        self.shapes = shapes
        multipliers = Array(repeating: 1, count: shapes.count)
        estimator = FunctionSpaceEstimator(shapes: shapes, approximation: approximation)
        noise = RNG(seed: seed, stream: RNG.Stream.noise)
    }

    /// Whether iteration `t` (0-based) is a call.
    static func isCall(_ t: Int) -> Bool { t % frequency == 0 }

    /// One Adam group per tensor with its multiplier (every tensor is its own param group in
    /// mlp_cifar10.py).
    func groups(for parameters: [Parameter]) -> [ParameterGroup] {
        zip(parameters, multipliers).map { p, m in
            let id = ObjectIdentifier(p)
            return ParameterGroup(p.name, lrMultiplier: Float(m)) { ObjectIdentifier($0) == id }
        }
    }

    /// Before the optimiser step of a call iteration.
    mutating func saveWeights(_ parameters: [Parameter]) {
        saved = parameters.map(\.value.data)
    }

    /// After the optimiser step of a call iteration `t`: the steps 2–5 above. `probeInputs`
    /// returns the next probe batch; `output` is the network's output on a tape. Returns the
    /// estimates δ_ℓ of the last probe.
    @discardableResult
    mutating func afterStep(iteration t: Int, parameters: [Parameter], output: (Tape, Tensor) -> Variable,
                            probeInputs: () -> Tensor) -> [Double] {
        precondition(Self.isCall(t) && saved.count == parameters.count, "afterStep on a call iteration, after saveWeights")
        // 2. ΔW at rate 1, then undo the step.
        updates = parameters.indices.map { l in
            let rate = Float(multipliers[l])
            return zip(parameters[l].value.data, saved[l]).map { ($0 - $1) / rate }
        }
        for (l, p) in parameters.enumerated() { p.value.data = saved[l] }
        // 3. Probes (41 at the first call, reusing ΔW; one afterwards).
        var estimates: [Double] = []
        for _ in 0..<(t == 0 ? Self.warmupProbes + 1 : 1) {
            let g = FunctionSpaceProbe.gradients(of: output, parameters: parameters, inputs: probeInputs(), rng: &noise)
            estimates = estimator.update(products: FunctionSpaceProbe.products(updates: updates, gradients: g), shapes: shapes)
        }
        // 4. Record, or set the rates.
        switch mode {
        case .record:
            recorded.append(estimates)
        case .match(let base):
            precondition(calls < base.count, "the base run recorded \(base.count) calls; this run makes more")
            multipliers = zip(base[calls], estimates).map { $0 / $1 }
        }
        calls += 1
        // 5. Redo the step at the current rates.
        for (l, p) in parameters.enumerated() {
            let rate = Float(multipliers[l])
            p.value.data = zip(saved[l], updates[l]).map { $0 + rate * $1 }
        }
        return estimates
    }
}

/// The base model's recorded values and how a scaled model's tensors inherit them
/// (mlp_cifar10.py, `generate_masses_dict` for `resmlp`).
///
/// Width: the scaled model has the base's tensors, one for one; each keeps its base value.
/// Depth: input and output layers keep their values; the value of base residual block b is
/// divided equally among its `depthMultiplier` copies, blocks depthMultiplier·b …
/// depthMultiplier·b + depthMultiplier − 1, each getting base/depthMultiplier (the tensors inside
/// a block keep their positions).
struct FLeRMBase: Sendable {
    /// recorded[k][ℓ]: δ_ℓ of base tensor ℓ at call k.
    var recorded: [[Double]]

    /// Where a scaled model's tensor takes its value from: base tensor `index`, times `share`.
    struct Source: Sendable, Equatable {
        var index: Int
        var share: Double
    }

    /// Width scaling: tensor ℓ of the scaled model keeps base tensor ℓ's value.
    static func identity(count: Int) -> [Source] { (0..<count).map { Source(index: $0, share: 1) } }

    /// The values for a scaled model whose tensor ℓ inherits from `sources[ℓ]`.
    func values(for sources: [Source]) -> [[Double]] {
        recorded.map { call in sources.map { call[$0.index] * $0.share } }
    }
}
