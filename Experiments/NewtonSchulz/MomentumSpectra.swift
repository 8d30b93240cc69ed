import ReproData
import ReproNumerics
import ReproOptim

/// Real Muon inputs for the docstring claim: the Nesterov momentum matrices of an MLP trained
/// with Muon, pushed through Jordan's five quintics, with every output singular value kept.
///
/// Gaussian matrices are the wrong test of "S′ᵢᵢ ~ Uniform(0.5, 1.5)": whether a square
/// Gaussian's σ_min/‖G‖_F falls below Jordan's capture threshold (≈ 1.07·10⁻³) is a coin flip.
/// Momentum matrices are what Muon actually orthogonalises.
struct MomentumSpectra {
    /// Student MLP widths (input, hidden…, output); its hidden matrices are the ones measured.
    var sizes: [Int]
    var steps: Int
    var batch: Int
    var lr: Float
    /// Steps (1-based) after whose gradient the momentum matrices are recorded.
    var checkpoints: [Int]

    struct Outcome {
        /// Output singular values of NS(momentum) inside [0.5, 1.5], of all recorded.
        var inside = 0, total = 0
        /// Recorded matrices whose whole output spectrum lies in [0.5, 1.5].
        var matricesInside = 0, matrices = 0
        /// Smallest and largest output singular value over every recorded matrix.
        var smallest = Double.infinity, largest = 0.0
    }

    /// Teacher–student regression: a fixed random tanh teacher (seeded) labels Gaussian inputs;
    /// the student is trained by Muon with the reference defaults (μ 0.95, Nesterov) at `lr`.
    func run(seed: UInt64, check: (Int) throws -> Void) throws -> Outcome {
        let teacher = TeacherNetwork(widths: [sizes.first!, 32, sizes.last!], seed: seed)
        let student = MLP(sizes: sizes, activation: .relu, seed: seed)
        var optimiser = Muon()
        var rng = RNG(seed: seed, stream: RNG.Stream.batches)
        let matrices = student.parameters.filter(Muon.isMatrix)
        // Our own copy of Muon's momentum buffer, m ← m + (1 − μ)(g − m), for reading u.
        var momentum = matrices.map { [Float](repeating: 0, count: $0.value.count) }
        let mu = optimiser.momentum
        var outcome = Outcome()
        for step in 1...steps {
            let (x, y) = teacher.regressionSample(count: batch, rng: &rng)
            student.zeroGrad()
            let tape = Tape()
            tape.backward(tape.mse(student.forward(tape.constant(x), on: tape), tape.constant(y)))
            for (i, p) in matrices.enumerated() {
                let g = p.grad.data
                for j in g.indices { momentum[i][j] += (1 - mu) * (g[j] - momentum[i][j]) }
                guard checkpoints.contains(step) else { continue }
                let u = g.indices.map { g[$0] + mu * (momentum[i][$0] - g[$0]) }
                let sigmas = Self.orthogonalisedSpectrum(u, rows: p.value.rows, cols: p.value.cols)
                let inside = sigmas.filter { $0 >= 0.5 && $0 <= 1.5 }.count
                outcome.inside += inside
                outcome.total += sigmas.count
                outcome.matrices += 1
                if inside == sigmas.count { outcome.matricesInside += 1 }
                outcome.smallest = min(outcome.smallest, sigmas.min()!)
                outcome.largest = max(outcome.largest, sigmas.max()!)
            }
            try optimiser.step(student.parameters, lr: lr)
            try check(step)
        }
        return outcome
    }

    /// Singular values of Jordan's NS applied to `u` (X₀ = u/(‖u‖_F + ε), five quintics, Float32).
    static func orthogonalisedSpectrum(_ u: [Float], rows: Int, cols: Int) -> [Double] {
        var x = u
        var workspace = NewtonSchulz.Workspace()
        NewtonSchulz.orthogonalize(&x, rows: rows, cols: cols, schedule: .jordan, epsilon: 1e-7, workspace: &workspace)
        return MatrixCheck(rows: rows, cols: cols).singularValues(x).map(Double.init)
    }
}
