extension Tape {
    /// The same elements under a new shape (no copy: the storage is shared copy-on-write).
    public func reshape(_ x: Variable, _ shape: [Int]) -> Variable {
        precondition(shape.reduce(1, *) == x.value.count, "reshape: \(x.shape) has \(x.value.count) elements, not \(shape)")
        return record(Tensor(shape: shape, data: x.value.data), x) { out in
            out.withOutputGrad { g in x.withGradAssigningFirst { dx, fresh in
                if fresh { dx.baseAddress!.update(from: g.baseAddress!, count: dx.count) } else { for i in 0..<dx.count { dx[i] += g[i] } }
            } }
        }
    }

    /// [B, T, H·D] → [B, H, T, D]: splits the model dimension into `heads` contiguous slices.
    public func splitHeads(_ x: Variable, heads: Int) -> Variable {
        precondition(x.shape.count == 3 && x.shape[2] % heads == 0, "splitHeads: \(x.shape) not divisible into \(heads) heads")
        let (b, t, d) = (x.shape[0], x.shape[1], x.shape[2] / heads)
        return swapMiddle(x, [b, t, heads, d])
    }

    /// [B, H, T, D] → [B, T, H·D]: the inverse of `splitHeads`.
    public func mergeHeads(_ x: Variable) -> Variable {
        precondition(x.shape.count == 4, "mergeHeads: expected [B, H, T, D], got \(x.shape)")
        let (b, h, t, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let y = swapMiddle(x, [b, h, t, d])
        return reshape(y, [b, t, h * d])
    }

    /// Reads x as [n, p, q, d] and returns [n, q, p, d]; the pullback is the same permutation.
    private func swapMiddle(_ x: Variable, _ dims: [Int]) -> Variable {
        let (n, p, q, d) = (dims[0], dims[1], dims[2], dims[3])
        let y = filled([n, q, p, d]) { out in
            x.withValue { xs in Self.swapMiddle(xs.baseAddress!, out.baseAddress!, n, p, q, d, accumulate: false) }
        }
        return record(y, x) { out in
            out.withOutputGrad { g in x.withGradAssigningFirst { dx, fresh in
                Self.swapMiddle(g.baseAddress!, dx.baseAddress!, n, q, p, d, accumulate: !fresh)
            } }
        }
    }

    private static func swapMiddle(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                   _ n: Int, _ p: Int, _ q: Int, _ d: Int, accumulate: Bool) {
        // Each (i, j) block of q·d source elements lands in distinct destination rows.
        Parallel.forEach(n * p, grain: max(1, Parallel.elementGrain / max(q * d, 1))) { range in
            let (src, dst) = (src, dst)
            for ij in range {
                let (i, j) = ij.quotientAndRemainder(dividingBy: p)
                for k in 0..<q {
                    let s = src + ((i * p + j) * q + k) * d
                    let t = dst + ((i * q + k) * p + j) * d
                    if accumulate { for e in 0..<d { t[e] += s[e] } } else { t.update(from: s, count: d) }
                }
            }
        }
    }

    /// Rows of `table` [V, d] picked by `indices`: out[i, :] = table[indices[i], :], shaped
    /// `shape + [d]` (shape defaults to [indices.count]). Pullback: scatter-add in index order.
    public func embedding(_ table: Variable, indices: [Int32], shape: [Int]? = nil) -> Variable {
        precondition(table.shape.count == 2, "embedding: table must be [V, d], got \(table.shape)")
        let (vocab, d) = (table.shape[0], table.shape[1])
        let outShape = (shape ?? [indices.count]) + [d]
        precondition(outShape.reduce(1, *) == indices.count * d, "embedding: shape \(shape ?? []) does not hold \(indices.count) indices")
        let y = filled(outShape) { out in
            table.withValue { t in
                for (i, index) in indices.enumerated() {
                    let row = Int(index)
                    precondition(row >= 0 && row < vocab, "embedding: index \(row) outside 0..<\(vocab)")
                    (out.baseAddress! + i * d).update(from: t.baseAddress! + row * d, count: d)
                }
            }
        }
        return record(y, table) { out in
            out.withOutputGrad { g in table.withGrad { dt in
                for (i, index) in indices.enumerated() {
                    let src = g.baseAddress! + i * d, dst = dt.baseAddress! + Int(index) * d
                    for e in 0..<d { dst[e] += src[e] }
                }
            } }
        }
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public func concat(_ xs: [Variable], axis: Int) -> Variable {
        precondition(!xs.isEmpty, "concat: no inputs")
        let axes = xs.map { Axis($0.shape, axis) }
        let a0 = axes[0]
        for (x, a) in zip(xs, axes) {
            precondition(a.outer == a0.outer && a.inner == a0.inner && x.shape.count == xs[0].shape.count,
                         "concat: \(x.shape) does not match \(xs[0].shape) off axis \(axis)")
        }
        let total = axes.reduce(0) { $0 + $1.length }
        var shape = xs[0].shape
        shape[a0.index] = total
        let inner = a0.inner
        let y = filled(shape) { out in
            var offset = 0
            for (x, a) in zip(xs, axes) {
                x.withValue { src in
                    for o in 0..<a.outer {
                        (out.baseAddress! + (o * total + offset) * inner).update(from: src.baseAddress! + o * a.length * inner, count: a.length * inner)
                    }
                }
                offset += a.length
            }
        }
        return record(y, inputs: xs) { out in
            out.withOutputGrad { g in
                var offset = 0
                for (x, a) in zip(xs, axes) {
                    if x.needsGrad {
                        x.withGrad { dx in
                            for o in 0..<a.outer {
                                let src = g.baseAddress! + (o * total + offset) * inner, dst = dx.baseAddress! + o * a.length * inner
                                for e in 0..<(a.length * inner) { dst[e] += src[e] }
                            }
                        }
                    }
                    offset += a.length
                }
            }
        }
    }

    /// The elements with index in `range` along `axis`.
    public func slice(_ x: Variable, axis: Int, _ range: Range<Int>) -> Variable {
        let a = Axis(x.shape, axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= a.length, "slice: \(range) outside 0..<\(a.length)")
        var shape = x.shape
        shape[a.index] = range.count
        let width = range.count * a.inner, start = range.lowerBound * a.inner
        let y = filled(shape) { out in
            x.withValue { xs in
                for o in 0..<a.outer {
                    (out.baseAddress! + o * width).update(from: xs.baseAddress! + o * a.length * a.inner + start, count: width)
                }
            }
        }
        return record(y, x) { out in
            out.withOutputGrad { g in x.withGrad { dx in
                for o in 0..<a.outer {
                    let src = g.baseAddress! + o * width, dst = dx.baseAddress! + o * a.length * a.inner + start
                    for e in 0..<width { dst[e] += src[e] }
                }
            } }
        }
    }
}
