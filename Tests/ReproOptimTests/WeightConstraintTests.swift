import RealModule
import ReproNumerics
@testable import ReproOptim
import Testing

/// Gaussian entries N(0, std²) from a fixed stream.
private func gaussian(_ count: Int, seed: UInt64, std: Float = 1) -> [Float] {
    var rng = RNG(seed: seed, stream: RNG.Stream.noise)
    return (0..<count).map { _ in std * rng.normal() }
}

/// A rows×cols matrix U·diag(σ)·Vᵀ with the given singular values (descending) and random
/// orthonormal U, V (polar factors of Gaussian matrices).
private func matrix(rows: Int, cols: Int, singularValues sigma: [Double], seed: UInt64) -> [Float] {
    let s = min(rows, cols)
    precondition(sigma.count == s)
    let u = MatrixSpectrum.polar(gaussian(rows * s, seed: seed).map(Double.init), rows: rows, cols: s)
    let v = MatrixSpectrum.polar(gaussian(cols * s, seed: seed + 1).map(Double.init), rows: cols, cols: s)
    var w = [Float](repeating: 0, count: rows * cols)
    for i in 0..<rows {
        for j in 0..<cols {
            var sum = 0.0
            for k in 0..<s { sum += u[i * s + k] * sigma[k] * v[j * s + k] }
            w[i * cols + j] = Float(sum)
        }
    }
    return w
}

private func start(_ n: Int) -> [Double] { ConstrainedOptimizer.startVector(n) }

@Suite struct WeightConstraintTests {
    /// The Gram-matrix spectrum agrees with a matrix built from known singular values.
    @Test func spectrumOfAKnownMatrix() {
        let sigma = [5.0, 3, 2, 0.5]
        let w = matrix(rows: 4, cols: 9, singularValues: sigma, seed: 1)
        let computed = MatrixSpectrum.singularValues(w, rows: 4, cols: 9)
        for (c, e) in zip(computed, sigma) { #expect(c.isApproximatelyEqual(to: e, relativeTolerance: 1e-5)) }
        let tall = matrix(rows: 9, cols: 4, singularValues: sigma, seed: 2)
        #expect(MatrixSpectrum.spectralNorm(tall, rows: 9, cols: 4).isApproximatelyEqual(to: 5, relativeTolerance: 1e-5))
        #expect(MatrixSpectrum.rmsNorm(tall, rows: 9, cols: 4).isApproximatelyEqual(to: 5 * (4.0 / 9).squareRoot(),
                                                                                   relativeTolerance: 1e-5))
    }

    /// Power iteration never overestimates σ_max and converges on a separated top singular value.
    @Test func powerIterationIsALowerBoundThatConverges() {
        let w = gaussian(24 * 40, seed: 3)
        let exact = MatrixSpectrum.spectralNorm(w, rows: 24, cols: 40)
        for iterations in [1, 4, 16] {
            let estimate = MatrixSpectrum.powerIteration(w, rows: 24, cols: 40, start: start(24), iterations: iterations).sigma
            #expect(estimate <= exact * (1 + 1e-12))
        }
        let separated = matrix(rows: 12, cols: 20, singularValues: [4] + Array(repeating: 1, count: 11), seed: 4)
        let estimate = MatrixSpectrum.powerIteration(separated, rows: 12, cols: 20, start: start(12), iterations: 16).sigma
        #expect(estimate.isApproximatelyEqual(to: 4, relativeTolerance: 1e-6))
    }

    /// Spectral normalisation: the result's RMS→RMS norm is w_max·σ/σ̂ (≤ w_max once the power
    /// iteration has converged); a matrix already inside the ball is untouched.
    @Test func spectralNormalisationGuarantee() {
        let (rows, cols) = (24, 40)
        let s = (Double(rows) / Double(cols)).squareRoot()
        let original = gaussian(rows * cols, seed: 5)
        let sigma = MatrixSpectrum.spectralNorm(original, rows: rows, cols: cols)
        var w = original
        var vector = start(rows)
        WeightConstraint.spectralNormalize(maxNorm: 1).apply(to: &w, rows: rows, cols: cols, powerStart: &vector)
        let estimate = MatrixSpectrum.powerIteration(original, rows: rows, cols: cols, start: start(rows), iterations: 16).sigma
        let after = MatrixSpectrum.rmsNorm(w, rows: rows, cols: cols)
        #expect(after.isApproximatelyEqual(to: sigma / estimate, relativeTolerance: 1e-5))
        // Converged (warm start, many iterations): the bound holds to rounding.
        var converged = original
        var warm = start(rows)
        WeightConstraint.spectralNormalize(maxNorm: 2).apply(to: &converged, rows: rows, cols: cols, powerStart: &warm,
                                                             powerIterations: 2000)
        #expect(MatrixSpectrum.rmsNorm(converged, rows: rows, cols: cols) <= 2 * (1 + 1e-5))
        // Inside the ball: unchanged.
        let small = original.map { $0 * Float(0.5 / (sigma / s)) }
        var copy = small
        WeightConstraint.spectralNormalize(maxNorm: 1).apply(to: &copy, rows: rows, cols: cols, powerStart: &vector)
        #expect(copy == small)
    }

    /// The spectral hammer sets the top singular value to w_max and leaves the others; spectral
    /// weight decay multiplies the top one by (1 − rate).
    @Test func hammerAndSpectralDecayMoveOnlyTheTopSingularValue() {
        let (rows, cols) = (16, 10)
        let s = (Double(rows) / Double(cols)).squareRoot()
        let sigma = [6.0, 2, 1.5, 1, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1]
        let original = matrix(rows: rows, cols: cols, singularValues: sigma, seed: 6)
        var hammered = original
        var v1 = start(cols)
        WeightConstraint.spectralHammer(maxNorm: 3).apply(to: &hammered, rows: rows, cols: cols, powerStart: &v1)
        let after = MatrixSpectrum.singularValues(hammered, rows: rows, cols: cols)
        #expect(after[0].isApproximatelyEqual(to: 3 * s, relativeTolerance: 1e-5))
        for i in 1..<sigma.count { #expect(after[i].isApproximatelyEqual(to: sigma[i], absoluteTolerance: 1e-5)) }

        var decayed = original
        var v2 = start(cols)
        WeightConstraint.spectralWeightDecay(rate: 0.1).apply(to: &decayed, rows: rows, cols: cols, powerStart: &v2)
        let shrunk = MatrixSpectrum.singularValues(decayed, rows: rows, cols: cols)
        #expect(shrunk[0].isApproximatelyEqual(to: 0.9 * 6, relativeTolerance: 1e-5))
        for i in 1..<sigma.count { #expect(shrunk[i].isApproximatelyEqual(to: sigma[i], absoluteTolerance: 1e-5)) }
    }

    /// The coupling sends k = w_max + update to exactly w_max, and α = 0 without an update.
    @Test func softCapCouplingRoot() {
        for (wMax, update) in [(1.0, 0.1), (2.0, 0.05), (6.0, 0.6), (1.0, 0.3)] {
            let alpha = WeightConstraint.softCapStrength(maxNorm: wMax, updateNorm: update)
            let k = wMax + update
            #expect(WeightConstraint.softCapMap(k, alpha: alpha).isApproximatelyEqual(to: wMax, relativeTolerance: 1e-12))
            // The authors' quartic in α vanishes at the root.
            let (k2, a2) = (k * k, alpha * alpha)
            let k5: Double = k2 * k2 * k
            let k7: Double = k5 * k2
            let k9: Double = k7 * k2
            let quartic: Double = -k9 * a2 * a2 + 3 * k7 * a2 * alpha - 3 * k5 * a2 + (k - wMax)
            #expect(abs(quartic) < 1e-10 * k)
        }
        #expect(WeightConstraint.softCapStrength(maxNorm: 3, updateNorm: 0) == 0)
    }

    /// The soft cap's guarantee, exactly as stated: every σ ≤ k maps to ≤ w_max when the update is
    /// within the monotone limit (≈ 0.30·w_max); beyond it some σ < k maps above w_max.
    @Test func softCapScalarGuaranteeAndItsLimit() {
        let betaC = WeightConstraint.softCapMonotoneLimit
        #expect(betaC > 0.3 && betaC < 0.36)
        let limitRatio = 1 / WeightConstraint.softCapPolynomial(betaC) - 1  // largest update / w_max
        #expect(limitRatio > 0.29 && limitRatio < 0.31)
        func peak(wMax: Double, update: Double) -> Double {
            let alpha = WeightConstraint.softCapStrength(maxNorm: wMax, updateNorm: update)
            let k = wMax + update
            return (0...10_000).map { WeightConstraint.softCapMap(k * Double($0) / 10_000, alpha: alpha) }.max()!
        }
        for ratio in [0.01, 0.1, 0.2, 0.29] { #expect(peak(wMax: 2, update: 2 * ratio) <= 2 * (1 + 1e-12)) }
        #expect(peak(wMax: 2, update: 2 * 0.6) > 2.01)
    }

    /// On matrices: a weight whose RMS→RMS singular values are all ≤ k ends with norm ≤ w_max.
    @Test func softCapBoundsMatricesWithinReach() {
        for (rows, cols, seed) in [(16, 16, 7), (12, 30, 8), (40, 10, 9)] {
            let s = (Double(rows) / Double(cols)).squareRoot()
            let (wMax, update) = (1.5, 0.2)
            let k = wMax + update
            let n = min(rows, cols)
            let sigmaM = (0..<n).map { k * (1 - Double($0) / Double(n)) }  // from k down: the worst case included
            var w = matrix(rows: rows, cols: cols, singularValues: sigmaM.map { $0 * s }, seed: UInt64(seed))
            var v = start(n)
            WeightConstraint.softCap(maxNorm: wMax).apply(to: &w, rows: rows, cols: cols, updateNorm: update, powerStart: &v)
            #expect(MatrixSpectrum.rmsNorm(w, rows: rows, cols: cols) <= wMax * (1 + 1e-5))
            #expect(MatrixSpectrum.rmsNorm(w, rows: rows, cols: cols) >= wMax * (1 - 1e-4))
        }
    }

    /// The hard cap clips every RMS→RMS singular value at w_max and keeps the rest.
    @Test func hardCapClipsExactly() {
        let (rows, cols) = (10, 25)
        let s = (Double(rows) / Double(cols)).squareRoot()
        let sigmaM = [4.0, 3, 2.5, 2, 1.2, 1, 0.7, 0.5, 0.2, 0.05]
        var w = matrix(rows: rows, cols: cols, singularValues: sigmaM.map { $0 * s }, seed: 10)
        var v = start(rows)
        WeightConstraint.hardCap(maxNorm: 2).apply(to: &w, rows: rows, cols: cols, powerStart: &v)
        let after = MatrixSpectrum.singularValues(w, rows: rows, cols: cols).map { $0 / s }
        for (a, e) in zip(after, sigmaM.map { min($0, 2) }) { #expect(a.isApproximatelyEqual(to: e, absoluteTolerance: 1e-5)) }
    }

    /// Row RMS capping: rows above the cap end exactly at it, rows below stay.
    @Test func rowRMSCap() {
        var w: [Float] = [3, 4, 0, 0, 0.1, 0.2, 0.1, 0.2]  // row RMS 2.5 and 0.158
        var v = start(2)
        WeightConstraint.rowRMS(maxRMS: 1).apply(to: &w, rows: 2, cols: 4, powerStart: &v)
        expectClose(Array(w[0..<4]), [1.2, 1.6, 0, 0])
        expectClose(Array(w[4..<8]), [0.1, 0.2, 0.1, 0.2])
    }

    /// Muon (RMS→RMS-scaled orthogonal updates) followed by the soft cap keeps every step's weight
    /// within w_max when the coupling is given the update's largest norm (η × the Newton–Schulz
    /// map's largest output), starting from inside the ball.
    @Test func muonWithSoftCapStaysInsideTheBall() throws {
        let (rows, cols) = (16, 32)
        let s = (Double(rows) / Double(cols)).squareRoot()
        let schedule = NewtonSchulzSchedule.you
        let nsMax = (0...20_000).map { schedule.map(Double($0) / 20_000) }.max()! * 1.001
        let p = Parameter(name: "w", role: .hiddenMatrix,
                          value: Tensor(shape: [rows, cols], data: matrix(rows: rows, cols: cols,
                                                                           singularValues: Array(repeating: 0.9 * s, count: rows), seed: 11)))
        // RMS→RMS update lr·O: Muon's step is lr·multiplier·O with multiplier s.
        let group = ParameterGroup("all", lrMultiplier: Float(s)) { _ in true }
        let muon = Muon(momentum: 0.9, nesterov: false, schedule: schedule, scale: .unit, groups: [group])
        var optimiser = ConstrainedOptimizer(base: muon, constraint: { _ in .softCap(maxNorm: 1) },
                                             updateNorm: { _, lr in Double(lr) * nsMax })
        var rng = RNG(seed: 12, stream: RNG.Stream.noise)
        for _ in 0..<30 {
            p.grad = Tensor(shape: [rows, cols], data: (0..<rows * cols).map { _ in rng.normal() })
            try optimiser.step([p], lr: 0.15)
            #expect(MatrixSpectrum.rmsNorm(p.value.data, rows: rows, cols: cols) <= 1 + 1e-5)
        }
    }
}
