import ReproNumerics

/// A first-order optimiser: reads each parameter's `grad` and updates its `value` in place.
///
/// Conventions shared by every optimiser in this module:
/// - `lr` is the base learning rate of this step (peak rate × `LRSchedule.multiplier`). A
///   parameter's own rate is `lr × lrMultiplier` of the first `ParameterGroup` that matches it;
///   its weight decay is that group's `weightDecay`, or the optimiser's default.
/// - Decoupled weight decay multiplies the parameter by (1 − η·λ) *before* the gradient update,
///   with η the parameter's own learning rate (PyTorch `AdamW`, Keller Jordan's Muon).
/// - State (moments, momentum buffers) is kept per `Parameter` object and created lazily as
///   zeros, so the same parameters visited in the same order give bitwise-identical results.
/// - Divergence is an outcome, not a crash: a non-finite gradient throws before anything is
///   modified; a non-finite value after the update throws once the step is complete.
public protocol Optimizer: Sendable {
    /// One update of every parameter in `parameters` from its current `grad`.
    mutating func step(_ parameters: [Parameter], lr: Float) throws(DivergenceError)
    /// One update that may also use the mini-batch loss f(w_t) of the gradients being applied
    /// (Momo's truncated model of the loss needs it); by default the loss is ignored.
    mutating func step(_ parameters: [Parameter], lr: Float, loss: Float) throws(DivergenceError)
    /// Floating-point operations of one `step` over `parameters` (multiply, add, divide,
    /// square root each count one; a matrix product of m×k by k×n counts 2·m·n·k).
    func flops(for parameters: [Parameter]) -> Double
}

extension Optimizer {
    public mutating func step(_ parameters: [Parameter], lr: Float, loss: Float) throws(DivergenceError) {
        try step(parameters, lr: lr)
    }
}
