import RealModule

/// Which keys each query may attend to, for a sequence of length T.
public enum AttentionMask: Sendable, Equatable {
    /// Every query sees all T keys.
    case none
    /// Query i sees keys 0...i (autoregressive).
    case causal
    /// Every query sees only the first n keys (in-context learning: the query token is not a key).
    case keyPrefix(Int)

    /// Keys 0..<limit are visible to query i.
    @inline(__always) func limit(_ i: Int, _ length: Int) -> Int {
        switch self {
        case .none: length
        case .causal: i + 1
        case .keyPrefix(let n): n
        }
    }
}

extension Tape {
    /// Scaled dot-product attention with a softmax over the visible keys:
    /// O = softmax(s·Q·Kᵀ + mask)·V, per leading index (batch and head).
    ///
    /// q, k are [..., T, Dk], v is [..., T, Dv]; the output is [..., T, Dv]; `scale` defaults to
    /// 1/√Dk. Fused: the probabilities P [..., T, T] are kept for the pullback,
    /// dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dQ = s·dS·K, dK = s·dSᵀ·Q.
    public func softmaxAttention(_ q: Variable, _ k: Variable, _ v: Variable,
                                 mask: AttentionMask = .causal, scale: Float? = nil) -> Variable {
        attention(q, k, v, mask: mask, scale: scale ?? 1 / Float(q.value.cols).squareRoot(), softmax: true)
    }

    /// Linear (softmax-free) attention: O = (s·Q·Kᵀ ⊙ M)·V with M the 0/1 mask, per leading
    /// index. Shapes as in `softmaxAttention`; `scale` defaults to 1. Pullback:
    /// dV = Aᵀ·dO with A = s·Q·Kᵀ ⊙ M, dS = (dO·Vᵀ) ⊙ M, dQ = s·dS·K, dK = s·dSᵀ·Q.
    public func linearAttention(_ q: Variable, _ k: Variable, _ v: Variable,
                                mask: AttentionMask = .none, scale: Float = 1) -> Variable {
        attention(q, k, v, mask: mask, scale: scale, softmax: false)
    }

    /// Multi-head attention on packed projections: `qkv` is [B, T, 3·H·D] with, on each row,
    /// the H query heads, then the H key heads, then the H value heads (D wide each), as one
    /// `linear` with the three weights stacked produces it. The output is [B, T, H·D] with the
    /// heads merged (head h in columns h·D..<(h+1)·D), ready for the output projection.
    ///
    /// The same computation and pullback as `splitHeads` of each third, `softmaxAttention` (or
    /// `linearAttention` when `softmax` is false) and `mergeHeads`, with the same products per
    /// head (so the same bits), but the heads are read and written in place through BLAS
    /// leading dimensions: no permuted copies forward or backward.
    public func packedAttention(_ qkv: Variable, heads: Int, mask: AttentionMask, scale: Float, softmax: Bool) -> Variable {
        precondition(qkv.shape.count == 3 && heads >= 1 && qkv.shape[2] % (3 * heads) == 0,
                     "packedAttention: \(qkv.shape) is not [B, T, 3·heads·D] for \(heads) heads")
        let (b, t, width) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let d = width / heads, row = 3 * width
        let layout = AttentionLayout(count: b * heads, t: t, dk: d, dv: d,
                                     q: .init(base: 0, heads: heads, batchStride: t * row, headStride: d, ld: row),
                                     k: .init(base: width, heads: heads, batchStride: t * row, headStride: d, ld: row),
                                     v: .init(base: 2 * width, heads: heads, batchStride: t * row, headStride: d, ld: row),
                                     o: .init(base: 0, heads: heads, batchStride: t * width, headStride: d, ld: width))
        return attention(q: qkv, k: qkv, v: qkv, layout: layout, outputShape: [b, t, width],
                         mask: mask, scale: scale, softmax: softmax)
    }

    private func attention(_ q: Variable, _ k: Variable, _ v: Variable, mask: AttentionMask, scale: Float, softmax: Bool) -> Variable {
        let r = q.shape.count
        precondition(r >= 2 && q.shape == k.shape && v.shape.count == r && v.shape.dropLast() == q.shape.dropLast(),
                     "attention: q \(q.shape), k \(k.shape), v \(v.shape) must be [..., T, D]")
        let t = q.shape[r - 2], dk = q.shape[r - 1], dv = v.shape[r - 1]
        let layout = AttentionLayout(count: q.shape.dropLast(2).reduce(1, *), t: t, dk: dk, dv: dv,
                                     q: .dense(t: t, width: dk), k: .dense(t: t, width: dk),
                                     v: .dense(t: t, width: dv), o: .dense(t: t, width: dv))
        return attention(q: q, k: k, v: v, layout: layout, outputShape: v.shape, mask: mask, scale: scale, softmax: softmax)
    }

    /// The attention of every (batch, head) pair in `layout`, with one pullback for q, k and v
    /// (which may be one variable, as in `packedAttention`). Heads run in parallel, whole heads
    /// per thread, when each product is small enough that OpenBLAS would run it single-threaded;
    /// every head's products and row loops are the same at any width, so the bits are too.
    private func attention(q: Variable, k: Variable, v: Variable, layout: AttentionLayout, outputShape: [Int],
                           mask: AttentionMask, scale: Float, softmax: Bool) -> Variable {
        let (t, dk, dv, count) = (layout.t, layout.dk, layout.dv, layout.count)
        if case .keyPrefix(let n) = mask { precondition(n >= 1 && n <= t, "attention: key prefix \(n) outside 1...\(t)") }
        let grain = layout.headGrain
        // weights = P (softmax) or A (linear), [count, T, T], zero on masked entries.
        var weights = pool.take(count * t * t)
        let o = filled(outputShape) { out in
            weights.withUnsafeMutableBufferPointer { w in q.withValue { qs in k.withValue { ks in v.withValue { vs in
                Parallel.forEach(count, grain: grain) { range in
                    let (w, qs, ks, vs, out) = (w, qs, ks, vs, out)
                    for i in range {
                        let wi = w.baseAddress! + i * t * t
                        BLAS.sgemm(transposeB: true, m: t, n: t, k: dk, alpha: scale,
                                   a: qs.baseAddress! + layout.q.offset(i), lda: layout.q.ld,
                                   b: ks.baseAddress! + layout.k.offset(i), ldb: layout.k.ld, c: wi, ldc: t)
                        for r in 0..<t {
                            let row = wi + r * t, limit = mask.limit(r, t)
                            if softmax { _ = Self.softmaxRow(row, row, limit) }
                            for j in limit..<t { row[j] = 0 }
                        }
                        BLAS.sgemm(m: t, n: dv, k: t, a: wi, lda: t, b: vs.baseAddress! + layout.v.offset(i), ldb: layout.v.ld,
                                   c: out.baseAddress! + layout.o.offset(i), ldc: layout.o.ld)
                    }
                }
            } } } }
        }
        keep(weights)
        let inputs = q === k && k === v ? [q] : [q, k, v]
        return record(o, inputs: inputs) { [weights] out in
            out.withOutputGrad { dO in weights.withUnsafeBufferPointer { w in
                q.withValue { qs in k.withValue { ks in v.withValue { vs in Self.withGradPointers(inputs) { grads in
                    let dQ = grads[ObjectIdentifier(q)], dK = grads[ObjectIdentifier(k)], dV = grads[ObjectIdentifier(v)]
                    Parallel.forEach(count, grain: grain) { range in
                        let (w, qs, ks, vs, dO) = (w, qs, ks, vs, dO)
                        // dS [T, T] of one head at a time, in this chunk's own scratch.
                        let ds = UnsafeMutablePointer<Float>.allocate(capacity: t * t)
                        defer { ds.deallocate() }
                        for i in range {
                            let wi = w.baseAddress! + i * t * t, dOi = dO.baseAddress! + layout.o.offset(i)
                            if let dV {
                                BLAS.sgemm(transposeA: true, m: t, n: dv, k: t, a: wi, lda: t, b: dOi, ldb: layout.o.ld,
                                           beta: 1, c: dV + layout.v.offset(i), ldc: layout.v.ld)
                            }
                            guard dQ != nil || dK != nil else { continue }
                            // dP = dO·Vᵀ, then the softmax Jacobian or the mask, in place.
                            BLAS.sgemm(transposeB: true, m: t, n: t, k: dv, a: dOi, lda: layout.o.ld,
                                       b: vs.baseAddress! + layout.v.offset(i), ldb: layout.v.ld, c: ds, ldc: t)
                            for r in 0..<t {
                                let o = r * t, limit = mask.limit(r, t)
                                if softmax {
                                    let dot = Reduce.dot(wi + o, ds + o, limit)
                                    for j in 0..<limit { ds[o + j] = wi[o + j] * (ds[o + j] - dot) }
                                }
                                for j in limit..<t { ds[o + j] = 0 }
                            }
                            if let dQ {
                                BLAS.sgemm(m: t, n: dk, k: t, alpha: scale, a: ds, lda: t,
                                           b: ks.baseAddress! + layout.k.offset(i), ldb: layout.k.ld,
                                           beta: 1, c: dQ + layout.q.offset(i), ldc: layout.q.ld)
                            }
                            if let dK {
                                BLAS.sgemm(transposeA: true, m: t, n: dk, k: t, alpha: scale, a: ds, lda: t,
                                           b: qs.baseAddress! + layout.q.offset(i), ldb: layout.q.ld,
                                           beta: 1, c: dK + layout.k.offset(i), ldc: layout.k.ld)
                            }
                        }
                    }
                } } } }
            } }
        }
    }

    /// Runs `body` with the gradient buffer of every distinct variable in `xs` that needs one
    /// (allocated as zeros on first use), keyed by identity: one variable listed twice gets one
    /// buffer, so ops whose inputs alias (packed Q, K, V) accumulate into it without an
    /// overlapping access.
    static func withGradPointers(_ xs: [Variable], _ body: ([ObjectIdentifier: UnsafeMutablePointer<Float>]) -> Void) {
        func nest(_ i: Int, _ pointers: [ObjectIdentifier: UnsafeMutablePointer<Float>]) {
            guard i < xs.count else { return body(pointers) }
            let x = xs[i]
            guard x.needsGrad, pointers[ObjectIdentifier(x)] == nil else { return nest(i + 1, pointers) }
            x.withGrad { g in
                var more = pointers
                more[ObjectIdentifier(x)] = g.baseAddress!
                nest(i + 1, more)
            }
        }
        nest(0, [:])
    }
}

/// Where the Q, K, V and output matrices of each (batch, head) pair sit in their buffers.
struct AttentionLayout {
    /// Matrix i (i = batch·heads + head) starts at base + batch·batchStride + head·headStride,
    /// with rows `ld` apart.
    struct View {
        var base: Int, heads: Int, batchStride: Int, headStride: Int, ld: Int

        /// Dense [count, T, width] storage: matrix i at i·T·width.
        static func dense(t: Int, width: Int) -> View { View(base: 0, heads: 1, batchStride: t * width, headStride: 0, ld: width) }

        @inline(__always) func offset(_ i: Int) -> Int {
            let (batch, head) = i.quotientAndRemainder(dividingBy: heads)
            return base + batch * batchStride + head * headStride
        }
    }

    let count, t, dk, dv: Int
    let q, k, v, o: View

    /// Heads per chunk: parallel over heads only when each product is one OpenBLAS runs on a
    /// single thread (m·n·k ≤ 2¹⁸ in 0.3.21, as in `BLAS.sgemmBatched`); otherwise one chunk,
    /// and OpenBLAS threads each product.
    var headGrain: Int {
        let largest = t * t * max(dk, dv)
        return largest <= 1 << 18 ? max(1, (1 << 15) / max(t * t * min(dk, dv), 1)) : count + 1
    }
}
