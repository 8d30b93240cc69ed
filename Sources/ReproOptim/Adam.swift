import ReproNumerics

/// Adam and AdamW with PyTorch semantics (`torch.optim.Adam`, `torch.optim.AdamW`, amsgrad off).
///
/// For each parameter p with gradient g, rate η, weight decay λ, at its own step t = 1, 2, …:
///
///     Adam  (coupled):    g ← g + λ·p
///     AdamW (decoupled):  p ← p·(1 − η·λ)
///     m ← β₁·m + (1 − β₁)·g              v ← β₂·v + (1 − β₂)·g²        (m₀ = v₀ = 0)
///     m̂ = m / (1 − β₁ᵗ)                  v̂ = v / (1 − β₂ᵗ)
///     p ← p − η · m̂ / (√v̂ + ε)
///
/// ε convention: ε is added to √v̂ *after* bias correction, as torch computes
/// `denom = √v / √(1 − β₂ᵗ) + ε` and `p −= (η / (1 − β₁ᵗ))·m / denom`; the code follows that
/// order. (The Adam paper's Algorithm 1 states the same; Keller Jordan's `adam_update` too.)
/// The powers βᵗ are running products in Double.
public struct Adam: Optimizer {
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// Default weight decay λ; a `ParameterGroup` may override it.
    public var weightDecay: Float
    public var weightDecayMode: WeightDecayMode
    public var groups: [ParameterGroup]

    struct Moments: Sendable {
        var m: [Float]
        var v: [Float]
        var t = 0
        /// β₁ᵗ and β₂ᵗ as running products in Double.
        var beta1Power: Double = 1
        var beta2Power: Double = 1
    }
    private var moments = StateTable<Moments>()

    /// PyTorch defaults: Adam couples λ into the gradient and defaults to λ = 0.
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                weightDecayMode: WeightDecayMode = .coupled, groups: [ParameterGroup] = []) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.weightDecayMode = weightDecayMode; self.groups = groups
    }

    /// AdamW with PyTorch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8, λ 0.01).
    public static func adamW(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                             weightDecay: Float = 0.01, groups: [ParameterGroup] = []) -> Adam {
        Adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
             weightDecayMode: .decoupled, groups: groups)
    }

    public mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError) {
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        try elementwiseStep(parameters, lr: lr, groups: groups, defaultWeightDecay: weightDecay,
                            mode: weightDecayMode) { p, g, lr in
            moments.withState(of: p, initial: {
                let zeros = [Float](repeating: 0, count: g.count)
                return Moments(m: zeros, v: zeros)
            }) { s in
                s.t += 1
                s.beta1Power *= Double(b1)
                s.beta2Power *= Double(b2)
                let bias1 = Float(1 - s.beta1Power), bias2 = Float(1 - s.beta2Power)
                Self.update(&p.value.data, &s, g, b1, b2, eps, stepSize: lr / bias1, rootBias2: bias2.squareRoot())
            }
        }
    }

    /// m, v ← moments of g;  p ← p − stepSize · m / (√v / rootBias2 + ε).
    private static func update(_ p: inout [Float], _ s: inout Moments, _ g: [Float], _ b1: Float, _ b2: Float,
                               _ eps: Float, stepSize: Float, rootBias2: Float) {
        p.withUnsafeMutableBufferPointer { p in
            s.m.withUnsafeMutableBufferPointer { m in
                s.v.withUnsafeMutableBufferPointer { v in
                    g.withUnsafeBufferPointer { g in
                        Parallel.forEach(p.count, grain: Parallel.elementGrain) { range in
                            let (p, m, v, g) = (p, m, v, g)  // locals, not captures: the loop vectorises
                            for i in range {
                                m[i] = b1 * m[i] + (1 - b1) * g[i]
                                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                                p[i] -= stepSize * m[i] / (v[i].squareRoot() / rootBias2 + eps)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The step count t of `parameter` (0 before its first step).
    public func stepCount(of parameter: Parameter) -> Int { moments.state(of: parameter)?.t ?? 0 }

    public func flops(for parameters: [Parameter]) -> Double {
        // m: 3, v: 4, denominator: 3, descent: 3.
        groups.flops(over: parameters, defaultWeightDecay: weightDecay) { decay in
            13 + (decay == 0 ? 0 : weightDecayMode == .coupled ? 2 : 1)
        }
    }
}
