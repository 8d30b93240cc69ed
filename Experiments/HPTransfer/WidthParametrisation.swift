import Foundation
import ReproNumerics
import ReproOptim

/// How the width experiment's MLP [d, w, …, w, classes] and its Adam rates follow the width w
/// (m = w / baseWidth; all three arms are the same network and rates at m = 1).
enum WidthArm: String, Codable, Sendable, CaseIterable {
    /// Standard parametrisation: PyTorch's initialisation, every tensor at the rate η.
    case standard = "SP"
    /// μP for Adam (Yang et al., "Tensor Programs V", arXiv:2203.03466) in the form of
    /// Microsoft's `mup` package: `MuP` in ReproMuP, the implementation the weight-decay experiment uses too.
    case muP = "muP"
    /// SP's initialisation; per-tensor rates set by FLeRM from the base width's recorded
    /// function-space learning rates at the same outer rate.
    case flerm = "FLeRM"
}
