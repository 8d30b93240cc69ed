import RealModule

/// How the second operand of a binary op is laid against the first, viewed as [rows, cols]
/// (leading dimensions folded into rows).
enum Broadcast {
    /// Same shape: b[r, c].
    case same
    /// b's shape is a trailing part of a's (leading 1s ignored) spanning `period` rows, repeated
    /// over the leading dimensions: b[r mod period, c]. A row vector [cols] is period 1; position
    /// embeddings [T, d] against activations [B, T, d] are period T.
    case tiled(period: Int)
    /// One column [..., 1] with one entry per row: b[r].
    case column
    /// A single element: b[0].
    case scalar

    init(_ a: [Int], _ b: [Int], op: String) {
        let rows = a.dropLast().reduce(1, *)
        let trimmed = Array(b.drop { $0 == 1 })
        if a == b { self = .same }
        else if b.reduce(1, *) == 1 { self = .scalar }
        else if !trimmed.isEmpty && a.suffix(trimmed.count).elementsEqual(trimmed) { self = .tiled(period: trimmed.dropLast().reduce(1, *)) }
        else if b.last == 1 && b.reduce(1, *) == rows { self = .column }
        else { preconditionFailure("\(op): cannot broadcast \(b) against \(a)") }
    }

    /// Offset of row r in b and the stride between columns.
    @inline(__always) func rowStart(_ r: Int, cols: Int) -> (Int, Int) {
        switch self {
        case .same: (r * cols, 1)
        case .tiled(let period): ((r % period) * cols, 1)
        case .column: (r, 0)
        case .scalar: (0, 0)
        }
    }
}

extension Tape {
    /// a + b, with b the same shape, a trailing part of a's shape (a row [cols], or [T, d]
    /// against [B, T, d]), a column [..., 1] or a scalar; see `Broadcast`.
    public func add(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, Add.self) }

    /// a − b, with b broadcast as in `add`.
    public func sub(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, Subtract.self) }

    /// a ⊙ b, with b broadcast as in `add`.
    public func mul(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, Multiply.self) }

    /// a ⊘ b, with b broadcast as in `add`. ∂/∂b = −a/b².
    public func div(_ a: Variable, _ b: Variable) -> Variable { binary(a, b, Divide.self) }

    /// s·x for a constant s.
    public func scale(_ x: Variable, _ s: Float) -> Variable {
        let y = filled(x.shape) { out in x.withValue { xs in
            Parallel.forEach(xs.count, grain: Parallel.elementGrain) { range in let (out, xs) = (out, xs); for i in range { out[i] = s * xs[i] } }
        } }
        return record(y, x) { out in
            out.withOutputGrad { g in x.withGradAssigningFirst { dx, fresh in
                Parallel.forEach(dx.count, grain: Parallel.elementGrain) { range in
                    let (dx, g) = (dx, g)
                    if fresh { for i in range { dx[i] = s * g[i] } } else { for i in range { dx[i] += s * g[i] } }
                }
            } }
        }
    }

    /// max(x, 0); the derivative at 0 is taken as 0 (PyTorch's convention).
    public func relu(_ x: Variable) -> Variable { unary(x, ReLU.self) }

    /// GELU, tanh approximation (Hendrycks & Gimpel 2016; PyTorch `approximate="tanh"`):
    /// ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), with `FastMath.tanh`.
    public func gelu(_ x: Variable) -> Variable { unary(x, GELU.self) }

    /// tanh x (`FastMath.tanh`, absolute error < 4·10⁻⁷); derivative 1 − tanh².
    public func tanh(_ x: Variable) -> Variable { unary(x, Tanh.self) }

    /// eˣ (`FastMath.exp`, relative error < 3·10⁻⁷); derivative eˣ.
    public func exp(_ x: Variable) -> Variable { unary(x, Exp.self) }

    /// Natural logarithm; derivative 1/x.
    public func log(_ x: Variable) -> Variable { unary(x, Log.self) }

    /// y = F(x) elementwise; the pullback adds g·F′(x) into dx. When recording, F′(x) is
    /// computed alongside F(x) and kept, so the pullback is one multiply-add per element.
    /// Generic over `F` so each function is specialised and its loops vectorise.
    func unary<F: UnaryFunction>(_ x: Variable, _: F.Type) -> Variable {
        let grain = Parallel.elementGrain
        guard isRecording && x.needsGrad else {
            return record(filled(x.shape) { out in x.withValue { xs in
                Parallel.forEach(xs.count, grain: grain) { range in let (out, xs) = (out, xs); for i in range { out[i] = F.value(xs[i]) } }
            } }, x) { _ in }
        }
        var derivative = pool.take(x.value.count)
        let y = filled(x.shape) { out in
            x.withValue { xs in derivative.withUnsafeMutableBufferPointer { d in
                Parallel.forEach(xs.count, grain: grain) { range in
                    let (out, d, xs) = (out, d, xs)
                    for i in range { (out[i], d[i]) = F.valueAndDerivative(xs[i]) }
                }
            } }
        }
        keep(derivative)
        return record(y, x) { [derivative] out in
            out.withOutputGrad { g in derivative.withUnsafeBufferPointer { d in x.withGradAssigningFirst { dx, fresh in
                Parallel.forEach(dx.count, grain: grain) { range in
                    let (dx, g, d) = (dx, g, d)
                    if fresh { for i in range { dx[i] = g[i] * d[i] } } else { for i in range { dx[i] += g[i] * d[i] } }
                }
            } } }
        }
    }

    /// z = F(a, b) with b broadcast; the pullback adds g·∂F/∂a into da and reduces g·∂F/∂b over
    /// the broadcast dimension (rows in increasing order) into db. Rows run in parallel except
    /// for db of a tiled or scalar b, whose rows share entries.
    func binary<F: BinaryFunction>(_ a: Variable, _ b: Variable, _: F.Type) -> Variable {
        let mode = Broadcast(a.shape, b.shape, op: F.name)
        let rows = a.value.rows, cols = a.value.cols
        let rowGrain = max(1, Parallel.elementGrain / max(cols, 1))
        let z = filled(a.shape) { out in
            a.withValue { xs in b.withValue { ys in
                Parallel.forEach(rows, grain: rowGrain) { rowRange in let (out, xs, ys) = (out, xs, ys); for r in rowRange {
                    let (start, stride) = mode.rowStart(r, cols: cols)
                    let o = out.baseAddress! + r * cols, x = xs.baseAddress! + r * cols, y = ys.baseAddress! + start
                    if stride == 1 { for c in 0..<cols { o[c] = F.value(x[c], y[c]) } }
                    else { let yc = y[0]; for c in 0..<cols { o[c] = F.value(x[c], yc) } }
                } }
            } }
        }
        return record(z, a, b) { out in
            out.withOutputGrad { gs in a.withValue { xs in b.withValue { ys in
                if a.needsGrad {
                    a.withGradAssigningFirst { dxs, fresh in
                        Parallel.forEach(rows, grain: rowGrain) { rowRange in let (dxs, gs, xs, ys) = (dxs, gs, xs, ys); for r in rowRange {
                            let (start, stride) = mode.rowStart(r, cols: cols)
                            let g = gs.baseAddress! + r * cols, x = xs.baseAddress! + r * cols
                            let y = ys.baseAddress! + start, dx = dxs.baseAddress! + r * cols
                            switch (stride == 1, fresh) {
                            case (true, true): for c in 0..<cols { dx[c] = g[c] * F.derivativeA(x[c], y[c]) }
                            case (true, false): for c in 0..<cols { dx[c] += g[c] * F.derivativeA(x[c], y[c]) }
                            case (false, true): let yc = y[0]; for c in 0..<cols { dx[c] = g[c] * F.derivativeA(x[c], yc) }
                            case (false, false): let yc = y[0]; for c in 0..<cols { dx[c] += g[c] * F.derivativeA(x[c], yc) }
                            }
                        } }
                    }
                }
                if b.needsGrad, case .same = mode {
                    b.withGradAssigningFirst { dys, fresh in
                        Parallel.forEach(rows, grain: rowGrain) { rowRange in let (dys, gs, xs, ys) = (dys, gs, xs, ys); for r in rowRange {
                            let o = r * cols
                            let g = gs.baseAddress! + o, x = xs.baseAddress! + o, y = ys.baseAddress! + o, dy = dys.baseAddress! + o
                            if fresh { for c in 0..<cols { dy[c] = g[c] * F.derivativeB(x[c], y[c]) } }
                            else { for c in 0..<cols { dy[c] += g[c] * F.derivativeB(x[c], y[c]) } }
                        } }
                    }
                } else if b.needsGrad {
                    b.withGrad { dys in
                        // Rows write disjoint parts of db only when b is not shared between rows.
                        let disjoint = switch mode { case .same, .column: true; case .tiled, .scalar: false }
                        Parallel.forEach(rows, grain: disjoint ? rowGrain : rows + 1) { rowRange in
                            let (dys, gs, xs, ys) = (dys, gs, xs, ys)
                            for r in rowRange {
                                let (start, stride) = mode.rowStart(r, cols: cols)
                                let g = gs.baseAddress! + r * cols, x = xs.baseAddress! + r * cols
                                let y = ys.baseAddress! + start, dy = dys.baseAddress! + start
                                if stride == 1 {
                                    for c in 0..<cols { dy[c] += g[c] * F.derivativeB(x[c], y[c]) }
                                } else {
                                    var s: Float = 0
                                    let yc = y[0]
                                    for c in 0..<cols { s += g[c] * F.derivativeB(x[c], yc) }
                                    dy[0] += s
                                }
                            }
                        }
                    }
                }
            } } }
        }
    }
}

/// An elementwise function with its derivative, written as static members so generic loops
/// specialise and vectorise.
protocol UnaryFunction {
    static func value(_ x: Float) -> Float
    /// f(x) and f′(x) together (sharing work such as the tanh inside GELU).
    static func valueAndDerivative(_ x: Float) -> (Float, Float)
}

enum ReLU: UnaryFunction {
    @inline(__always) static func value(_ x: Float) -> Float { max(x, 0) }
    @inline(__always) static func valueAndDerivative(_ x: Float) -> (Float, Float) { x > 0 ? (x, 1) : (0, 0) }
}

enum GELU: UnaryFunction {
    /// √(2/π) and the cubic coefficient of the tanh approximation.
    @inline(__always) static var c: Float { 0.797_884_560_802_865_4 }
    @inline(__always) static var a: Float { 0.044_715 }
    @inline(__always) static func value(_ x: Float) -> Float {
        0.5 * x * (1 + FastMath.tanh(c * (x + a * x * x * x)))
    }
    @inline(__always) static func valueAndDerivative(_ x: Float) -> (Float, Float) {
        let t = FastMath.tanh(c * (x + a * x * x * x))
        return (0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * a * x * x))
    }
}

enum Tanh: UnaryFunction {
    @inline(__always) static func value(_ x: Float) -> Float { FastMath.tanh(x) }
    @inline(__always) static func valueAndDerivative(_ x: Float) -> (Float, Float) {
        let y = FastMath.tanh(x)
        return (y, 1 - y * y)
    }
}

enum Exp: UnaryFunction {
    @inline(__always) static func value(_ x: Float) -> Float { FastMath.exp(x) }
    @inline(__always) static func valueAndDerivative(_ x: Float) -> (Float, Float) { let y = FastMath.exp(x); return (y, y) }
}

enum Log: UnaryFunction {
    @inline(__always) static func value(_ x: Float) -> Float { Float.log(x) }
    @inline(__always) static func valueAndDerivative(_ x: Float) -> (Float, Float) { (Float.log(x), 1 / x) }
}

/// z = f(a, b) with both partial derivatives.
protocol BinaryFunction {
    static var name: String { get }
    static func value(_ a: Float, _ b: Float) -> Float
    static func derivativeA(_ a: Float, _ b: Float) -> Float
    static func derivativeB(_ a: Float, _ b: Float) -> Float
}

enum Add: BinaryFunction {
    static let name = "add"
    @inline(__always) static func value(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func derivativeA(_ a: Float, _ b: Float) -> Float { 1 }
    @inline(__always) static func derivativeB(_ a: Float, _ b: Float) -> Float { 1 }
}

enum Subtract: BinaryFunction {
    static let name = "sub"
    @inline(__always) static func value(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) static func derivativeA(_ a: Float, _ b: Float) -> Float { 1 }
    @inline(__always) static func derivativeB(_ a: Float, _ b: Float) -> Float { -1 }
}

enum Multiply: BinaryFunction {
    static let name = "mul"
    @inline(__always) static func value(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) static func derivativeA(_ a: Float, _ b: Float) -> Float { b }
    @inline(__always) static func derivativeB(_ a: Float, _ b: Float) -> Float { a }
}

enum Divide: BinaryFunction {
    static let name = "div"
    @inline(__always) static func value(_ a: Float, _ b: Float) -> Float { a / b }
    @inline(__always) static func derivativeA(_ a: Float, _ b: Float) -> Float { 1 / b }
    @inline(__always) static func derivativeB(_ a: Float, _ b: Float) -> Float { -a / (b * b) }
}
