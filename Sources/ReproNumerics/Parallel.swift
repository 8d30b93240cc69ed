import Dispatch
import Synchronization

/// Splitting the numerics' own loops (element-wise ops, row-wise normalisations and softmaxes,
/// small batched products) across threads.
///
/// Every loop handed to `Parallel` computes each output element (or row) exactly as the serial
/// loop does, with no reduction across chunks, so results are bitwise identical for every
/// `width`: the split changes speed, never numbers. Reductions across rows (bias and gain
/// gradients, tiled broadcasts) stay serial for that reason.
///
/// `width` is set together with OpenBLAS's thread count by `BLAS.threads` (one knob for the
/// process). It is 1 by default, and the runner's parallel trials each run with 1.
public enum Parallel {
    private static let storedWidth = Atomic<Int>(1)

    /// Threads a parallel loop may use (≥ 1).
    public static var width: Int {
        get { storedWidth.load(ordering: .relaxed) }
        set {
            precondition(newValue >= 1, "parallel width must be positive, got \(newValue)")
            storedWidth.store(newValue, ordering: .relaxed)
        }
    }

    /// Calls `body` on disjoint contiguous ranges covering 0..<count, concurrently when `width`
    /// is above 1 and every chunk would get at least `grain` items (below that the dispatch
    /// costs more than it saves). `body` must only write outputs owned by its range.
    ///
    /// Inside `body`, rebind the buffers it uses to locals first (`let (out, xs) = (out, xs)`):
    /// captured values are read through the closure's context on every iteration, which keeps
    /// the loop scalar (measured: the AdamW update ran 3× slower until its buffers were locals).
    @inline(__always)
    public static func forEach(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let chunks = min(width, count / max(grain, 1))
        guard chunks > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                shared.value(count * c / chunks ..< count * (c + 1) / chunks)
            }
        }
    }

    /// Elements per chunk below which element-wise loops stay serial (≈ 10 µs of work).
    public static let elementGrain = 1 << 15
}

/// Carries a non-Sendable closure into `concurrentPerform`; sound because `Parallel.forEach`'s
/// callers (and `DataParallel`'s shards) write disjoint outputs and the call returns only after
/// every chunk has finished.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
