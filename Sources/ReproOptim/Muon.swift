import ReproNumerics

/// Muon — MomentUm Orthogonalized by Newton–Schulz (Keller Jordan, 2024,
/// https://kellerjordan.github.io/posts/muon/), following `SingleDeviceMuonWithAuxAdam` in
/// github.com/KellerJordan/Muon muon.py: matrices get the orthogonalised momentum, every other
/// parameter an internal AdamW.
///
/// Routing is by role: `.hiddenMatrix` → Muon; `.embedding`, `.head`, `.vector` → `adamW`.
/// A hidden parameter is viewed as a rows×cols matrix (rows = product of the leading
/// dimensions, cols = the last). With gradient g, rate η, weight decay λ:
///
///     m ← m + (1 − μ)·(g − m)                  (m₀ = 0; `momentum.lerp_(grad, 1 − μ)`)
///     u = g + μ·(m − g)   (Nesterov)  or  u = m   (`grad.lerp_(momentum, μ)`)
///     O = NS(u)   X₀ = u / (‖u‖_F + ε), then each quintic (a, b, c) of `schedule`:
///                 X ← a·X + (b·A + c·A²)·X with A = X·Xᵀ (on the wide orientation)
///     p ← p·(1 − η·λ)
///     p ← p − η·s(rows, cols)·O                 (s from `scale`)
///
/// The torch form b ← μ·b + g, u = g + μ·b (torch.optim.Muon, Moonlight) equals (1 − μ)⁻¹·u
/// here; NS normalises by the Frobenius norm, so the two agree up to the ε = 1e-7 guard.
/// Differences from the reference: NS runs in Float32 (the reference uses bfloat16), and a
/// parameter of rank > 2 is flattened to rows×cols (the reference flattens 4-D convolution
/// filters the same way).
public struct Muon: Optimizer {
    /// μ = 0.95 and Nesterov on: the reference defaults.
    public var momentum: Float
    public var nesterov: Bool
    /// The Newton–Schulz coefficient schedule; `.jordan` is the reference (3.4445, −4.7750, 2.0315)×5.
    public var schedule: NewtonSchulzSchedule
    /// ε in X₀ = u / (‖u‖_F + ε).
    public var epsilon: Float
    public var scale: MuonScale
    /// Default decoupled weight decay λ of the matrices; a `ParameterGroup` may override it.
    public var weightDecay: Float
    /// Groups for the matrices (the `adamW` has its own).
    public var groups: [ParameterGroup]
    /// The optimiser of every non-matrix parameter; it receives the same base `lr`, so give it
    /// groups with `lrMultiplier` for the Adam rates (Jordan's example: Muon 0.05, Adam 0.04–0.6).
    public var adamW: Adam

    private var buffers = StateTable<[Float]>()
    private var workspace = NewtonSchulz.Workspace()

    /// Defaults are the reference's: μ 0.95, Nesterov, 5 Jordan quintics, λ 0; the internal AdamW
    /// uses the reference aux-Adam defaults β (0.9, 0.95), ε 1e-10, λ 0. The shape scale defaults
    /// to Jordan's on [fan-out, fan-in] weights, the layout of ReproNumerics' `Linear` ([outputs, inputs]);
    /// pass `.jordan(.inByOut)` for weights applied as y = x·W.
    public init(momentum: Float = 0.95, nesterov: Bool = true, schedule: NewtonSchulzSchedule = .jordan,
                epsilon: Float = 1e-7, scale: MuonScale = .jordan(.outByIn), weightDecay: Float = 0,
                groups: [ParameterGroup] = [],
                adamW: Adam = .adamW(beta1: 0.9, beta2: 0.95, epsilon: 1e-10, weightDecay: 0)) {
        self.momentum = momentum; self.nesterov = nesterov; self.schedule = schedule
        self.epsilon = epsilon; self.scale = scale; self.weightDecay = weightDecay
        self.groups = groups; self.adamW = adamW
    }

    /// Whether `parameter` receives the orthogonalised update (otherwise it goes to `adamW`).
    public static func isMatrix(_ parameter: Parameter) -> Bool { parameter.role == .hiddenMatrix }

    public mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError) {
        try DivergenceError.checkGradients(parameters)
        let matrices = parameters.filter(Self.isMatrix)
        for p in matrices {
            let h = groups.hyperparameters(for: p, lr: lr, defaultWeightDecay: weightDecay)
            let (rows, cols) = (p.value.rows, p.value.cols)
            var update = momentumUpdate(p)
            NewtonSchulz.orthogonalize(&update, rows: rows, cols: cols, schedule: schedule, epsilon: epsilon,
                                       workspace: &workspace)
            Elementwise.scale(&p.value.data, by: 1 - h.lr * h.weightDecay)
            Elementwise.descend(&p.value.data, lr: h.lr * scale.factor(rows: rows, cols: cols), update)
        }
        try adamW.step(parameters.filter { !Self.isMatrix($0) }, lr: lr)
        try DivergenceError.checkValues(matrices)
    }

    /// m ← lerp(m, g, 1 − μ); returns lerp(g, m, μ) (Nesterov) or m.
    private mutating func momentumUpdate(_ p: Parameter) -> [Float] {
        let g = p.grad.data
        let (mu, nesterov) = (momentum, nesterov)
        return buffers.withState(of: p, initial: { [Float](repeating: 0, count: g.count) }) { m in
            var u = g
            m.withUnsafeMutableBufferPointer { m in
                u.withUnsafeMutableBufferPointer { u in
                    Parallel.forEach(m.count, grain: Parallel.elementGrain) { range in
                        let (m, u) = (m, u)
                        for i in range {
                            m[i] += (1 - mu) * (u[i] - m[i])
                            u[i] = nesterov ? u[i] + mu * (m[i] - u[i]) : m[i]
                        }
                    }
                }
            }
            return u
        }
    }

    /// Newton–Schulz is counted as three general products per step (`NewtonSchulz.nominalFlops`),
    /// the convention of FLOP estimates in the Muon literature, so compute ratios stay comparable
    /// with papers; this implementation executes fewer by exploiting symmetry (`NewtonSchulz.flops`).
    public func flops(for parameters: [Parameter]) -> Double {
        let matrices = parameters.filter(Self.isMatrix)
        // momentum: 3, Nesterov: 3, descent: 2.
        let elementwise = groups.flops(over: matrices, defaultWeightDecay: weightDecay) { decay in
            5 + (nesterov ? 3 : 0) + (decay == 0 ? 0 : 1)
        }
        let orthogonalisation = matrices.reduce(0) {
            $0 + NewtonSchulz.nominalFlops(rows: $1.value.rows, cols: $1.value.cols, steps: schedule.steps.count)
        }
        return elementwise + orthogonalisation + adamW.flops(for: parameters.filter { !Self.isMatrix($0) })
    }
}
