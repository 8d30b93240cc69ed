import CReproBLAS
import Dispatch

/// Data parallelism inside one training step: the batch is cut into `shards` contiguous parts,
/// each part's forward and backward pass runs on its own thread and tape with single-threaded
/// BLAS, and the parts' parameter gradients are added into `Parameter.grad` in shard order.
///
/// Why: at 2 threads, splitting each small product of a training step across OpenBLAS's threads
/// synchronises them hundreds of times per step (our products are [2048×128]·[128×384] and
/// smaller), and the waiting shows as OpenBLAS workers spinning in `sched_yield`. Two half-batch
/// passes synchronise once. `make bench` prints both ways of using 2 threads side by side.
///
/// Numbers: each shard's loss must be a *mean* over its rows; shard i's backward is seeded with
/// nᵢ/N, so the summed gradients are those of the mean over the whole batch, and `backward`
/// returns Σᵢ (nᵢ/N)·lossᵢ. The sum runs in a fixed order, so results are bitwise reproducible for
/// a fixed shard count; against one shard they differ by rounding only (the batch's sums are
/// split in two). With one shard, `backward` is exactly `tape.backward(loss)` on the calling
/// thread with whatever BLAS threads are set: the same bits as a plain training loop.
///
/// Threads: while the shards run, OpenBLAS and `Parallel` are set to 1 thread (both settings
/// are process-wide) and restored afterwards, so the optimiser step after it uses them all. The
/// model's parameters are only read during the passes; nothing else may use the process's BLAS
/// or `Parallel` settings concurrently.
///
/// ```swift
/// let parallel = DataParallel(shards: BLAS.threads)
/// for step in 0..<steps {
///     model.zeroGrad()
///     let loss = parallel.backward(batch: 32) { tape, shard in
///         model.loss(tokens(shard.rows), targets: targets(shard.rows), batch: shard.rows.count, on: tape)
///     }
///     try optimiser.step(model.parameters, lr: lr)
/// }
/// ```
public final class DataParallel {
    /// Parts the batch is cut into (each runs on its own thread).
    public let shards: Int
    private let tapes: [Tape]

    /// `shards` ≥ 1 parts per batch; one is the plain single-tape step.
    public init(shards: Int) {
        precondition(shards >= 1, "DataParallel needs at least one shard, got \(shards)")
        self.shards = shards
        tapes = (0..<shards).map { _ in Tape() }
    }

    /// One part of a batch: its position among the shards and its rows.
    public struct Shard: Sendable, Equatable {
        public var index: Int
        public var rows: Range<Int>
    }

    /// The parts of a `batch`-row batch: contiguous rows, sizes as equal as they can be
    /// (differing by at most one).
    public func shards(batch: Int) -> [Shard] {
        (0..<shards).map { Shard(index: $0, rows: batch * $0 / shards ..< batch * ($0 + 1) / shards) }
    }

    /// Records `loss(tape, shard)` for each shard's rows of a `batch`-row batch, back-propagates
    /// it, and adds the batch-mean gradient into every used parameter's `grad` (call `zeroGrad()`
    /// before, as with a tape). Returns the batch-mean loss. `loss` must return a scalar that is
    /// the mean over `shard.rows`, and must only read shared state: with several shards it runs
    /// concurrently.
    @discardableResult
    public func backward(batch: Int, _ loss: (_ tape: Tape, _ shard: Shard) -> Variable) -> Float {
        precondition(batch >= shards, "DataParallel: a batch of \(batch) rows cannot feed \(shards) shards")
        if shards == 1 {
            let tape = tapes[0]
            tape.reset()
            let value = loss(tape, Shard(index: 0, rows: 0..<batch))
            tape.backward(value)
            return value.value.data[0]
        }
        let parts = shards(batch: batch)
        var losses = [Float](repeating: 0, count: shards)
        let (blasThreads, width) = (Int(openblas_get_num_threads()), Parallel.width)
        openblas_set_num_threads(1)
        Parallel.width = 1
        losses.withUnsafeMutableBufferPointer { losses in
            let out = losses
            withoutActuallyEscaping(loss) { loss in
                let pass = UncheckedBox { (shard: Int) in
                    let tape = self.tapes[shard]
                    tape.reset()
                    let value = loss(tape, parts[shard])
                    precondition(value.value.count == 1, "DataParallel: the loss must be a scalar, got shape \(value.shape)")
                    let weight = Float(parts[shard].rows.count) / Float(batch)
                    tape.backward(value, seed: Tensor(shape: value.shape, data: [weight]), keepingGradients: true)
                    out[shard] = weight * value.value.data[0]
                }
                DispatchQueue.concurrentPerform(iterations: shards) { pass.value($0) }
            }
        }
        openblas_set_num_threads(Int32(blasThreads))
        Parallel.width = width
        // Σ shards in shard order, element-wise (the same bits at any `Parallel.width`).
        for tape in tapes {
            for (parameter, gradient) in tape.keptGradients {
                parameter.grad.data.withUnsafeMutableBufferPointer { g in
                    gradient.withUnsafeBufferPointer { c in
                        let (g, c) = (g, c)
                        Parallel.forEach(g.count, grain: Parallel.elementGrain) { range in
                            for i in range { g[i] += c[i] }
                        }
                    }
                }
            }
        }
        return losses.reduce(0, +)
    }
}
