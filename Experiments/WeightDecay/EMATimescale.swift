/// The EMA reading of AdamW's decoupled weight decay (Wang & Aitchison, arXiv:2405.13698).
///
/// One AdamW step with rate η and decay λ is θ ← (1 − ηλ)·θ − η·u: an exponential moving
/// average of the scaled updates −u/λ with weight ηλ per step, so its memory is
///
///     τ_iter  = 1 / (ηλ)                 (iterations)
///     τ_epoch = τ_iter · B / N           (epochs: τ_iter over the N/B iterations of one epoch)
///
/// η is the learning rate the parameter actually receives (its group's rate under PyTorch
/// semantics, where the decay factor is 1 − η_group·λ). Exact formulas, no tolerance.
enum EMATimescale {
    static func iterations(lr: Double, weightDecay: Double) -> Double { 1 / (lr * weightDecay) }

    static func epochs(lr: Double, weightDecay: Double, batchSize: Int, examples: Int) -> Double {
        iterations(lr: lr, weightDecay: weightDecay) * Double(batchSize) / Double(examples)
    }

    /// The λ whose timescale is `epochs` epochs: the inverse of `epochs(lr:weightDecay:…)`.
    static func weightDecay(lr: Double, epochs: Double, batchSize: Int, examples: Int) -> Double {
        Double(batchSize) / (lr * epochs * Double(examples))
    }
}
