import Testing
@testable import ReproNumerics

/// `Parallel` splits loops without changing a bit: the same forward and backward pass at width
/// 1 and width 2 (OpenBLAS's own thread count untouched) must give identical losses and
/// gradients. Shapes are chosen so every parallel path engages at width 2: activations of
/// 512 tokens × 128 = 2·`elementGrain` elements (element-wise ops, norms, head split/merge),
/// 8·4·64 attention rows, per-head products of 64·64·32 ≤ 2¹⁸ multiply-adds (batched sgemm),
/// and an MLP with a 128×512 hidden layer.
@Suite(.serialized) struct ParallelTests {
    static func gptGradients(width: Int) -> (loss: Float, grads: [[Float]]) {
        Parallel.width = width
        defer { Parallel.width = 1 }
        let config = GPTConfig(vocabulary: 65, context: 64, dimension: 128, layers: 1, heads: 4)
        let gpt = CharGPT(config, seed: 3)
        var rng = RNG(seed: 3, stream: RNG.Stream.batches)
        let tokens = (0..<(8 * 64)).map { _ in Int32(rng.int(below: 65)) }
        let targets = (0..<(8 * 64)).map { _ in Int32(rng.int(below: 65)) }
        let tape = Tape()
        let loss = gpt.loss(tokens, targets: targets, batch: 8, on: tape)
        tape.backward(loss)
        return (loss.value.data[0], gpt.parameters.map(\.grad.data))
    }

    static func mlpGradients(width: Int) -> (loss: Float, grads: [[Float]]) {
        Parallel.width = width
        defer { Parallel.width = 1 }
        let mlp = MLP(sizes: [64, 512, 10], seed: 4)
        var rng = RNG(seed: 4, stream: RNG.Stream.data)
        let x = Tensor(shape: [128, 64], data: rng.normals(128 * 64))
        let labels = (0..<128).map { _ in Int32(rng.int(below: 10)) }
        let tape = Tape()
        let loss = tape.crossEntropy(mlp.forward(tape.constant(x), on: tape), labels: labels)
        tape.backward(loss)
        return (loss.value.data[0], mlp.parameters.map(\.grad.data))
    }

    @Test("GPT loss and gradients are bitwise equal at parallel widths 1 and 2")
    func gptWidthIndependent() {
        let serial = Self.gptGradients(width: 1), parallel = Self.gptGradients(width: 2)
        #expect(serial.loss.bitPattern == parallel.loss.bitPattern)
        #expect(serial.grads.count == parallel.grads.count)
        for (a, b) in zip(serial.grads, parallel.grads) { #expect(a.map(\.bitPattern) == b.map(\.bitPattern)) }
        #expect(serial.grads.allSatisfy { $0.contains { $0 != 0 } })
    }

    @Test("MLP loss and gradients are bitwise equal at parallel widths 1 and 2")
    func mlpWidthIndependent() {
        let serial = Self.mlpGradients(width: 1), parallel = Self.mlpGradients(width: 2)
        #expect(serial.loss.bitPattern == parallel.loss.bitPattern)
        for (a, b) in zip(serial.grads, parallel.grads) { #expect(a.map(\.bitPattern) == b.map(\.bitPattern)) }
    }

    @Test("forEach covers every index exactly once, in disjoint ranges")
    func forEachCovers() {
        Parallel.width = 3
        defer { Parallel.width = 1 }
        for count in [0, 1, 5, 100, 1001] {
            var hits = [Int](repeating: 0, count: count)
            hits.withUnsafeMutableBufferPointer { h in
                Parallel.forEach(count, grain: 1) { range in for i in range { h[i] += 1 } }
            }
            #expect(hits.allSatisfy { $0 == 1 })
        }
    }
}
