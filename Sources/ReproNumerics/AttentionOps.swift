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

    private func attention(_ q: Variable, _ k: Variable, _ v: Variable, mask: AttentionMask, scale: Float, softmax: Bool) -> Variable {
        let r = q.shape.count
        precondition(r >= 2 && q.shape == k.shape && v.shape.count == r && v.shape.dropLast() == q.shape.dropLast(),
                     "attention: q \(q.shape), k \(k.shape), v \(v.shape) must be [..., T, D]")
        let t = q.shape[r - 2], dk = q.shape[r - 1], dv = v.shape[r - 1]
        let batch = q.shape.dropLast(2).reduce(1, *)
        let rowGrain = max(1, Parallel.elementGrain / max(t, 1))
        if case .keyPrefix(let n) = mask { precondition(n >= 1 && n <= t, "attention: key prefix \(n) outside 1...\(t)") }
        // weights = P (softmax) or A (linear), [batch, T, T], zero on masked entries.
        var weights = pool.take(batch * t * t)
        weights.withUnsafeMutableBufferPointer { w in
            q.withValue { qs in k.withValue { ks in
                BLAS.sgemmBatched(batch: batch, transposeB: true, m: t, n: t, k: dk, alpha: scale,
                                  a: qs.baseAddress!, b: ks.baseAddress!, c: w.baseAddress!)
            } }
            Parallel.forEach(batch * t, grain: rowGrain) { rowRange in
                let w = w
                for bi in rowRange {
                    let row = w.baseAddress! + bi * t, limit = mask.limit(bi % t, t)
                    if softmax { _ = Self.softmaxRow(row, row, limit) }
                    for j in limit..<t { row[j] = 0 }
                }
            }
        }
        keep(weights)
        let o = filled(v.shape) { out in
            weights.withUnsafeBufferPointer { w in v.withValue { vs in
                BLAS.sgemmBatched(batch: batch, m: t, n: dv, k: t, a: w.baseAddress!, b: vs.baseAddress!, c: out.baseAddress!)
            } }
        }
        return record(o, q, k, v) { [weights, pool] out in
            out.withOutputGrad { dO in weights.withUnsafeBufferPointer { w in
                if v.needsGrad {
                    v.withGrad { dV in
                        BLAS.sgemmBatched(batch: batch, transposeA: true, m: t, n: dv, k: t, a: w.baseAddress!,
                                          b: dO.baseAddress!, beta: 1, c: dV.baseAddress!)
                    }
                }
                guard q.needsGrad || k.needsGrad else { return }
                // dS [batch, T, T]: first dP = dO·Vᵀ, then the softmax Jacobian or the mask, in place.
                var dS = pool.take(batch * t * t)
                dS.withUnsafeMutableBufferPointer { ds in
                    v.withValue { vs in
                        BLAS.sgemmBatched(batch: batch, transposeB: true, m: t, n: t, k: dv, a: dO.baseAddress!,
                                          b: vs.baseAddress!, c: ds.baseAddress!)
                    }
                    Parallel.forEach(batch * t, grain: rowGrain) { rowRange in
                        let (w, ds) = (w, ds)
                        for bi in rowRange {
                            let o = bi * t, limit = mask.limit(bi % t, t)
                            if softmax {
                                let dot = Reduce.dot(w.baseAddress! + o, ds.baseAddress! + o, limit)
                                for j in 0..<limit { ds[o + j] = w[o + j] * (ds[o + j] - dot) }
                            }
                            for j in limit..<t { ds[o + j] = 0 }
                        }
                    }
                }
                dS.withUnsafeBufferPointer { ds in
                    if q.needsGrad {
                        q.withGrad { dQ in k.withValue { ks in
                            BLAS.sgemmBatched(batch: batch, m: t, n: dk, k: t, alpha: scale, a: ds.baseAddress!,
                                              b: ks.baseAddress!, beta: 1, c: dQ.baseAddress!)
                        } }
                    }
                    if k.needsGrad {
                        k.withGrad { dK in q.withValue { qs in
                            BLAS.sgemmBatched(batch: batch, transposeA: true, m: t, n: dk, k: t, alpha: scale,
                                              a: ds.baseAddress!, b: qs.baseAddress!, beta: 1, c: dK.baseAddress!)
                        } }
                    }
                }
                pool.give(dS)
            } }
        }
    }
}
