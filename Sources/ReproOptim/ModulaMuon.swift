import ReproNumerics

/// Muon as the lipschitz-transformers code applies it to a modula model
/// (github.com/Arongil/lipschitz-transformers: `optimizers.py` `Muon`, `trainer.py` with
/// `post_dualize`, `modula/atom.py` `Linear.dualize` and `Embed.dualize`):
///
/// - matrices: EMA momentum m ← 0.9·m + 0.1·g (no Nesterov), orthogonalised by You's six quintics
///   (`atom.py` `_orthogonalize`'s coefficients, our `NewtonSchulzSchedule.you`) and multiplied by
///   √(fan-out/fan-in), so the update's RMS→RMS norm is the rate (target norm 1 for every layer
///   here; modula splits a target norm by mass);
/// - embeddings: `RowNormalisedDescent` (momentum 0.9, rows to RMS 1, inflation ≤ 16);
/// - decoupled weight decay λ with the per-step decay η·λ of `Atom.decay_step_project`.
public enum ModulaMuon {
    /// The optimiser for `parameters` (its shape groups are built from them).
    public static func optimizer(for parameters: [Parameter], weightDecay lambda: Float = 0) -> any Optimizer {
        let shapes = Set(parameters.filter(Muon.isMatrix).map { [$0.value.rows, $0.value.cols] })
        let groups = shapes.sorted { $0.lexicographicallyPrecedes($1) }.map { shape in
            let s = Float((Double(shape[0]) / Double(shape[1])).squareRoot())
            // Rate × s for the RMS→RMS scale, decay λ/s so that the decay per step stays η·λ.
            return ParameterGroup("\(shape[0])×\(shape[1])", lrMultiplier: s, weightDecay: lambda / s) {
                $0.value.rows == shape[0] && $0.value.cols == shape[1]
            }
        }
        let muon = Muon(momentum: 0.9, nesterov: false, schedule: .you, scale: .unit, weightDecay: lambda, groups: groups)
        return EmbeddingSplit(embeddings: RowNormalisedDescent(momentum: 0.9, maxInflation: 16), others: muon)
    }

    /// The largest singular value You's schedule produces from a Frobenius-normalised input
    /// (sampled at 20 001 points of [0, 1]) × 1.001 for Float32 rounding: an update at rate η has
    /// RMS→RMS norm at most η × this, the soft cap's coupling (`ConstrainedOptimizer.updateNorm`).
    public static let updateBound: Double =
        (0...20_000).map { NewtonSchulzSchedule.you.map(Double($0) / 20_000) }.max()! * 1.001
}
