/// A reverse-mode automatic-differentiation tape.
///
/// Each op computes its value eagerly and, when any input needs a gradient, appends the output
/// together with its pullback (the vector–Jacobian product). `backward(_:)` seeds ∂loss/∂loss = 1
/// and runs the pullbacks in reverse order of recording; every pullback *accumulates* into its
/// inputs' gradients, so a value used twice receives the sum of both contributions (the first
/// contribution to an intermediate's gradient may be assigned instead of added to zeros; the
/// sums are the same). Gradients of
/// parameters land in `Parameter.grad` (added to whatever is there: call `zeroGrad()` between
/// steps).
///
/// Determinism: pullbacks run in one fixed order on the calling thread and every reduction has
/// a fixed order. Multi-threaded code is inside OpenBLAS calls (bitwise reproducible for a fixed
/// thread count) and in `Parallel` loops, which give the same bits at every width.
///
/// ```swift
/// let tape = Tape()                        // one tape for the whole training loop
/// for step in 0..<steps {
///     tape.reset()
///     model.zeroGrad()
///     let loss = tape.crossEntropy(model.forward(tape.constant(batch), on: tape), labels: labels)
///     tape.backward(loss)                  // adds into p.grad for every parameter used
///     optimiser.step(model.parameters)
/// }
/// ```
///
/// Memory: op outputs, gradients and saved intermediates return to the tape's `BufferPool` when
/// they die, so reusing one tape across steps (or one non-recording tape across evaluations)
/// stops allocating after the first step; `backward` releases the recording when it is done, so
/// parameters are no longer shared and optimisers can update them in place without a copy.
///
/// For evaluation, `Tape(recording: false)` computes the same values without keeping any
/// pullback or intermediate alive (a no-grad mode).
public final class Tape {
    /// Whether ops record pullbacks. A non-recording tape only evaluates.
    public let isRecording: Bool
    private var nodes: [Variable] = []
    private var parameterNodes: [ObjectIdentifier: Variable] = [:]
    private var parameterOrder: [Variable] = []
    private var consumed = false
    /// Storage recycled between steps: outputs, gradients and saved intermediates return here
    /// once the backward pass no longer needs them, so a training loop reusing one tape stops
    /// allocating (and page-faulting) after its first step.
    let pool = BufferPool()
    /// Intermediates saved by pullbacks (softmax probabilities, normalised inputs, ...).
    private var kept: [[Float]] = []

    public init(recording: Bool = true) { isRecording = recording }

    /// A value that needs no gradient (inputs, targets, masks).
    public func constant(_ value: Tensor) -> Variable { Variable(value: value, needsGrad: false, pool: pool, ownsStorage: false) }

    /// The tape's view of a parameter; using the same parameter twice returns the same variable,
    /// so tied weights accumulate both gradients.
    public func parameter(_ p: Parameter) -> Variable {
        if let v = parameterNodes[ObjectIdentifier(p)] { return v }
        let v = Variable(value: p.value, needsGrad: isRecording, pool: pool, ownsStorage: false)
        v.parameter = p
        if isRecording {
            parameterNodes[ObjectIdentifier(p)] = v
            parameterOrder.append(v)
        }
        return v
    }

    /// Back-propagates from a scalar `loss` (any shape with one element) and adds the gradients
    /// of all parameters used on this tape into their `grad`. A tape can be back-propagated once;
    /// call `reset()` to record the next step.
    public func backward(_ loss: Variable) {
        precondition(loss.value.count == 1, "backward needs a scalar loss, got shape \(loss.value.shape)")
        backward(loss, seed: Tensor(shape: loss.shape, data: [1]))
    }

    /// Back-propagates a given output gradient `seed` (same shape as `output`): afterwards each
    /// parameter's `grad` has gained seedᵀ·∂output/∂θ, a vector–Jacobian product.
    ///
    /// With `keepingGradients`, `Parameter.grad` is neither read nor written: the parameters'
    /// gradients start from zero on this tape and stay in `keptGradients` until `reset()`. Tapes
    /// that only read parameter values can then back-propagate through one model concurrently
    /// (`DataParallel` sums their gradients afterwards).
    public func backward(_ output: Variable, seed: Tensor, keepingGradients: Bool = false) {
        precondition(isRecording, "backward on a non-recording tape")
        precondition(!consumed, "backward called twice on one recording; call reset() first")
        precondition(seed.shape == output.shape, "backward: seed \(seed.shape) does not match output \(output.shape)")
        consumed = true
        guard output.needsGrad else { release(); return }
        // Parameter gradients accumulate straight into `Parameter.grad` storage: move it in, move
        // it back. Kept gradients start unallocated, so their first contribution is written the
        // way an intermediate's is (zero-filled or assigned on first use).
        if !keepingGradients {
            for v in parameterOrder {
                v.gradData = v.parameter!.grad.data
                v.parameter!.grad.data = []
                v.hasGrad = true
            }
        }
        output.withGrad { g in seed.data.withUnsafeBufferPointer { s in for i in 0..<g.count { g[i] += s[i] } } }
        for node in nodes.reversed() where node.hasGrad {
            node.pullback!(node)
        }
        for v in parameterOrder {
            if keepingGradients {
                if v.hasGrad { keptGradients.append((v.parameter!, v.gradData)) }
            } else {
                v.parameter!.grad.data = v.gradData
            }
            v.gradData = []
            v.hasGrad = false
        }
        release()
    }

    /// The gradients of the parameters a `backward(_:seed:keepingGradients: true)` reached, in
    /// order of first use on this tape; valid until `reset()`, which recycles their storage.
    public private(set) var keptGradients: [(parameter: Parameter, gradient: [Float])] = []

    /// Forgets everything recorded so the tape can record the next step. Variables recorded
    /// before keep their values and gradients.
    public func reset() {
        release()
        for (_, gradient) in keptGradients { pool.give(gradient) }
        keptGradients.removeAll(keepingCapacity: true)
        consumed = false
    }

    /// Drops the recording; nodes nobody else holds return their storage to the pool as they go.
    /// Afterwards the tape no longer references parameter values, so optimisers can update
    /// them in place without a copy-on-write.
    private func release() {
        for node in nodes { node.pullback = nil }
        nodes.removeAll(keepingCapacity: true)
        for buffer in kept { pool.give(buffer) }
        kept.removeAll(keepingCapacity: true)
        parameterNodes.removeAll(keepingCapacity: true)
        parameterOrder.removeAll(keepingCapacity: true)
    }

    /// Keeps `buffer` (captured by a pullback) so its storage returns to the pool on release.
    func keep(_ buffer: [Float]) {
        if isRecording { kept.append(buffer) }
    }

    /// A tensor whose storage comes from the pool and is written by `body`, which must
    /// initialise all elements.
    @inline(__always)
    func filled(_ shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        var data = pool.take(shape.reduce(1, *))
        data.withUnsafeMutableBufferPointer { body($0) }
        return Tensor(shape: shape, data: data)
    }

    /// The output of an op. `pullback` receives the output variable (its `value` and gradient)
    /// and must accumulate into the gradients of the inputs that need one.
    func record(_ value: Tensor, _ inputs: Variable..., pullback: @escaping (Variable) -> Void) -> Variable {
        record(value, inputs: inputs, pullback: pullback)
    }

    /// Same as `record(_:_:pullback:)` for ops with a list of inputs.
    func record(_ value: Tensor, inputs: [Variable], pullback: @escaping (Variable) -> Void) -> Variable {
        let needs = isRecording && inputs.contains { $0.needsGrad }
        let v = Variable(value: value, needsGrad: needs, pool: pool, ownsStorage: true)
        if needs {
            v.pullback = pullback
            nodes.append(v)
        }
        return v
    }
}

/// A value on a tape: a tensor plus, after `Tape.backward`, the gradient of the loss with
/// respect to it.
public final class Variable {
    public let value: Tensor
    /// Whether a gradient flows back through this value (it depends on a parameter).
    public let needsGrad: Bool
    var pullback: ((Variable) -> Void)?
    var parameter: Parameter?
    var gradData: [Float] = []
    var hasGrad = false
    let pool: BufferPool
    /// Whether `value` was computed by an op (its storage may be recycled) rather than being a
    /// parameter's or a constant's (which must never enter the pool: sharing a parameter's
    /// storage would make every in-place optimiser update copy it).
    let ownsStorage: Bool

    init(value: Tensor, needsGrad: Bool, pool: BufferPool, ownsStorage: Bool) {
        self.value = value; self.needsGrad = needsGrad; self.pool = pool; self.ownsStorage = ownsStorage
    }

    /// Storage returns to the pool. Safe even if someone still holds the arrays (a `Tensor`
    /// taken from `value`): arrays are copy-on-write, so the next writer copies instead.
    deinit {
        if ownsStorage { pool.give(value.data) }
        pool.give(gradData)
    }

    public var shape: [Int] { value.shape }

    /// ∂loss/∂self after `backward`, or nil if no gradient reached this value. For parameter
    /// variables the gradient is in `Parameter.grad` instead.
    public var grad: Tensor? { hasGrad ? Tensor(shape: value.shape, data: gradData) : nil }

    /// Runs `body` on the gradient buffer, allocating it as zeros on first use.
    @inline(__always)
    func withGrad<R>(_ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
        if !hasGrad {
            gradData = pool.take(value.count)
            gradData.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            hasGrad = true
        }
        return gradData.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Runs `body` on the gradient buffer with `fresh` true when no gradient has reached this
    /// value yet: the buffer is then uninitialised and `body` must assign every element rather
    /// than add (a first contribution is written directly, without a zero-fill and a read).
    @inline(__always)
    func withGradAssigningFirst<R>(_ body: (UnsafeMutableBufferPointer<Float>, _ fresh: Bool) -> R) -> R {
        let fresh = !hasGrad
        if fresh {
            gradData = pool.take(value.count)
            hasGrad = true
        }
        return gradData.withUnsafeMutableBufferPointer { body($0, fresh) }
    }

    /// Runs `body` on the (already allocated) gradient of this output.
    @inline(__always)
    func withOutputGrad<R>(_ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        gradData.withUnsafeBufferPointer(body)
    }

    /// Runs `body` on the value's storage.
    @inline(__always)
    func withValue<R>(_ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        value.data.withUnsafeBufferPointer(body)
    }
}

/// Free Float buffers by element count. Taken buffers hold stale values: callers overwrite them.
final class BufferPool {
    private var free: [Int: [[Float]]] = [:]

    func take(_ count: Int) -> [Float] {
        if let buffer = free[count]?.popLast() { return buffer }
        return [Float](unsafeUninitializedCapacity: count) { _, initialised in initialised = count }
    }

    func give(_ buffer: [Float]) {
        if !buffer.isEmpty { free[buffer.count, default: []].append(buffer) }
    }
}
