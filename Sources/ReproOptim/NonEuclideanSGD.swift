import ReproNumerics

/// Non-Euclidean SGD (NESGD) of Crawshaw, Modi, Liu & Gower, "An Exploration of Non-Euclidean
/// Gradient Descent: Muon and its Many Variants" (arXiv 2510.09827), as the authors' code
/// implements it: `gptopt/optim/nesgd.py`, class `NESGD`, github.com/gowerrobert/GPT-opt
/// (read at commit 09e4b52). Every line below cites the code, not the paper's equations (which we
/// could not read in full).
///
/// A norm per layer, a product norm over layers, and a step type:
/// - **layers**: hidden matrices (role `.hiddenMatrix`; NESGD: ndim ≥ 2 and not an embedding or
///   head) get the spectral norm; every other parameter (embeddings, head, vectors) the
///   `otherNorm` (NESGD `embed_norm`).
/// - **momentum** (NESGD `step`, first pass), no Nesterov: spectral and sign layers
///   M ← μ·M + (1 − μ)·g with M₀ = g (`buf.mul_(momentum).add_(g, alpha=1-momentum)`, started
///   by `g.clone()`); Adam layers m ← lerp(m, g, 1 − β₁), v ← lerp(v, g², 1 − β₂) from m₀ = g,
///   v₀ = g², no bias correction.
/// - **layer LMO direction and dual norm** (classes `SpectralNorm`, `LinftyNorm`,
///   `AdamLinftyNorm`, `AdamL2Norm`):
///   spectral s·polar(M) and s·⟨M, polar(M)⟩ = s·‖M‖_* (polar by Polar Express, 5 steps);
///   sign sign(M) and ‖M‖₁; Adam-∞ m/(ε + √v) and Σ m²/(ε + √v);
///   Adam-2 m/((ε + √v)·a) and a = ‖m/√(ε + √v)‖₂.
/// - **product norm** (`LinftyProductNorm`, `HybridProductNorm`): max: D = Σ_l d_l, every layer
///   scaled 1; hybrid: S = Σ_spectral d_l, A = ‖(d_j)_other‖₂, D = √(S² + A²), spectral layers
///   scaled S/D, other layer j scaled d_j/D.
/// - **step** (second pass): W_l ← W_l − η_t·c_l·LMO_l with c_l the layer's scale, times D for
///   the regularised (non-LMO) step.
/// - **truncation** (Momo; `truncate_loss` = f_*): F̄ ← EMA_μ(f(w_t) − Σ⟨w_l, g_l⟩) from its first
///   value; N = F̄ + Σ⟨w_l, M_l⟩ − f_*; η_t = min(η, N/D²) regularised, min(η, N/D) LMO. As in the
///   code, N is not clipped at 0 (Schaipp et al.'s Momo takes max(N, 0)).
///
/// Differences from the code: Float32 throughout (the code computes the nuclear norm in
/// bfloat16); the polar factor of one step is computed once and used for both the dual norm and
/// the direction (the code calls it twice on the same matrix); no weight decay (the presets set 0).
public struct NonEuclideanSGD: Optimizer {
    public enum StepType: String, Codable, Sendable {
        /// Constrained: the linear-minimisation-oracle direction (NESGD `lmo=True`).
        case lmo
        /// Regularised steepest descent: the LMO direction times the dual norm (`lmo=False`).
        case regularised
    }
    public enum OtherNorm: String, Codable, Sendable {
        case sign, adamInfinity, adam2
    }
    public enum Aggregation: String, Codable, Sendable {
        /// `linfty` (max) product norm.
        case max
        /// ℓ1 over the spectral layers, ℓ2 over the others, ℓ2 of the two.
        case hybrid
    }

    public var stepType: StepType
    public var aggregation: Aggregation
    public var otherNorm: OtherNorm
    /// μ of the spectral and sign layers' momentum (0.95, the code's default).
    public var momentum: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// s: scales the spectral layers' LMO and dual norm (1: `muon_lr_ratio` = 1).
    public var spectralScale: Float
    public var schedule: NewtonSchulzSchedule
    /// f_*: Momo's lower bound of the loss; nil for no truncation.
    public var lowerBound: Float?

    /// η_t of the last step (η itself without truncation): how often truncation bites.
    public private(set) var lastStepSize: Float = .nan

    private var first = StateTable<[Float]>()
    private var second = StateTable<[Float]>()
    private var lossModel: Double?
    private var workspace = NewtonSchulz.Workspace()

    public init(stepType: StepType, aggregation: Aggregation, otherNorm: OtherNorm, momentum: Float = 0.95,
                beta1: Float = 0.95, beta2: Float = 0.95, epsilon: Float = 1e-8, spectralScale: Float = 1,
                schedule: NewtonSchulzSchedule = .polarExpress, lowerBound: Float? = nil) {
        precondition(lowerBound == nil || beta1 == momentum || otherNorm == .sign,
                     "truncation needs β₁ = μ (NESGD asserts it)")
        self.stepType = stepType; self.aggregation = aggregation; self.otherNorm = otherNorm
        self.momentum = momentum; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.spectralScale = spectralScale; self.schedule = schedule; self.lowerBound = lowerBound
    }

    /// MuonAdam, the NanoGPT Muon in the paper's terms (`hydra_conf/optimizer/muon.yaml`):
    /// LMO step, max product norm, Adam-∞ on the other layers.
    public static func muonAdam(lowerBound: Float? = nil) -> NonEuclideanSGD {
        NonEuclideanSGD(stepType: .lmo, aggregation: .max, otherNorm: .adamInfinity, lowerBound: lowerBound)
    }

    /// MuonMax (`muonmax-momo.yaml` without truncation): regularised step, hybrid product norm,
    /// Adam-2 on the other layers.
    public static func muonMax(lowerBound: Float? = nil) -> NonEuclideanSGD {
        NonEuclideanSGD(stepType: .regularised, aggregation: .hybrid, otherNorm: .adam2, lowerBound: lowerBound)
    }

    static func isSpectral(_ p: Parameter) -> Bool { p.role == .hiddenMatrix }

    public mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError) {
        precondition(lowerBound == nil, "a truncated (Momo) step needs the loss: call step(_:lr:loss:)")
        try update(parameters, lr: lr, loss: nil)
    }

    public mutating func step(_ parameters: [Parameter], lr: Float, loss: Float) throws(DivergenceError) {
        try update(parameters, lr: lr, loss: loss)
    }

    private mutating func update(_ parameters: [Parameter], lr: Float, loss: Float?) throws(DivergenceError) {
        try DivergenceError.checkGradients(parameters)
        let (mu, b1, b2, eps) = (momentum, beta1, beta2, epsilon)
        var directions: [[Float]] = []
        var duals: [Double] = []
        var currentModel = 0.0, newModel = 0.0
        for p in parameters {
            let g = p.grad.data
            let spectral = Self.isSpectral(p)
            let adam = !spectral && otherNorm != .sign
            // First pass: momentum buffers.
            let m: [Float] = first.withState(of: p, initial: { g }) { m in
                if adam {
                    for i in m.indices { m[i] += (1 - b1) * (g[i] - m[i]) }
                } else {
                    for i in m.indices { m[i] = mu * m[i] + (1 - mu) * g[i] }
                }
                return m
            }
            var v: [Float] = []
            if adam {
                v = second.withState(of: p, initial: { g.map { $0 * $0 } }) { v in
                    for i in v.indices { v[i] += (1 - b2) * (g[i] * g[i] - v[i]) }
                    return v
                }
            }
            if lowerBound != nil {
                currentModel += Self.dot(p.value.data, g)
                newModel += Self.dot(p.value.data, m)
            }
            // Direction and dual norm of the momentum.
            var direction = m
            var dual = 0.0
            if spectral {
                NewtonSchulz.orthogonalize(&direction, rows: p.value.rows, cols: p.value.cols, schedule: schedule,
                                           workspace: &workspace)
                dual = Double(spectralScale) * Self.dot(m, direction)
                if spectralScale != 1 { for i in direction.indices { direction[i] *= spectralScale } }
            } else {
                switch otherNorm {
                case .sign:
                    for i in direction.indices { direction[i] = m[i] > 0 ? 1 : (m[i] < 0 ? -1 : 0) }
                    dual = m.reduce(0.0) { $0 + Double(abs($1)) }
                case .adamInfinity:
                    for i in direction.indices { direction[i] = m[i] / (eps + v[i].squareRoot()) }
                    dual = Self.dot(m, direction)
                case .adam2:
                    var s = 0.0
                    for i in direction.indices {
                        let d = eps + v[i].squareRoot()
                        s += Double(m[i]) * Double(m[i]) / Double(d)
                        direction[i] = m[i] / d
                    }
                    dual = s.squareRoot()
                    let a = Float(dual)
                    if a > 0 { for i in direction.indices { direction[i] /= a } }
                }
            }
            directions.append(direction)
            duals.append(dual)
        }
        // Product norm: global dual D and per-layer scales.
        let spectralIndices = parameters.indices.filter { Self.isSpectral(parameters[$0]) }
        var scales = [Double](repeating: 1, count: parameters.count)
        let globalDual: Double
        switch aggregation {
        case .max:
            globalDual = duals.reduce(0, +)
        case .hybrid:
            let s = spectralIndices.reduce(0.0) { $0 + duals[$1] }
            let a = parameters.indices.filter { !Self.isSpectral(parameters[$0]) }.reduce(0.0) { $0 + duals[$1] * duals[$1] }.squareRoot()
            globalDual = (s * s + a * a).squareRoot()
            for i in parameters.indices { scales[i] = globalDual > 0 ? (Self.isSpectral(parameters[i]) ? s : duals[i]) / globalDual : 0 }
        }
        // Truncation (Momo).
        var stepSize = Double(lr)
        if let fStar = lowerBound, let loss {
            let observed = Double(loss) - currentModel
            let previous = lossModel ?? observed
            let model = Double(mu) * previous + (1 - Double(mu)) * observed
            lossModel = model
            var truncated = (model - Double(fStar) + newModel) / (globalDual * globalDual)
            if stepType == .lmo { truncated *= globalDual }
            if truncated.isFinite { stepSize = min(truncated, stepSize) }
        }
        lastStepSize = Float(stepSize)
        // Second pass: the update.
        for (i, p) in parameters.enumerated() {
            var c = scales[i]
            if stepType == .regularised { c *= globalDual }
            Elementwise.descend(&p.value.data, lr: Float(c * stepSize), directions[i])
        }
        try DivergenceError.checkValues(parameters)
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        var s = 0.0
        for i in a.indices { s += Double(a[i]) * Double(b[i]) }
        return s
    }

    /// Polar factors counted as `NewtonSchulz.nominalFlops`, element-wise work ≈ 10 per entry.
    public func flops(for parameters: [Parameter]) -> Double {
        parameters.reduce(0) { total, p in
            let ns = Self.isSpectral(p) ? NewtonSchulz.nominalFlops(rows: p.value.rows, cols: p.value.cols, steps: schedule.steps.count) : 0
            return total + ns + 10 * Double(p.value.count)
        }
    }
}

/// Scion (Pethick et al., "Training Deep Learning Models with Norm-Constrained LMOs", arXiv
/// 2502.07529, ICML 2025), as `scion.py` of github.com/LIONS-EPFL/scion implements it:
///
///     d ← (1 − α)·d + α·g                (d₀ = 0; `momentum` = α)
///     u = ρ_l · dir_l(d)                  (the layer's LMO direction, radius ρ_l)
///     constrained:    x ← (1 − γ)·x − γ·u  (iterates stay in the ρ-ball: `unconstrained=False`)
///     unconstrained:  x ← x − γ·u          (uScion)
///
/// Directions (`norm` classes of scion.py): hidden matrices `Spectral` √(d_out/d_in)·polar(d)
/// (Jordan's quintic ×5); the embedding `Sign` unnormalised, sign(d); the head `Sign`
/// normalised, sign(d)/d_in; vectors `BiasRMS`, d/RMS(d). Radii as the authors' Shakespeare-char
/// runs (examples/shallow-nanogpt): embedding 1, blocks 3, head 10; vectors 1 (their runs have
/// no vector parameters in the optimiser; our layer-norm gains and biases need one).
public struct Scion: Optimizer {
    public var constrained: Bool
    /// α = 1 − β (0.1: the README's recommendation).
    public var alpha: Float
    public var embeddingRadius: Float
    public var hiddenRadius: Float
    public var headRadius: Float
    public var vectorRadius: Float
    public var schedule: NewtonSchulzSchedule

    private var averages = StateTable<[Float]>()
    private var workspace = NewtonSchulz.Workspace()

    public init(constrained: Bool, alpha: Float = 0.1, embeddingRadius: Float = 1, hiddenRadius: Float = 3,
                headRadius: Float = 10, vectorRadius: Float = 1, schedule: NewtonSchulzSchedule = .jordan) {
        self.constrained = constrained; self.alpha = alpha
        self.embeddingRadius = embeddingRadius; self.hiddenRadius = hiddenRadius
        self.headRadius = headRadius; self.vectorRadius = vectorRadius; self.schedule = schedule
    }

    public mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError) {
        try DivergenceError.checkGradients(parameters)
        let a = alpha
        for p in parameters {
            let g = p.grad.data
            var d = averages.withState(of: p, initial: { [Float](repeating: 0, count: g.count) }) { d in
                for i in d.indices { d[i] = (1 - a) * d[i] + a * g[i] }
                return d
            }
            let (rows, cols) = (p.value.rows, p.value.cols)
            let radius: Float
            switch p.role {
            case .hiddenMatrix:
                NewtonSchulz.orthogonalize(&d, rows: rows, cols: cols, schedule: schedule, workspace: &workspace)
                radius = hiddenRadius * (Float(rows) / Float(cols)).squareRoot()
            case .embedding:
                for i in d.indices { d[i] = d[i] > 0 ? 1 : (d[i] < 0 ? -1 : 0) }
                radius = embeddingRadius
            case .head:
                for i in d.indices { d[i] = d[i] > 0 ? 1 : (d[i] < 0 ? -1 : 0) }
                radius = headRadius / Float(cols)
            case .vector:
                let rms = (d.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, d.count))).squareRoot()
                if rms > 0 { for i in d.indices { d[i] = Float(Double(d[i]) / rms) } }
                radius = vectorRadius
            }
            if constrained { Elementwise.scale(&p.value.data, by: 1 - lr) }
            Elementwise.descend(&p.value.data, lr: lr * radius, d)
        }
        try DivergenceError.checkValues(parameters)
    }

    public func flops(for parameters: [Parameter]) -> Double {
        parameters.reduce(0) { total, p in
            let ns = p.role == .hiddenMatrix ? NewtonSchulz.nominalFlops(rows: p.value.rows, cols: p.value.cols, steps: schedule.steps.count) : 0
            return total + ns + 5 * Double(p.value.count)
        }
    }
}
