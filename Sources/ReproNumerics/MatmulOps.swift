extension Tape {
    /// C = op(A)·op(B), where op transposes when the flag is set (no transposed copy is made).
    ///
    /// A is read as a matrix [rows, cols] with all leading dimensions folded into rows; B must be
    /// rank 2. Without `transposeA` the output keeps A's leading dimensions: [..., n].
    /// Pullback: dA = dC·op(B)ᵀ, dB = op(A)ᵀ·dC (each one `sgemm`, transposed as needed).
    public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        precondition(b.shape.count == 2, "matmul: B must be rank 2, got \(b.shape)")
        let (m, k) = transposeA ? (a.value.cols, a.value.rows) : (a.value.rows, a.value.cols)
        let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(k == kb, "matmul: inner dimensions differ, \(a.shape) × \(b.shape)")
        let shape = transposeA || a.shape.count < 2 ? [m, n] : Array(a.shape.dropLast()) + [n]
        let product = Product(batch: 1, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
        return record(product.forward(a, b, shape: shape, on: self), a, b) { c in product.backward(a, b, c) }
    }

    /// A batch of products C_i = op(A_i)·op(B_i) over the leading dimensions: A [..., m, k] (or
    /// [..., k, m] transposed), B [..., k, n] (or [..., n, k]), C [..., m, n]. A and B must have
    /// the same leading dimensions. Same pullback as `matmul`, per batch element.
    public func batchedMatmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        precondition(a.shape.count >= 3 && a.shape.count == b.shape.count && a.shape.dropLast(2) == b.shape.dropLast(2),
                     "batchedMatmul: shapes \(a.shape) and \(b.shape) need equal leading dimensions")
        let r = a.shape.count
        let (m, k) = transposeA ? (a.shape[r - 1], a.shape[r - 2]) : (a.shape[r - 2], a.shape[r - 1])
        let (kb, n) = transposeB ? (b.shape[r - 1], b.shape[r - 2]) : (b.shape[r - 2], b.shape[r - 1])
        precondition(k == kb, "batchedMatmul: inner dimensions differ, \(a.shape) × \(b.shape)")
        let lead = Array(a.shape.dropLast(2))
        let product = Product(batch: lead.reduce(1, *), m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
        return record(product.forward(a, b, shape: lead + [m, n], on: self), a, b) { c in product.backward(a, b, c) }
    }

    /// y = x·Wᵀ + b for a weight W of shape [out, in] (PyTorch's layout) and optional bias [out].
    ///
    /// x is [..., in]; y is [..., out]. The bias is written first and the product accumulated onto
    /// it (`sgemm` with β = 1). Pullback: dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy.
    public func linear(_ x: Variable, weight: Variable, bias: Variable? = nil) -> Variable {
        linear(x, weights: [weight], biases: bias.map { [$0] })
    }

    /// Several linear maps of one input side by side: y = x·[W₁; W₂; …]ᵀ + [b₁, b₂, …], so y is
    /// [..., Σ outᵢ] with map i in its own block of columns. One `sgemm` forward and one for each
    /// of dx and the stacked dW, instead of one per map (the packing of x and the kernel calls
    /// are shared); the weights stay separate parameters (a matrix-aware optimiser still sees
    /// each). The stacked weights are copied into one buffer per call (Σ outᵢ·in floats).
    /// `biases`, if given, has one [outᵢ] vector per weight.
    public func linear(_ x: Variable, weights: [Variable], biases: [Variable]?) -> Variable {
        precondition(!weights.isEmpty, "linear: no weights")
        let rows = x.value.rows, fanIn = x.value.cols
        for w in weights {
            precondition(w.shape.count == 2 && w.shape[1] == fanIn, "linear: input \(x.shape) does not match weight \(w.shape)")
        }
        let outs = weights.map { $0.shape[0] }, fanOut = outs.reduce(0, +)
        let starts = outs.indices.map { i in outs[..<i].reduce(0, +) }
        if let biases {
            precondition(biases.count == weights.count, "linear: \(biases.count) biases for \(weights.count) weights")
            for (b, n) in zip(biases, outs) { precondition(b.value.count == n, "linear: bias \(b.shape) does not match \(n) outputs") }
        }
        // One weight is used in place; several are stacked into one [Σ outᵢ, in] buffer.
        var stacked: [Float]
        if weights.count == 1 { stacked = weights[0].value.data } else {
            stacked = pool.take(fanOut * fanIn)
            stacked.withUnsafeMutableBufferPointer { s in
                for (w, start) in zip(weights, starts) { w.withValue { (s.baseAddress! + start * fanIn).update(from: $0.baseAddress!, count: $0.count) } }
            }
            keep(stacked)
        }
        let y = filled(Array(x.shape.dropLast()) + [fanOut]) { out in
            if let biases {
                for (bias, start) in zip(biases, starts) { bias.withValue { b in
                    for r in 0..<rows { (out.baseAddress! + r * fanOut + start).update(from: b.baseAddress!, count: b.count) }
                } }
            }
            x.withValue { xp in stacked.withUnsafeBufferPointer { wp in
                BLAS.sgemm(transposeB: true, m: rows, n: fanOut, k: fanIn, a: xp.baseAddress!, lda: fanIn,
                           b: wp.baseAddress!, ldb: fanIn, beta: biases == nil ? 0 : 1, c: out.baseAddress!, ldc: fanOut)
            } }
        }
        return record(y, inputs: [x] + weights + (biases ?? [])) { [stacked, pool] out in
            out.withOutputGrad { dy in
                if x.needsGrad {
                    x.withGrad { dx in stacked.withUnsafeBufferPointer { wp in
                        BLAS.sgemm(m: rows, n: fanIn, k: fanOut, a: dy.baseAddress!, lda: fanOut,
                                   b: wp.baseAddress!, ldb: fanIn, beta: 1, c: dx.baseAddress!, ldc: fanIn)
                    } }
                }
                if weights.count == 1, weights[0].needsGrad {
                    weights[0].withGrad { dw in x.withValue { xp in
                        BLAS.sgemm(transposeA: true, m: fanOut, n: fanIn, k: rows, a: dy.baseAddress!, lda: fanOut,
                                   b: xp.baseAddress!, ldb: fanIn, beta: 1, c: dw.baseAddress!, ldc: fanIn)
                    } }
                } else if weights.contains(where: \.needsGrad) {
                    // The stacked dW in one product, then each block added to its weight's gradient.
                    var dStacked = pool.take(fanOut * fanIn)
                    dStacked.withUnsafeMutableBufferPointer { ds in
                        x.withValue { xp in
                            BLAS.sgemm(transposeA: true, m: fanOut, n: fanIn, k: rows, a: dy.baseAddress!, lda: fanOut,
                                       b: xp.baseAddress!, ldb: fanIn, c: ds.baseAddress!, ldc: fanIn)
                        }
                        for (w, start) in zip(weights, starts) where w.needsGrad {
                            w.withGrad { dw in
                                let src = ds.baseAddress! + start * fanIn
                                for e in 0..<dw.count { dw[e] += src[e] }
                            }
                        }
                    }
                    pool.give(dStacked)
                }
                for (bias, start) in zip(biases ?? [], starts) where bias.needsGrad {
                    bias.withGrad { db in
                        let n = db.count
                        for r in 0..<rows {
                            let row = dy.baseAddress! + r * fanOut + start
                            for j in 0..<n { db[j] += row[j] }
                        }
                    }
                }
            }
        }
    }
}

/// The shapes of a (batched) product C = op(A)·op(B) and its forward/backward `sgemm` calls.
struct Product {
    let batch, m, n, k: Int
    let transposeA, transposeB: Bool

    func forward(_ a: Variable, _ b: Variable, shape: [Int], on tape: Tape) -> Tensor {
        tape.filled(shape) { c in
            a.withValue { ap in b.withValue { bp in
                BLAS.sgemmBatched(batch: batch, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  a: ap.baseAddress!, b: bp.baseAddress!, c: c.baseAddress!)
            } }
        }
    }

    /// dA = dC·op(B)ᵀ (stored transposed when A was), dB = op(A)ᵀ·dC (likewise), accumulated.
    func backward(_ a: Variable, _ b: Variable, _ c: Variable) {
        c.withOutputGrad { dc in
            if a.needsGrad {
                a.withGrad { da in b.withValue { bp in
                    if transposeA {  // A stored [k, m]: dAᵀ = op(B)·dCᵀ
                        BLAS.sgemmBatched(batch: batch, transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                                          a: bp.baseAddress!, b: dc.baseAddress!, beta: 1, c: da.baseAddress!)
                    } else {
                        BLAS.sgemmBatched(batch: batch, transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                                          a: dc.baseAddress!, b: bp.baseAddress!, beta: 1, c: da.baseAddress!)
                    }
                } }
            }
            if b.needsGrad {
                b.withGrad { db in a.withValue { ap in
                    if transposeB {  // B stored [n, k]: dBᵀ = dCᵀ·op(A)
                        BLAS.sgemmBatched(batch: batch, transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                                          a: dc.baseAddress!, b: ap.baseAddress!, beta: 1, c: db.baseAddress!)
                    } else {
                        BLAS.sgemmBatched(batch: batch, transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                                          a: ap.baseAddress!, b: dc.baseAddress!, beta: 1, c: db.baseAddress!)
                    }
                } }
            }
        }
    }
}
