extension Tape {
    /// Layer normalisation over the last axis (Ba et al. 2016):
    /// x̂ = (x − μ)/√(σ² + ε) with the biased variance σ², then y = x̂ ⊙ γ + β.
    /// `gain` γ and `bias` β are [d] and optional. Pullback (llm.c's form):
    /// dx = (1/σ̃)·(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂)) with dx̂ = g ⊙ γ.
    public func layerNorm(_ x: Variable, gain: Variable? = nil, bias: Variable? = nil, epsilon: Float = 1e-5) -> Variable {
        normalise(x, gain: gain, bias: bias, epsilon: epsilon, centred: true)
    }

    /// RMS normalisation over the last axis (Zhang & Sennrich 2019): y = x/√(mean(x²) + ε) ⊙ γ.
    /// Pullback: dx = (1/r)·(dx̂ − x̂·mean(dx̂ ⊙ x̂)) with dx̂ = g ⊙ γ.
    public func rmsNorm(_ x: Variable, gain: Variable? = nil, epsilon: Float = 1e-5) -> Variable {
        normalise(x, gain: gain, bias: nil, epsilon: epsilon, centred: false)
    }

    private func normalise(_ x: Variable, gain: Variable?, bias: Variable?, epsilon: Float, centred: Bool) -> Variable {
        let rows = x.value.rows, d = x.value.cols
        let rowGrain = max(1, Parallel.elementGrain / max(d, 1))
        for p in [gain, bias].compactMap({ $0 }) { precondition(p.value.count == d, "norm: parameter \(p.shape) does not match width \(d)") }
        // Saved for the pullback: x̂ [rows, d] and 1/σ̃ per row.
        var normalised = pool.take(rows * d), inverseScale = pool.take(rows)
        let gamma = gain?.value.data ?? [Float](repeating: 1, count: d)
        let beta = bias?.value.data ?? [Float](repeating: 0, count: d)
        let y = filled(x.shape) { out in
            x.withValue { xs in normalised.withUnsafeMutableBufferPointer { xh in inverseScale.withUnsafeMutableBufferPointer { inv in
                gamma.withUnsafeBufferPointer { g in beta.withUnsafeBufferPointer { b in
                    Parallel.forEach(rows, grain: rowGrain) { rowRange in let (xs, xh, inv, out, g, b) = (xs, xh, inv, out, g, b); for r in rowRange {
                        let xr = xs.baseAddress! + r * d, hr = xh.baseAddress! + r * d, yr = out.baseAddress! + r * d
                        let mu = centred ? Reduce.sum(xr, d) / Float(d) : 0
                        let s = 1 / (Reduce.squaredDeviation(xr, mu, d) / Float(d) + epsilon).squareRoot()
                        inv[r] = s
                        for j in 0..<d { let h = (xr[j] - mu) * s; hr[j] = h; yr[j] = h * g[j] + b[j] }
                    } }
                } }
            } } }
        }
        keep(normalised)
        keep(inverseScale)
        let inputs = [x] + [gain, bias].compactMap { $0 }
        return record(y, inputs: inputs) { [normalised, inverseScale] out in
            out.withOutputGrad { gs in normalised.withUnsafeBufferPointer { xh in
                if x.needsGrad {
                    x.withGradAssigningFirst { dxs, fresh in gamma.withUnsafeBufferPointer { g in inverseScale.withUnsafeBufferPointer { inv in
                        Parallel.forEach(rows, grain: rowGrain) { rowRange in
                            let (dxs, gs, xh, g, inv) = (dxs, gs, xh, g, inv)
                            // dx̂ = g ⊙ γ of one row, written here first (one scratch row per chunk).
                            let dn = UnsafeMutablePointer<Float>.allocate(capacity: d)
                            defer { dn.deallocate() }
                            for r in rowRange {
                                let gr = gs.baseAddress! + r * d, hr = xh.baseAddress! + r * d, dx = dxs.baseAddress! + r * d
                                for j in 0..<d { dn[j] = gr[j] * g[j] }
                                let meanD = centred ? Reduce.sum(dn, d) / Float(d) : 0
                                let meanDX = Reduce.dot(dn, hr, d) / Float(d)
                                let s = inv[r]
                                if fresh { for j in 0..<d { dx[j] = s * (dn[j] - meanD - hr[j] * meanDX) } }
                                else { for j in 0..<d { dx[j] += s * (dn[j] - meanD - hr[j] * meanDX) } }
                            }
                        }
                    } } }
                }
                if let gain, gain.needsGrad {
                    gain.withGrad { dg in
                        for r in 0..<rows {
                            let gr = gs.baseAddress! + r * d, hr = xh.baseAddress! + r * d
                            for j in 0..<d { dg[j] += gr[j] * hr[j] }
                        }
                    }
                }
                if let bias, bias.needsGrad {
                    bias.withGrad { db in
                        for r in 0..<rows { let gr = gs.baseAddress! + r * d; for j in 0..<d { db[j] += gr[j] } }
                    }
                }
            } }
        }
    }
}
