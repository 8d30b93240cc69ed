/// von Oswald et al. 2023 §3 (p. 5), averaged over validation tasks:
/// (1) prediction difference mean|ŷ_A − ŷ_B|, (2) cosine between the sensitivities ∂ŷ/∂x_q,
/// (3) their difference mean‖∂ŷ_A/∂x_q − ∂ŷ_B/∂x_q‖₂ (code `analyse` in src/train.py, which adds
/// 1e-8 to the norms in the cosine; we do the same so a zero sensitivity gives cosine 0).
/// Each is a mean over tasks, kept per task so that it carries its sampling error.
struct Agreement {
    /// Per task: |ŷ_A − ŷ_B|, ‖s_A − s_B‖ and cos(s_A, s_B), s = ∂ŷ/∂x_q.
    var predictionDifferences: [Double] = []
    var sensitivityDifferences: [Double] = []
    var cosines: [Double] = []

    init(_ a: Readout, _ b: Readout) {
        let n = a.predictions.count, d = a.sensitivities.count / n
        precondition(b.predictions.count == n && b.sensitivities.count == n * d, "agreement: readouts of different tasks")
        for t in 0..<n {
            var ab = 0.0, aa = 0.0, bb = 0.0, dd = 0.0
            for j in 0..<d {
                let x = a.sensitivities[t * d + j], y = b.sensitivities[t * d + j]
                ab += x * y; aa += x * x; bb += y * y; dd += (x - y) * (x - y)
            }
            predictionDifferences.append(abs(a.predictions[t] - b.predictions[t]))
            sensitivityDifferences.append(dd.squareRoot())
            cosines.append(ab / ((aa.squareRoot() + 1e-8) * (bb.squareRoot() + 1e-8)))
        }
    }

    var predictionDifference: TaskEstimate { TaskEstimate(mean: predictionDifferences) }
    var sensitivityDifference: TaskEstimate { TaskEstimate(mean: sensitivityDifferences) }
    var cosine: TaskEstimate { TaskEstimate(mean: cosines) }
}

extension LinearSelfAttention {
    /// ŷ and ∂ŷ/∂x_q on `tasks`, in one forward pass over the tokens with d probe queries.
    ///
    /// Keys and values exclude query tokens, so every layer maps a query token e by a task-wise
    /// linear map e ← (I + G_b)·e; hence ŷ is linear in e_q = (x_q, 0) and ∂ŷ/∂x_q[k] is exactly the
    /// prediction for the probe query (e_k, 0) (ŷ(0) = 0). Exact up to Float32 rounding.
    func readout(_ tasks: RegressionTasks) -> Readout {
        let d = tasks.inputs, per = d + 1
        let y = predictions(tasks.tokens(probes: true), batch: tasks.count)
        var r = Readout(predictions: [], sensitivities: [])
        for t in 0..<tasks.count {
            r.predictions.append(Double(y[t * per]))
            r.sensitivities += y[(t * per + 1)..<((t + 1) * per)].map(Double.init)
        }
        return r
    }

    /// ŷ only (no probes), for training-time losses and the order probe.
    func predict(_ tasks: RegressionTasks) -> [Double] {
        predictions(tasks.tokens(probes: false), batch: tasks.count).map(Double.init)
    }

    /// The GD step size implied by trained one-layer weights (§2 "uniqueness": only P·W_V and
    /// W_Kᵀ·W_Q matter): the y-row of P·W_V acts on the context's y with coefficient a_yy and
    /// W_Kᵀ·W_Q's x-block is ≈ β·I with β = mean of its diagonal, so ŷ ≈ −a_yy·β·Σ y_i x_iᵀx_q and
    /// η = −N·a_yy·β. Also returns how far the x-block is from β·I (relative Frobenius norm).
    func impliedRate() -> (rate: Double, offIdentity: Double) {
        let dd = dimension, d = dd - 1, layer = layers[0]
        let p = layer.projection.value.data, v = layer.value.value.data
        let k = layer.key.value.data, q = layer.query.value.data
        // a_yy = (P·W_V)[d, d] = Σ_m P[d, m]·W_V[m, d].
        let ayy = (0..<dd).reduce(0.0) { $0 + Double(p[d * dd + $1]) * Double(v[$1 * dd + d]) }
        // M = W_Kᵀ·W_Q, x-block M[j, l] = Σ_m W_K[m, j]·W_Q[m, l], j, l < d.
        var m = [Double](repeating: 0, count: d * d)
        for j in 0..<d { for l in 0..<d { m[j * d + l] = (0..<dd).reduce(0.0) { $0 + Double(k[$1 * dd + j]) * Double(q[$1 * dd + l]) } } }
        let beta = (0..<d).reduce(0.0) { $0 + m[$1 * d + $1] } / Double(d)
        var off = 0.0, total = 0.0
        for j in 0..<d { for l in 0..<d {
            let e = m[j * d + l] - (j == l ? beta : 0)
            off += e * e; total += m[j * d + l] * m[j * d + l]
        } }
        return (-Double(context) * ayy * beta, (off / max(total, 1e-300)).squareRoot())
    }
}
