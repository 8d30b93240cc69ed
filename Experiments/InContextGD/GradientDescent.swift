/// What an in-context learner outputs on a task set: the prediction ŷ for each query and the
/// sensitivity ∂ŷ/∂x_q ([count, d]), the "explicit model" the paper compares (§3).
struct Readout {
    var predictions: [Double]
    var sensitivities: [Double]
}

/// Gradient descent on the in-context least-squares loss L(W) = 1/(2N)·Σ_i (W·x_i − y_i)² from
/// W₀ = 0 (von Oswald et al. 2023, Eq. 2–3), and its GD++ variant (§3, Appendix A.10), in
/// closed form per task, in Float64.
///
/// With S = Σ_i x_i x_iᵀ, b = Σ_i y_i x_i and H = I − γ·S (GD++'s input transform; γ = 0 is plain GD):
///
///     step 1:  W₁ = (η₁/N)·b                               (every token's x ← H·x in the same layer)
///     step 2:  W₂ = W₁ + (η₂/N)·H·(b − S·W₁)               (residuals y_i − W₁·x_i against H·x_i)
///     ŷ = W₁·x_q + (η₂/N)·(H(b − S·W₁))·(H·x_q)  =  η₁·u₁ + η₂·v₀ − η₁η₂·v₁
///
/// with u₁ = b·x_q/N, v₀ = (Hb)·(Hx_q)/N, v₁ = (HSb)·(Hx_q)/N². This is exactly what the paper's
/// constructed two-layer LSA computes (GD++ layer with (η₁, γ), then a GD layer with η₂); the
/// tests check it against `LinearSelfAttention` with `construction` weights.
enum GradientDescent {
    /// Optimal one-step rate for x ~ U(−a, a)^d, w ~ N(0, I), noiseless (derived in the research
    /// notes §5 and re-derived here): E[½(ŷ − y_q)²] = ½σ²[c²·Nd(μ₄ + (N+d−2)σ⁴) − 2cNdσ² + d] with
    /// c = η/N, σ² = a²/3, μ₄ = a⁴/5, minimised at η* = Nσ²/(μ₄ + (N+d−2)σ⁴).
    static func optimalRate(inputs d: Int, context n: Int, halfWidth a: Double) -> (rate: Double, loss: Double) {
        let s2 = a * a / 3, mu4 = a * a * a * a / 5
        let denominator = mu4 + Double(n + d - 2) * s2 * s2
        let rate = Double(n) * s2 / denominator
        let c = rate / Double(n), nd = Double(n * d)
        let loss = 0.5 * s2 * (c * c * nd * denominator - 2 * c * nd * s2 + Double(d))
        return (rate, loss)
    }

    /// Per-task features of the two-step predictor at a given γ (γ = 0: plain GD).
    struct Features {
        var u1: [Double], v0: [Double], v1: [Double]
        var b: [Double], hb: [Double], hsb: [Double], h: [Double]
    }

    static func features(_ tasks: RegressionTasks, gamma: Double) -> Features {
        let d = tasks.inputs, n = tasks.context, nd = Double(n)
        var f = Features(u1: [], v0: [], v1: [], b: [], hb: [], hsb: [], h: [])
        for t in 0..<tasks.count {
            var s = [Double](repeating: 0, count: d * d), b = [Double](repeating: 0, count: d)
            for i in 0..<n {
                let xi = (t * n + i) * d, yi = tasks.y[t * n + i]
                for j in 0..<d {
                    b[j] += yi * tasks.x[xi + j]
                    for k in 0..<d { s[j * d + k] += tasks.x[xi + j] * tasks.x[xi + k] }
                }
            }
            var h = s.map { -gamma * $0 }
            for j in 0..<d { h[j * d + j] += 1 }
            let xq = Array(tasks.query[(t * d)..<((t + 1) * d)])
            let hq = matvec(h, xq, d), hb = matvec(h, b, d), hsb = matvec(h, matvec(s, b, d), d)
            f.u1.append(dot(b, xq) / nd)
            f.v0.append(dot(hb, hq) / nd)
            f.v1.append(dot(hsb, hq) / (nd * nd))
            f.b += b; f.hb += hb; f.hsb += hsb; f.h += h
        }
        return f
    }

    /// ŷ and ∂ŷ/∂x_q of GD++ with (η₁, γ, η₂); η₂ = 0 is one GD step, γ = 0 plain GD.
    static func readout(_ tasks: RegressionTasks, eta1: Double, gamma: Double = 0, eta2: Double = 0) -> Readout {
        let d = tasks.inputs, nd = Double(tasks.context)
        let f = features(tasks, gamma: gamma)
        var r = Readout(predictions: [], sensitivities: [])
        for t in 0..<tasks.count {
            r.predictions.append(eta1 * f.u1[t] + eta2 * f.v0[t] - eta1 * eta2 * f.v1[t])
            // ∂ŷ/∂x_q = (η₁/N)·b + H·((η₂/N)·Hb − (η₁η₂/N²)·HSb), H symmetric.
            let inner = (0..<d).map { j in eta2 / nd * f.hb[t * d + j] - eta1 * eta2 / (nd * nd) * f.hsb[t * d + j] }
            let h = Array(f.h[(t * d * d)..<((t + 1) * d * d)])
            let back = matvec(h, inner, d)
            for j in 0..<d { r.sensitivities.append(eta1 / nd * f.b[t * d + j] + back[j]) }
        }
        return r
    }

    /// The one-step rate minimising the loss on `tasks`: ŷ = η·u₁ is linear in η, so the line
    /// search of the paper (§3, a grid on 10⁴ tasks) has the exact answer η = Σu₁y/Σu₁², a ratio
    /// of two task means (its standard error by the delta method).
    static func fittedRate(_ tasks: RegressionTasks) -> TaskEstimate {
        let f = features(tasks, gamma: 0)
        return TaskEstimate(ratio: zip(f.u1, tasks.target).map(*), f.u1.map { $0 * $0 })
    }

    /// (η₁, η₂) minimising the two-step loss on `tasks` at fixed γ, and that loss.
    /// For fixed η₁ the prediction is linear in η₂ (closed form); η₁ by grid then golden section
    /// on the resulting profile, evaluated from ten moments in O(1) per point.
    static func fittedTwoStep(_ tasks: RegressionTasks, gamma: Double, maxRate: Double) -> (eta1: Double, eta2: Double, loss: Double) {
        let f = features(tasks, gamma: gamma), y = tasks.target
        func sum(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map(*).reduce(0, +) }
        let (v0v0, v0v1, v1v1) = (sum(f.v0, f.v0), sum(f.v0, f.v1), sum(f.v1, f.v1))
        let (v0y, v0u, v1y, v1u) = (sum(f.v0, y), sum(f.v0, f.u1), sum(f.v1, y), sum(f.v1, f.u1))
        let (yy, uy, uu) = (sum(y, y), sum(f.u1, y), sum(f.u1, f.u1))
        let n = Double(tasks.count)
        func profile(_ e1: Double) -> (eta2: Double, loss: Double) {
            let ff = v0v0 - 2 * e1 * v0v1 + e1 * e1 * v1v1
            let fr = v0y - e1 * v0u - e1 * v1y + e1 * e1 * v1u
            let rr = yy - 2 * e1 * uy + e1 * e1 * uu
            guard ff > 0 else { return (0, 0.5 * rr / n) }
            return (fr / ff, 0.5 * (rr - fr * fr / ff) / n)
        }
        let e1 = minimise({ profile($0).loss }, in: 0...maxRate)
        let p = profile(e1)
        return (e1, p.eta2, p.loss)
    }

    /// GD++ (η₁, γ, η₂) minimising the loss on `tasks`: γ by grid then golden section over
    /// [0, maxGamma], the rates by `fittedTwoStep` at each γ.
    static func fittedGDPlusPlus(_ tasks: RegressionTasks, maxGamma: Double, maxRate: Double) -> (eta1: Double, gamma: Double, eta2: Double, loss: Double) {
        let gamma = minimise({ fittedTwoStep(tasks, gamma: $0, maxRate: maxRate).loss }, in: 0...maxGamma, grid: 24, refinements: 20)
        let r = fittedTwoStep(tasks, gamma: gamma, maxRate: maxRate)
        return (r.eta1, gamma, r.eta2, r.loss)
    }

    /// One pass of online SGD over the demonstrations in their order, from w = 0:
    /// w ← w − α·(w·x_i − y_i)·x_i for i = 1…N, then ŷ = w·x_q and ∂ŷ/∂x_q = w.
    static func onlineSGD(_ tasks: RegressionTasks, rate alpha: Double) -> Readout {
        let d = tasks.inputs, n = tasks.context
        var r = Readout(predictions: [], sensitivities: [])
        for t in 0..<tasks.count {
            var w = [Double](repeating: 0, count: d)
            for i in 0..<n {
                let xi = Array(tasks.x[((t * n + i) * d)..<((t * n + i + 1) * d)])
                let e = dot(w, xi) - tasks.y[t * n + i]
                for j in 0..<d { w[j] -= alpha * e * xi[j] }
            }
            r.predictions.append(dot(w, Array(tasks.query[(t * d)..<((t + 1) * d)])))
            r.sensitivities += w
        }
        return r
    }

    /// The online-SGD rate minimising the loss on `tasks` (grid then golden section on [0, maxRate]).
    static func fittedOnlineRate(_ tasks: RegressionTasks, maxRate: Double) -> Double {
        minimise({ tasks.loss(onlineSGD(tasks, rate: $0).predictions) }, in: 0...maxRate, grid: 40, refinements: 24)
    }

    /// The paper's construction (Appendix A.1 and A.10) as LSA weights for one layer, D = d + 1:
    /// W_K = W_Q = [[I, 0], [0, 0]], W_V = [[I, 0], [0, −1]], P = [[−γI, 0], [0, η/N]].
    /// γ = 0 is the plain GD layer (the W_V top-left block then has no effect).
    static func construction(inputs d: Int, context n: Int, eta: Double, gamma: Double = 0)
        -> (query: [Float], key: [Float], value: [Float], projection: [Float]) {
        let dd = d + 1
        var qk = [Float](repeating: 0, count: dd * dd), v = qk, p = qk
        for j in 0..<d {
            qk[j * dd + j] = 1; v[j * dd + j] = 1; p[j * dd + j] = Float(-gamma)
        }
        v[d * dd + d] = -1
        p[d * dd + d] = Float(eta / Double(n))
        return (qk, qk, v, p)
    }

    // MARK: - Small helpers

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map(*).reduce(0, +) }

    static func matvec(_ m: [Double], _ x: [Double], _ d: Int) -> [Double] {
        (0..<d).map { j in (0..<d).reduce(0) { $0 + m[j * d + $1] * x[$1] } }
    }

    /// Minimiser of a one-dimensional function on an interval: the best of `grid` + 1 equally
    /// spaced points, then golden-section search on its neighbouring cell. Finds the global
    /// minimum when the function is unimodal on that cell (checked on the grid, not proved).
    static func minimise(_ f: (Double) -> Double, in range: ClosedRange<Double>, grid: Int = 400, refinements: Int = 40) -> Double {
        let h = (range.upperBound - range.lowerBound) / Double(grid)
        let values = (0...grid).map { f(range.lowerBound + Double($0) * h) }
        let best = values.indices.min { values[$0] < values[$1] }!
        var lo = range.lowerBound + Double(max(best - 1, 0)) * h, hi = range.lowerBound + Double(min(best + 1, grid)) * h
        let g = (5.0.squareRoot() - 1) / 2
        var a = hi - g * (hi - lo), b = lo + g * (hi - lo), fa = f(a), fb = f(b)
        for _ in 0..<refinements {
            if fa < fb { hi = b; b = a; fb = fa; a = hi - g * (hi - lo); fa = f(a) }
            else { lo = a; a = b; fa = fb; b = lo + g * (hi - lo); fb = f(b) }
        }
        let x = (lo + hi) / 2, fx = f(x)
        return fx <= values[best] ? x : range.lowerBound + Double(best) * h
    }
}
