import ReproNumerics

/// The element-wise kernels the optimisers share; each loop is one line of an update equation.
enum Elementwise {
    /// p ← p·factor (decoupled weight decay with factor = 1 − η·λ).
    static func scale(_ p: inout [Float], by factor: Float) {
        if factor == 1 { return }
        p.withUnsafeMutableBufferPointer { p in
            Parallel.forEach(p.count, grain: Parallel.elementGrain) { range in let p = p; for i in range { p[i] *= factor } }
        }
    }

    /// b ← μ·b + g (PyTorch SGD momentum without dampening).
    static func accumulate(_ b: inout [Float], momentum mu: Float, _ g: [Float]) {
        b.withUnsafeMutableBufferPointer { b in
            g.withUnsafeBufferPointer { g in for i in b.indices { b[i] = mu * b[i] + g[i] } }
        }
    }

    /// p ← p − η·d.
    static func descend(_ p: inout [Float], lr: Float, _ d: [Float]) {
        p.withUnsafeMutableBufferPointer { p in
            d.withUnsafeBufferPointer { d in
                Parallel.forEach(p.count, grain: Parallel.elementGrain) { range in let (p, d) = (p, d); for i in range { p[i] -= lr * d[i] } }
            }
        }
    }

    /// g + α·x, elementwise.
    static func sum(_ g: [Float], _ alpha: Float, _ x: [Float]) -> [Float] {
        var out = g
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { x in for i in o.indices { o[i] += alpha * x[i] } }
        }
        return out
    }

    /// √(Σ xᵢ²), accumulated in Double so a large tensor's norm does not lose digits.
    static func norm(_ x: [Float]) -> Float {
        var s: Double = 0
        x.withUnsafeBufferPointer { x in for v in x { s += Double(v) * Double(v) } }
        return Float(s.squareRoot())
    }

    static func allFinite(_ x: [Float]) -> Bool {
        x.withUnsafeBufferPointer { x in
            // A float is non-finite exactly when its exponent bits are all ones, i.e. when
            // |bits| ≥ 0x7F80_0000. An integer max over |bits| has no early exit and no
            // floating-point reassociation, so it vectorises (a sum of floats would not, and
            // could overflow).
            var largest: UInt32 = 0
            for v in x { largest = max(largest, v.bitPattern & 0x7FFF_FFFF) }
            return largest < 0x7F80_0000
        }
    }
}
