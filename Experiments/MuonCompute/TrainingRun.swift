import Foundation
import ReproData
import ReproNumerics
import ReproOptim
import ReproTraining

/// Which optimiser a run uses. Both share β = (0.9, 0.95), ε = 1e-8 and no weight decay.
///
/// - `adamW`: AdamW on every parameter.
/// - `muon`: Muon (Nesterov momentum 0.95, Jordan's quintic ×5, Moonshot's update scale
///   0.2·√max(rows, cols)) on the hidden matrices; the same AdamW on embeddings, head and vectors,
///   at the same learning rate (Essential AI's arrangement, arXiv:2505.02222 §2.2). The
///   Moonshot scale makes one learning rate meaningful for both parts (arXiv:2502.16982 §2.2).
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case adamW = "AdamW"
    case muon = "Muon"

    static let aux = Adam.adamW(beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0)

    func make() -> any Optimizer {
        switch self {
        case .adamW: Self.aux
        case .muon: Muon(scale: .moonshot, weightDecay: 0, adamW: Self.aux)
        }
    }
}

/// Trains a fresh model for `steps` steps with `kind`'s optimiser at peak rate `lr`: the shared
/// character-model run (`trainCharacterModel` in ReproTraining).
func train(_ setting: RunSetting, optimizer kind: OptimizerKind, lr: Float, steps: Int, curvePoints: Int = 0,
           cancellation: () throws -> Void) throws -> RunResult {
    try trainCharacterModel(setting, optimizer: kind.make(), lr: lr, steps: steps, curvePoints: curvePoints,
                            cancellation: cancellation)
}
