import ReproOptim

/// The optimisers compared, each built from the authors' code (`NonEuclideanSGD`, `Scion` in
/// ReproOptim cite the lines).
///
/// - MuonAdam: NESGD preset `muon` — LMO step, max product norm, Adam-∞ on embeddings, head and
///   vectors (the NanoGPT Muon in the paper's terms; no Nesterov, no shape factor, no bias correction).
/// - MuonMax: preset `muonmax-momo` without truncation — regularised step, hybrid product norm, Adam-2.
/// - MuonAdam-Momo, MuonMax-Momo: the same with Momo truncation (`truncate_loss` = f_*).
/// - Scion: Pethick et al.'s constrained LMO method (x ← (1 − γ)x − γ·ρ·dir(d)), uScion its
///   unconstrained form, with the radii of the authors' Shakespeare-char runs.
public enum Variant: String, Codable, Sendable, CaseIterable {
    case muonAdam = "MuonAdam"
    case muonMax = "MuonMax"
    case muonAdamMomo = "MuonAdam-Momo"
    case muonMaxMomo = "MuonMax-Momo"
    case scion = "Scion"
    case uScion = "uScion"

    /// Measurement-name key: "muonadam", "muonmax_momo", …
    public var key: String { rawValue.lowercased().replacingOccurrences(of: "-", with: "_") }

    /// `lowerBound` is Momo's f_* (used by the Momo variants only).
    func make(lowerBound: Float) -> any Optimizer {
        switch self {
        case .muonAdam: NonEuclideanSGD.muonAdam()
        case .muonMax: NonEuclideanSGD.muonMax()
        case .muonAdamMomo: NonEuclideanSGD.muonAdam(lowerBound: lowerBound)
        case .muonMaxMomo: NonEuclideanSGD.muonMax(lowerBound: lowerBound)
        case .scion: Scion(constrained: true)
        case .uScion: Scion(constrained: false)
        }
    }
}
