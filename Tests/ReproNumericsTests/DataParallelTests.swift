import Testing
@testable import ReproNumerics

/// `DataParallel`: one shard is the plain tape bit for bit; several shards give the batch-mean
/// loss and gradient up to rounding (the batch's sums are split), the same bits every time, and
/// leave the process's thread settings as they found them.
///
/// Serialized, and OpenBLAS pinned to 1 thread first (as the golden tests do): `DataParallel`
/// sets the process-wide thread counts while its shards run, and a concurrent test in this suite
/// would otherwise see its plain pass run at a different OpenBLAS thread count (different bits).
@Suite(.serialized) struct DataParallelTests {
    init() { BLAS.threads = 1 }

    static let config = GPTConfig(vocabulary: 14, context: 16, dimension: 32, layers: 2, heads: 2)

    /// `batch` random sequences of `config.context` tokens and their targets.
    static func data(batch: Int) -> ([Int32], [Int32]) {
        var rng = RNG(seed: 5, stream: RNG.Stream.batches)
        let n = batch * config.context
        return ((0..<n).map { _ in Int32(rng.int(below: 14)) }, (0..<n).map { _ in Int32(rng.int(below: 14)) })
    }

    /// Loss and parameter gradients of one pass over a `batch`-sequence batch, on one plain tape
    /// (shards nil) or through `DataParallel(shards:)`.
    static func pass(shards: Int?, batch: Int, model: CharGPT? = nil) -> (loss: Float, grads: [[Float]]) {
        let gpt = model ?? CharGPT(config, seed: 9)
        let (tokens, targets) = data(batch: batch)
        gpt.zeroGrad()
        guard let shards else {
            let tape = Tape()
            let loss = gpt.loss(tokens, targets: targets, batch: batch, on: tape)
            tape.backward(loss)
            return (loss.value.data[0], gpt.parameters.map(\.grad.data))
        }
        let length = config.context
        let loss = DataParallel(shards: shards).backward(batch: batch) { tape, shard in
            let span = shard.rows.lowerBound * length ..< shard.rows.upperBound * length
            return gpt.loss(Array(tokens[span]), targets: Array(targets[span]), batch: shard.rows.count, on: tape)
        }
        return (loss, gpt.parameters.map(\.grad.data))
    }

    @Test("one shard is bitwise the plain single-tape pass")
    func oneShardIsPlainTape() {
        let plain = Self.pass(shards: nil, batch: 6), single = Self.pass(shards: 1, batch: 6)
        #expect(plain.loss.bitPattern == single.loss.bitPattern)
        for (a, b) in zip(plain.grads, single.grads) { #expect(a.map(\.bitPattern) == b.map(\.bitPattern)) }
    }

    /// 7 sequences in 2 and 3 shards (3 + 4 and 2 + 2 + 3 rows): unequal parts are weighted by
    /// their size, so the result is the mean over the whole batch. Float32 sums over a split
    /// batch differ from one pass in the last bits; 1e-5 of the largest entry is far above that
    /// and far below any weighting error (a wrong weight moves gradients by ~10%).
    @Test("several shards give the batch-mean loss and gradients", arguments: [2, 3])
    func shardsMatchOnePass(shards: Int) {
        let plain = Self.pass(shards: nil, batch: 7), sharded = Self.pass(shards: shards, batch: 7)
        #expect(abs(plain.loss - sharded.loss) <= 1e-5 * abs(plain.loss))
        #expect(plain.grads.count == sharded.grads.count)
        for (a, b) in zip(plain.grads, sharded.grads) {
            let scale = a.map(abs).max()!
            #expect(scale > 0)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * scale })
        }
    }

    @Test("two shards are bitwise reproducible across calls and reused tapes")
    func shardsAreDeterministic() {
        let first = Self.pass(shards: 2, batch: 8), second = Self.pass(shards: 2, batch: 8)
        #expect(first.loss.bitPattern == second.loss.bitPattern)
        for (a, b) in zip(first.grads, second.grads) { #expect(a.map(\.bitPattern) == b.map(\.bitPattern)) }
        // Three SGD steps through one reused DataParallel, twice from the same seed.
        func train() -> [UInt32] {
            let gpt = CharGPT(Self.config, seed: 2)
            let parallel = DataParallel(shards: 2)
            var losses: [UInt32] = []
            for step in 0..<3 {
                var rng = RNG(seed: UInt64(step), stream: RNG.Stream.batches)
                let tokens = (0..<(8 * 16)).map { _ in Int32(rng.int(below: 14)) }
                gpt.zeroGrad()
                let loss = parallel.backward(batch: 8) { tape, shard in
                    let span = shard.rows.lowerBound * 16 ..< shard.rows.upperBound * 16
                    return gpt.loss(Array(tokens[span]), targets: Array(tokens[span].reversed()), batch: shard.rows.count, on: tape)
                }
                losses.append(loss.bitPattern)
                sgdStep(gpt.parameters, lr: 0.1)
            }
            return losses + gpt.parameters.flatMap { $0.value.data.map(\.bitPattern) }
        }
        #expect(train() == train())
    }

    @Test("gradients add into Parameter.grad, and thread settings are restored")
    func accumulatesAndRestores() {
        let gpt = CharGPT(Self.config, seed: 9)
        let once = Self.pass(shards: 2, batch: 8, model: gpt).grads
        let (tokens, targets) = Self.data(batch: 8)
        Parallel.width = 2  // a value to restore that differs from the shards' 1
        defer { Parallel.width = 1 }
        let (blas, width) = (BLAS.threads, Parallel.width)
        DataParallel(shards: 2).backward(batch: 8) { tape, shard in
            let span = shard.rows.lowerBound * 16 ..< shard.rows.upperBound * 16
            return gpt.loss(Array(tokens[span]), targets: Array(targets[span]), batch: shard.rows.count, on: tape)
        }
        #expect(BLAS.threads == blas && Parallel.width == width)
        // The second pass adds its shards onto the first's sum: 2× up to rounding.
        for (g, single) in zip(gpt.parameters.map(\.grad.data), once) {
            let scale = single.map(abs).max()!
            #expect(zip(g, single).allSatisfy { abs($0 - 2 * $1) <= 1e-6 * scale })
        }
    }

    @Test("shards cut a batch into contiguous, near-equal parts")
    func shardRows() {
        #expect(DataParallel(shards: 3).shards(batch: 7).map(\.rows) == [0..<2, 2..<4, 4..<7])
        #expect(DataParallel(shards: 2).shards(batch: 8).map(\.rows) == [0..<4, 4..<8])
        #expect(DataParallel(shards: 1).shards(batch: 5).map(\.index) == [0])
    }
}
