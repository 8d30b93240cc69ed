import Foundation

/// The geometric lattice xₖ = anchor·ratioᵏ (k ∈ ℤ) on which hyperparameters are swept:
/// learning rates on 2^(k/2), weight decays on λ₀·√2ᵏ.
///
/// A sweep's points are lattice *indices*, so a point reached by extending a sweep is the same
/// number as the point a wider grid would have started with (`value(k)` is computed from k, never
/// by repeated multiplication), and sweeps started in different places see the same points.
public struct LogLattice: Codable, Sendable, Equatable {
    public var anchor: Double
    public var ratio: Double
    /// log₂ of the ratio when the lattice was made from it (`powersOfTwo`): values are then
    /// anchor·2^(k·step), exact at integer exponents.
    public var log2Ratio: Double?

    public init(anchor: Double, ratio: Double) {
        precondition(anchor > 0 && anchor.isFinite, "a lattice needs a positive anchor")
        precondition(ratio > 1 && ratio.isFinite, "a lattice needs a ratio above 1")
        self.anchor = anchor
        self.ratio = ratio
    }

    /// The lattice anchor·2^(k·step): learning rates 2⁻¹², 2^−11.5, … 2⁰ are indices −24…0 of
    /// `LogLattice.powersOfTwo(step: 0.5)`.
    public static func powersOfTwo(step: Double, anchor: Double = 1) -> LogLattice {
        precondition(step > 0 && step.isFinite, "a lattice needs a positive step")
        var lattice = LogLattice(anchor: anchor, ratio: exp2(step))
        lattice.log2Ratio = step
        return lattice
    }

    /// xₖ = anchor·ratioᵏ.
    public func value(_ k: Int) -> Double { value(at: Double(k)) }

    /// anchor·ratio^position for a fractional position between lattice points (a refined optimum).
    public func value(at position: Double) -> Double {
        if let step = log2Ratio { return anchor * exp2(position * step) }
        return anchor * pow(ratio, position)
    }

    /// The fractional lattice position of x: log(x/anchor)/log(ratio).
    public func position(of x: Double) -> Double {
        if let step = log2Ratio { return log2(x / anchor) / step }
        return log(x / anchor) / log(ratio)
    }

    /// The index of the lattice point nearest x (in log).
    public func index(nearest x: Double) -> Int { Int(position(of: x).rounded()) }

    /// `2·margin + 1` indices centred on the lattice point nearest x.
    public func indices(around x: Double, margin: Int) -> ClosedRange<Int> {
        let k = index(nearest: x)
        return (k - margin)...(k + margin)
    }

    /// One lattice step in log₂ units (0.5 for the √2 lattice).
    public var log2Step: Double { log2Ratio ?? log2(ratio) }
}
