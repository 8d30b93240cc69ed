import ReproNumerics
import ReproOptim

/// Which optimiser a run trains its matrices with.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    /// AdamW on every parameter: β = (0.9, 0.95), ε = 10⁻⁸, bias-corrected (theirs: no bias
    /// correction, ε = 10⁻¹²; `optimizers.py` `Adam`).
    case adamW = "AdamW"
    /// Muon as modula applies it (`ModulaMuon`): EMA momentum 0.9, You's six quintics, update
    /// × √(fan-out/fan-in); embeddings by the row-normalised update.
    case muon = "Muon"
    /// Muon on the Stiefel manifold (`StiefelMuon`, Su's direction, EMA momentum 0.9, exact polar
    /// retraction), weights projected onto the manifold at initialisation. MLP only.
    case stiefel = "Stiefel Muon"
}

/// How a run bounds its weights.
public enum ConstraintKind: String, Codable, Sendable, CaseIterable {
    /// Decoupled weight decay W ← (1 − η·λ)·W, strength κ = λ·η·steps/2 (the log-shrink a weight
    /// would undergo under the linear schedule with no gradient), so one grid of κ means the same
    /// for AdamW and Muon whatever their tuned rates.
    case weightDecay = "weight decay"
    /// Spectral normalisation to w_max (strength) after every step.
    case spectralNormalize = "spectral normalisation"
    /// Spectral soft cap at w_max, coupled to Muon's update size.
    case softCap = "soft cap"
    /// Spectral hammer at w_max (a control: it bounds only the top singular value).
    case spectralHammer = "spectral hammer"
    /// The Stiefel manifold itself (no strength).
    case manifold = "manifold"

    /// Whether the map enforces a bound (claim 1 checks these).
    var enforces: Bool { self == .spectralNormalize || self == .softCap }
}

/// One optimiser with one way of bounding the weights.
public struct Method: Codable, Sendable, Hashable {
    public var optimizer: OptimizerKind
    public var constraint: ConstraintKind

    public init(_ optimizer: OptimizerKind, _ constraint: ConstraintKind) {
        self.optimizer = optimizer; self.constraint = constraint
    }

    /// "muon.soft-cap": measurement and series names.
    var key: String {
        let o = switch optimizer { case .adamW: "adamw"; case .muon: "muon"; case .stiefel: "stiefel" }
        let c = switch constraint {
        case .weightDecay: "weight-decay"; case .spectralNormalize: "spectral-normalisation"; case .softCap: "soft-cap"
        case .spectralHammer: "hammer"; case .manifold: "manifold"
        }
        return o + "." + c
    }

    var label: String { "\(optimizer.rawValue) + \(constraint.rawValue)" }

    /// The standard methods of claims 2 and 3.
    static let standard = [Method(.adamW, .weightDecay), Method(.adamW, .spectralNormalize),
                           Method(.muon, .weightDecay), Method(.muon, .spectralNormalize)]
    static let softCap = Method(.muon, .softCap)

    /// The optimiser of one run: `strength` is κ (weight decay) or w_max (caps); `lr` the peak
    /// rate and `steps` the run's length (for κ → λ).
    func optimizer(strength: Double, lr: Double, steps: Int, parameters: [Parameter]) -> any Optimizer {
        let lambda = constraint == .weightDecay && strength > 0 ? Float(2 * strength / (lr * Double(steps))) : 0
        let base: any Optimizer
        switch optimizer {
        case .adamW:
            base = Adam.adamW(beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: lambda)
        case .muon:
            base = ModulaMuon.optimizer(for: parameters, weightDecay: lambda)
        case .stiefel:
            base = StiefelMuon(direction: .su, momentum: 0.9)
        }
        let matrixMap: WeightConstraint? = switch constraint {
        case .spectralNormalize: .spectralNormalize(maxNorm: strength)
        case .softCap: .softCap(maxNorm: strength)
        case .spectralHammer: .spectralHammer(maxNorm: strength)
        case .weightDecay, .manifold: nil
        }
        let bound = ModulaMuon.updateBound
        return ConstrainedOptimizer(base: base, constraint: { p in
            // Every run keeps embedding rows at RMS ≤ 1, as modula's `Embed.project` always does.
            p.role == .embedding ? .rowRMS(maxRMS: 1) : (Muon.isMatrix(p) ? matrixMap : nil)
        }, updateNorm: { _, lr in Double(lr) * bound })
    }

    /// The largest peak rate at which the method keeps its promise: for the soft cap, the update
    /// (lr × `ModulaMuon.updateBound`) at most ρ·w_max with ρ = 1/q(β_c) − 1 ≈ 0.30, beyond which
    /// the two cubic passes no longer map every σ ≤ w_max + update below w_max
    /// (`WeightConstraint.softCapMonotoneLimit`); unlimited for the others.
    func maxRate(strength: Double) -> Double {
        guard constraint == .softCap else { return .infinity }
        let rho = 1 / WeightConstraint.softCapPolynomial(WeightConstraint.softCapMonotoneLimit) - 1
        return rho * strength / ModulaMuon.updateBound
    }

    /// Before training: enforcing methods start inside their ball (the exact hard cap at w_max;
    /// the orthogonal initialisation has norm 1 and w_max may be below 1); Stiefel Muon starts on
    /// the manifold.
    func prepare(_ parameters: [Parameter], strength: Double) {
        switch constraint {
        case .spectralNormalize, .softCap:
            var cap = ConstrainedOptimizer(base: SGD(), constraint: { Muon.isMatrix($0) ? .hardCap(maxNorm: strength) : nil })
            for p in parameters { cap.apply(to: p, lr: 0) }
        case .manifold:
            StiefelMuon.project(parameters)
        case .weightDecay, .spectralHammer:
            break
        }
    }
}
