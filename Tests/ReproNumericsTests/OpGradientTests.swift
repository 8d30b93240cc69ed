import Foundation
import Testing
@testable import ReproNumerics

/// Every op's pullback against central finite differences (see `GradientCheck` for the tolerance).
@Suite struct OpGradientTests {
    @Test func matmulAllTransposes() {
        var rng = RNG(seed: 1, stream: RNG.Stream.initialisation)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = randomParameter("a", ta ? [4, 3] : [3, 4], &rng)
            let b = randomParameter("b", tb ? [5, 4] : [4, 5], &rng)
            GradientCheck().check([a, b]) { t in t.matmul(t.parameter(a), t.parameter(b), transposeA: ta, transposeB: tb) }
        }
    }

    @Test func matmulFoldsLeadingDimensions() {
        var rng = RNG(seed: 2, stream: RNG.Stream.initialisation)
        let a = randomParameter("a", [2, 3, 4], &rng), b = randomParameter("b", [4, 2], &rng)
        GradientCheck().check([a, b]) { t in t.matmul(t.parameter(a), t.parameter(b)) }
    }

    @Test func batchedMatmulAllTransposes() {
        var rng = RNG(seed: 3, stream: RNG.Stream.initialisation)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = randomParameter("a", ta ? [2, 2, 4, 3] : [2, 2, 3, 4], &rng)
            let b = randomParameter("b", tb ? [2, 2, 5, 4] : [2, 2, 4, 5], &rng)
            GradientCheck().check([a, b]) { t in t.batchedMatmul(t.parameter(a), t.parameter(b), transposeA: ta, transposeB: tb) }
        }
    }

    @Test func linearWithAndWithoutBias() {
        var rng = RNG(seed: 4, stream: RNG.Stream.initialisation)
        let x = randomParameter("x", [2, 3, 4], &rng), w = randomParameter("w", [5, 4], &rng)
        let b = randomParameter("b", [5], &rng, role: .vector)
        GradientCheck().check([x, w, b]) { t in t.linear(t.parameter(x), weight: t.parameter(w), bias: t.parameter(b)) }
        GradientCheck().check([x, w]) { t in t.linear(t.parameter(x), weight: t.parameter(w)) }
    }

    @Test func binaryOpsWithEveryBroadcast() {
        var rng = RNG(seed: 5, stream: RNG.Stream.initialisation)
        let a = randomParameter("a", [2, 3, 4], &rng, 0.5, 2)
        let operands = [
            randomParameter("same", [2, 3, 4], &rng, 0.5, 2), randomParameter("row", [4], &rng, 0.5, 2),
            randomParameter("trailing", [3, 4], &rng, 0.5, 2),
            randomParameter("column", [2, 3, 1], &rng, 0.5, 2), randomParameter("scalar", [1], &rng, 0.5, 2),
        ]
        for b in operands {
            GradientCheck().check([a, b]) { t in t.add(t.parameter(a), t.parameter(b)) }
            GradientCheck().check([a, b]) { t in t.sub(t.parameter(a), t.parameter(b)) }
            GradientCheck().check([a, b]) { t in t.mul(t.parameter(a), t.parameter(b)) }
            GradientCheck().check([a, b]) { t in t.div(t.parameter(a), t.parameter(b)) }
        }
    }

    @Test func sameVariableOnBothSides() {
        var rng = RNG(seed: 6, stream: RNG.Stream.initialisation)
        let a = randomParameter("a", [3, 4], &rng)
        GradientCheck().check([a]) { t in let x = t.parameter(a); return t.mul(x, x) }
    }

    @Test func unaryOps() {
        var rng = RNG(seed: 7, stream: RNG.Stream.initialisation)
        let x = randomParameter("x", [3, 5], &rng, -2, 2)
        let positive = randomParameter("positive", [3, 5], &rng, 0.5, 2)
        // ReLU's kink at 0 breaks finite differences within h of it: keep |x| ≥ 0.1.
        let awayFromZero = Parameter(name: "x", role: .hiddenMatrix,
                                     value: Tensor(shape: [3, 5], data: x.value.data.map { $0 < 0 ? $0 - 0.1 : $0 + 0.1 }))
        GradientCheck().check([x]) { t in t.scale(t.parameter(x), -1.5) }
        GradientCheck().check([awayFromZero]) { t in t.relu(t.parameter(awayFromZero)) }
        GradientCheck().check([x]) { t in t.gelu(t.parameter(x)) }
        GradientCheck().check([x]) { t in t.tanh(t.parameter(x)) }
        GradientCheck().check([x]) { t in t.exp(t.parameter(x)) }
        GradientCheck().check([positive]) { t in t.log(t.parameter(positive)) }
    }

    @Test func reductions() {
        var rng = RNG(seed: 8, stream: RNG.Stream.initialisation)
        let x = randomParameter("x", [2, 3, 4], &rng)
        GradientCheck().check([x]) { t in t.sum(t.parameter(x)) }
        GradientCheck().check([x]) { t in t.mean(t.parameter(x)) }
        for axis in [0, 1, 2, -1] {
            GradientCheck().check([x]) { t in t.sum(t.parameter(x), axis: axis) }
            GradientCheck().check([x]) { t in t.mean(t.parameter(x), axis: axis) }
        }
    }

    @Test func shapeOps() {
        var rng = RNG(seed: 9, stream: RNG.Stream.initialisation)
        let x = randomParameter("x", [2, 3, 6], &rng), y = randomParameter("y", [2, 1, 6], &rng)
        GradientCheck().check([x]) { t in t.mul(t.reshape(t.parameter(x), [6, 6]), t.constant(Tensor(repeating: 2, shape: [6, 6]))) }
        GradientCheck().check([x]) { t in t.splitHeads(t.parameter(x), heads: 2) }
        GradientCheck().check([x]) { t in t.mergeHeads(t.splitHeads(t.parameter(x), heads: 3)) }
        GradientCheck().check([x, y]) { t in t.concat([t.parameter(x), t.parameter(y), t.parameter(x)], axis: 1) }
        GradientCheck().check([x]) { t in t.slice(t.parameter(x), axis: 2, 1..<4) }
        GradientCheck().check([x]) { t in t.slice(t.parameter(x), axis: 0, 1..<2) }
    }

    @Test func splitAndMergeHeadsAreInverse() {
        var rng = RNG(seed: 10, stream: RNG.Stream.initialisation)
        let x = randomParameter("x", [2, 3, 8], &rng)
        let t = Tape(recording: false)
        let heads = t.splitHeads(t.constant(x.value), heads: 4)
        #expect(heads.shape == [2, 4, 3, 2])
        // Head h of token (b, τ) is the slice [h·D, (h+1)·D) of the model dimension.
        let (b, h, tau, e) = (1, 2, 1, 1)
        let split: Int = ((b * 4 + h) * 3 + tau) * 2 + e
        let merged: Int = (b * 3 + tau) * 8 + h * 2 + e
        #expect(heads.value.data[split] == x.value.data[merged])
        #expect(t.mergeHeads(heads).value == x.value)
    }

    @Test func embeddingGatherRepeatedIndices() {
        var rng = RNG(seed: 11, stream: RNG.Stream.initialisation)
        let table = randomParameter("table", [5, 3], &rng, role: .embedding)
        GradientCheck().check([table]) { t in t.embedding(t.parameter(table), indices: [4, 0, 4, 2, 4, 1], shape: [2, 3]) }
    }

    @Test func softmaxAndLosses() {
        var rng = RNG(seed: 12, stream: RNG.Stream.initialisation)
        let x = randomParameter("x", [4, 6], &rng, -3, 3), target = randomParameter("target", [4, 6], &rng)
        GradientCheck().check([x]) { t in t.softmax(t.parameter(x)) }
        GradientCheck().check([x]) { t in t.crossEntropy(t.parameter(x), labels: [0, 5, 2, 2]) }
        GradientCheck().check([x, target]) { t in t.mse(t.parameter(x), t.parameter(target)) }
    }

    @Test func crossEntropyMatchesDefinition() {
        let logits = Tensor(shape: [2, 3], data: [1, 2, 3, 0, 0, 0])
        let t = Tape(recording: false)
        let loss = t.crossEntropy(t.constant(logits), labels: [2, 1]).value.data[0]
        let expected = ((logf(expf(1) + expf(2) + expf(3)) - 3) + logf(3)) / 2
        #expect(abs(loss - expected) < 1e-6)
    }

    @Test func norms() {
        var rng = RNG(seed: 13, stream: RNG.Stream.initialisation)
        let x = randomParameter("x", [2, 3, 8], &rng, -2, 2)
        let gain = randomParameter("gain", [8], &rng, 0.5, 1.5, role: .vector), bias = randomParameter("bias", [8], &rng, role: .vector)
        GradientCheck().check([x, gain, bias]) { t in t.layerNorm(t.parameter(x), gain: t.parameter(gain), bias: t.parameter(bias)) }
        GradientCheck().check([x]) { t in t.layerNorm(t.parameter(x)) }
        GradientCheck().check([x, gain]) { t in t.rmsNorm(t.parameter(x), gain: t.parameter(gain)) }
        GradientCheck().check([x]) { t in t.rmsNorm(t.parameter(x)) }
    }

    @Test(arguments: [AttentionMask.none, .causal, .keyPrefix(3)])
    func attention(mask: AttentionMask) {
        var rng = RNG(seed: 14, stream: RNG.Stream.initialisation)
        let q = randomParameter("q", [2, 2, 5, 3], &rng), k = randomParameter("k", [2, 2, 5, 3], &rng)
        let v = randomParameter("v", [2, 2, 5, 4], &rng)
        GradientCheck().check([q, k, v]) { t in t.softmaxAttention(t.parameter(q), t.parameter(k), t.parameter(v), mask: mask) }
        GradientCheck().check([q, k, v]) { t in t.linearAttention(t.parameter(q), t.parameter(k), t.parameter(v), mask: mask, scale: 0.5) }
        GradientCheck().check([q]) { t in let x = t.parameter(q); return t.softmaxAttention(x, x, x, mask: mask) }
    }

    @Test func stackedLinear() {
        var rng = RNG(seed: 16, stream: RNG.Stream.initialisation)
        let x = randomParameter("x", [2, 3, 4], &rng)
        let ws = [randomParameter("w1", [3, 4], &rng), randomParameter("w2", [2, 4], &rng), randomParameter("w3", [3, 4], &rng)]
        let bs = [randomParameter("b1", [3], &rng, role: .vector), randomParameter("b2", [2], &rng, role: .vector),
                  randomParameter("b3", [3], &rng, role: .vector)]
        GradientCheck().check([x] + ws + bs) { t in t.linear(t.parameter(x), weights: ws.map { t.parameter($0) }, biases: bs.map { t.parameter($0) }) }
        GradientCheck().check([x] + ws) { t in t.linear(t.parameter(x), weights: ws.map { t.parameter($0) }, biases: nil) }
    }

    /// The stacked product against one `linear` per weight, concatenated: equal values and
    /// gradients to rounding (OpenBLAS blocks a product 24 wide differently from three 8 wide,
    /// and dx sums over all outputs in one product instead of three).
    @Test func stackedLinearEqualsSeparateLinears() {
        var rng = RNG(seed: 17, stream: RNG.Stream.initialisation)
        let x = randomParameter("x", [3, 5, 8], &rng)
        let ws = (0..<3).map { randomParameter("w\($0)", [8, 8], &rng) }
        let bs = (0..<3).map { randomParameter("b\($0)", [8], &rng, role: .vector) }
        let seed = Tensor(shape: [3, 5, 24], data: rng.normals(3 * 5 * 24))
        func run(_ stacked: Bool) -> (Tensor, [[Float]]) {
            for p in [x] + ws + bs { p.zeroGrad() }
            let t = Tape()
            let input = t.parameter(x)
            let y = stacked
                ? t.linear(input, weights: ws.map { t.parameter($0) }, biases: bs.map { t.parameter($0) })
                : t.concat(zip(ws, bs).map { t.linear(input, weight: t.parameter($0), bias: t.parameter($1)) }, axis: 2)
            let value = y.value
            t.backward(y, seed: seed)
            return (value, ([x] + ws + bs).map(\.grad.data))
        }
        let (stackedValue, stackedGrads) = run(true), (separateValue, separateGrads) = run(false)
        func worst(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0 }
        #expect(stackedValue.shape == separateValue.shape)
        #expect(worst(stackedValue.data, separateValue.data) <= 1e-6)
        for (a, b) in zip(stackedGrads, separateGrads) { #expect(worst(a, b) <= 1e-5) }
    }

    @Test(arguments: [AttentionMask.none, .causal, .keyPrefix(3)])
    func packedAttention(mask: AttentionMask) {
        var rng = RNG(seed: 18, stream: RNG.Stream.initialisation)
        let qkv = randomParameter("qkv", [2, 5, 12], &rng)
        GradientCheck().check([qkv]) { t in t.packedAttention(t.parameter(qkv), heads: 2, mask: mask, scale: 0.7, softmax: true) }
        GradientCheck().check([qkv]) { t in t.packedAttention(t.parameter(qkv), heads: 2, mask: mask, scale: 0.5, softmax: false) }
    }

    /// Packed attention against slicing Q, K, V, splitting heads, attending and merging:
    /// the same products per head, so bitwise equal values and gradients.
    @Test(arguments: [AttentionMask.none, .causal, .keyPrefix(4)], [true, false])
    func packedAttentionEqualsSplitAttendMerge(mask: AttentionMask, softmax: Bool) {
        var rng = RNG(seed: 19, stream: RNG.Stream.initialisation)
        let (b, t, heads, d) = (3, 7, 4, 5)
        let qkv = randomParameter("qkv", [b, t, 3 * heads * d], &rng)
        let seed = Tensor(shape: [b, t, heads * d], data: rng.normals(b * t * heads * d))
        func run(_ packed: Bool) -> (Tensor, [Float]) {
            qkv.zeroGrad()
            let tape = Tape()
            let x = tape.parameter(qkv)
            let y: Variable
            if packed {
                y = tape.packedAttention(x, heads: heads, mask: mask, scale: 0.3, softmax: softmax)
            } else {
                let (q, k, v) = (0..<3).map { i in tape.splitHeads(tape.slice(x, axis: 2, i * heads * d ..< (i + 1) * heads * d), heads: heads) }
                    .splat3()
                let o = softmax ? tape.softmaxAttention(q, k, v, mask: mask, scale: 0.3) : tape.linearAttention(q, k, v, mask: mask, scale: 0.3)
                y = tape.mergeHeads(o)
            }
            let value = y.value
            tape.backward(y, seed: seed)
            return (value, qkv.grad.data)
        }
        let (packedValue, packedGrad) = run(true), (plainValue, plainGrad) = run(false)
        #expect(packedValue == plainValue)
        #expect(packedGrad == plainGrad)
    }

    @Test func causalAttentionIgnoresTheFuture() {
        var rng = RNG(seed: 15, stream: RNG.Stream.initialisation)
        let q = randomParameter("q", [1, 4, 2], &rng), k = randomParameter("k", [1, 4, 2], &rng), v = randomParameter("v", [1, 4, 2], &rng)
        let t = Tape(recording: false)
        let before = t.softmaxAttention(t.constant(q.value), t.constant(k.value), t.constant(v.value)).value
        var changed = v.value
        changed.data[3 * 2] += 10  // the last token's value
        let after = t.softmaxAttention(t.constant(q.value), t.constant(k.value), t.constant(changed)).value
        #expect(Array(before.data[0..<6]) == Array(after.data[0..<6]))
        #expect(before.data[6] != after.data[6])
    }

    @Test func fastTanhMatchesLibm() {
        var worst: Float = 0
        var x: Float = -12
        while x <= 12 { worst = max(worst, abs(FastMath.tanh(x) - tanhf(x))); x += 1e-3 }
        #expect(worst < 4e-7)
    }

    @Test func fastExpMatchesLibm() {
        var worst: Float = 0
        var x: Float = -87
        while x <= 88.29 { worst = max(worst, abs(FastMath.exp(x) - expf(x)) / expf(x)); x += 1e-3 }
        #expect(worst < 3e-7)
        #expect(FastMath.exp(0) == 1)
        #expect(FastMath.exp(-.infinity) < 1.2e-38)
        #expect(FastMath.exp(.infinity).isFinite)
    }
}

private extension Array {
    func splat3() -> (Element, Element, Element) { (self[0], self[1], self[2]) }
}
