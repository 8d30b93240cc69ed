import Foundation
import RealModule
import ReproNumerics
import ReproOptim
import Testing
@testable import ReproTraining

@Suite("ReproTraining: the shared log-lattice sweep")
struct LatticeSweepTests {
    // MARK: Lattice

    @Test("Lattice values come from the index: an extended point equals the point a wider grid starts with")
    func latticeValues() {
        let lattice = LogLattice(anchor: Double(Float(0.004)), ratio: 2)
        #expect((0..<6).map { Float(lattice.value($0)) } == [0.004, 0.008, 0.016, 0.032, 0.064, 0.128])
        #expect(Float(lattice.value(-1)) == 0.002)
        let half = LogLattice.powersOfTwo(step: 0.5)
        #expect(half.value(-24) == pow(2, -12))
        #expect(half.index(nearest: 0.0101) == Int((2 * log2(0.0101)).rounded()))
        #expect(half.indices(around: 1, margin: 2) == -2...2)
        #expect(half.log2Step == 0.5)
    }

    // MARK: Parabolic vertex

    @Test("The least-squares parabola's vertex is exact on a parabola, with three or five points")
    func vertexOfExactParabola() throws {
        let f = { (x: Double) in 3 * (x - 0.7) * (x - 0.7) + 2 }
        let three = try #require(parabolicVertex([0, 0.5, 1.3].map { (x: $0, y: f($0)) }))
        #expect(three.isApproximatelyEqual(to: 0.7, absoluteTolerance: 1e-12))
        let five = try #require(parabolicVertex([-0.4, 0, 0.5, 1.3, 2].map { (x: $0, y: f($0)) }))
        #expect(five.isApproximatelyEqual(to: 0.7, absoluteTolerance: 1e-12))
        #expect(parabolicVertex([(0, 0), (1, 1), (2, 2)]) == nil, "a line has no vertex")
        #expect(parabolicVertex([(0, 0), (1, 1), (2, 0)]) == nil, "a cap has no minimum")
        #expect(parabolicVertex([(0, 0), (1, 1)]) == nil, "two points fix no parabola")
        #expect(parabolicVertex([(0, 0), (1, .infinity), (2, 0)]) == nil, "non-finite input")
        // Three points: the interpolating parabola, (y₋ − y₊) / 2(y₋ − 2y₀ + y₊).
        let interpolated = try #require(parabolicVertex([(-1, 2), (0, 1), (1, 1.5)]))
        let expected: Double = (2 - 1.5) / (2 * (2 - 2 + 1.5))
        #expect(interpolated.isApproximatelyEqual(to: expected, relativeTolerance: 1e-12))
    }

    @Test("Noise on one value moves the five-point vertex less than the three-point vertex")
    func fivePointsAreSmoother() throws {
        let xs = [-2.0, -1, 0, 1, 2]
        let clean = xs.map { (x: $0, y: $0 * $0) }
        var noisy = clean
        noisy[3].y += 0.01
        let shift3 = try abs(#require(parabolicVertex(Array(noisy[1...3]))) - #require(parabolicVertex(Array(clean[1...3]))))
        let shift5 = try abs(#require(parabolicVertex(noisy)) - #require(parabolicVertex(clean)))
        #expect(shift5 < shift3)
    }

    // MARK: Extending

    @Test("A best point on the edge is extended by one index at a time until bracketed")
    func extendsOnEdge() {
        let lattice = LogLattice(anchor: Double(Float(0.002)), ratio: 2)
        var sweep = LatticeSweep(lattice: lattice)
        let loss = { (lr: Double) in pow(log2(lr / 0.05), 2) }
        sweep.evaluate(0..<4, run: loss)
        sweep.extend(margin: 1, maxPerSide: 3, run: loss)
        // Minimum at 0.05: 0.016 is on the edge, 0.032 still is, 0.064 is best once 0.128 brackets it.
        #expect(sweep.values.map { Float($0) } == [0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128])
        #expect(Float(sweep.bestValue) == 0.064)
        #expect(!sweep.censored)
    }

    @Test("Extension stops at `maxPerSide` additions: a loss that keeps falling is censored at the extended edge")
    func extensionCensors() {
        var sweep = LatticeSweep(lattice: LogLattice(anchor: 1, ratio: 2))
        sweep.evaluate(0...2) { -$0 }
        sweep.extend(margin: 2, maxPerSide: 3) { -$0 }
        #expect(sweep.censored)
        #expect(sweep.bestValue == 32)
        #expect(sweep.indices.count == 6)
    }

    @Test("With margin 2 the optimum gets two runs on each side, and the five-point vertex recovers a parabola in ln x exactly")
    func extendsAndRefines() {
        var runs: [Double] = []
        let lattice = LogLattice(anchor: 0.1, ratio: 2.0.squareRoot())
        var sweep = LatticeSweep(lattice: lattice)
        let loss = { (x: Double) -> Double in runs.append(x); return (log(x) - log(5)) * (log(x) - log(5)) }
        sweep.evaluate(0...2, run: loss)
        sweep.extend(margin: 2, maxPerSide: 12, run: loss)
        #expect(!sweep.censored)
        let all = sweep.indices, b = sweep.best
        #expect(all.filter { $0 < b }.count >= 2 && all.filter { $0 > b }.count >= 2)
        #expect(runs.count == all.count && Set(runs).count == runs.count, "each point ran once")
        let refined = sweep.refinedValue(halfWidth: 2, clamp: 1)
        #expect(refined.isApproximatelyEqual(to: 5, relativeTolerance: 1e-9))
    }

    @Test("Where a sweep starts changes its cost, not its optimum")
    func startDoesNotMatter() {
        let loss = { (x: Double) in abs(log(x) - log(0.3)) + 0.2 * (log(x) - log(0.3)) * (log(x) - log(0.3)) }
        let lattice = LogLattice(anchor: 1, ratio: 2.0.squareRoot())
        var low = LatticeSweep(lattice: lattice), high = LatticeSweep(lattice: lattice)
        low.evaluate(lattice.indices(around: 0.01, margin: 2), run: loss)
        high.evaluate(lattice.indices(around: 8, margin: 2), run: loss)
        low.extend(margin: 2, maxPerSide: 20, run: loss)
        high.extend(margin: 2, maxPerSide: 20, run: loss)
        #expect(!low.censored && !high.censored)
        #expect(low.best == high.best)
        #expect(low.refinedValue(halfWidth: 2, clamp: 1) == high.refinedValue(halfWidth: 2, clamp: 1))
    }

    // MARK: Descending

    @Test("Descending finds the minimum of a smooth valley in log x; golden section refines it")
    func descendFindsMinimum() {
        // log f is a parabola in log x, so the parabolic vertex is exact as well.
        let f = { (x: Double) in 100 * exp(pow(log(x / 0.3), 2)) }
        var coarse = LatticeSweep(lattice: LogLattice(anchor: 0.001, ratio: 2))
        coarse.descend(maxEvaluations: 20, run: f)
        coarse.fillWindow(halfWidth: 1, maxRecentring: 3, run: f)
        #expect(coarse.refinedValue(halfWidth: 1, clamp: 0.5, transform: log).isApproximatelyEqual(to: 0.3, relativeTolerance: 1e-9))
        let lattice = LogLattice(anchor: 0.001, ratio: pow(2, 0.25))
        var fine = LatticeSweep(lattice: lattice)
        fine.descend(maxEvaluations: 40, run: f)
        let k = fine.best
        let golden = goldenSectionMinimum(lower: log(lattice.value(k - 1)), upper: log(lattice.value(k + 1)), iterations: 30,
                                          best: (fine.bestValue, fine.bestObjective), f)
        #expect(golden.x.isApproximatelyEqual(to: 0.3, relativeTolerance: 1e-4))
        var never = LatticeSweep(lattice: LogLattice(anchor: 1, ratio: 2))
        never.descend(maxEvaluations: 6) { _ in .infinity }
        #expect(never.indices.count == 6 && !never.bestObjective.isFinite)
        #expect(never.parabolicOptimum(halfWidth: 1, clamp: 0.5) == nil)
        #expect(never.basin(within: 0.05) == nil)
    }

    @Test("On a fine lattice descending hops by factors of 2 to a finite value; the window fits five points")
    func descendHops() {
        // Finite only within a factor 1.5 of the optimum 0.01; the start 0.08 is 8× too large.
        let f = { (x: Double) in abs(log(x / 0.01)) < log(1.5) ? 100 * exp(pow(log(x / 0.01), 2)) : .infinity }
        var sweep = LatticeSweep(lattice: LogLattice(anchor: 0.08, ratio: pow(2, 0.25)))
        sweep.descend(maxEvaluations: 12, run: f)
        // Hops: 0.08, 0.04, 0.16, 0.02, 0.32, 0.01 (finite), then the walk.
        #expect(sweep.indices.count <= 12)
        sweep.fillWindow(halfWidth: 2, maxRecentring: 3, run: f)
        #expect(sweep.bestObjective.isFinite)
        #expect(sweep.refinedValue(halfWidth: 2, clamp: 1, transform: log).isApproximatelyEqual(to: 0.01, relativeTolerance: 0.02))
    }

    // MARK: Basins

    @Test("The basin of a parabola in log₂ x has the exact width 2·√(2δ/a), interpolated between lattice points")
    func basinOfParabola() throws {
        // L(x) = 1 + a·(log₂ x)²: L ≤ (1 + δ) for |log₂ x| ≤ √(δ/a). Linear interpolation of a
        // convex function between lattice points puts the edge slightly inside.
        let a = 0.05
        var sweep = LatticeSweep(lattice: .powersOfTwo(step: 0.5))
        sweep.evaluate(-24...24) { 1 + a * pow(log2($0), 2) }
        for delta in [0.05, 0.10] {
            let basin = try #require(sweep.basin(within: delta))
            let exact = 2 * (delta / a).squareRoot()
            #expect(!basin.censored)
            #expect(basin.widthLog2 <= exact + 1e-12 && basin.widthLog2 > exact - 0.1, "\(basin.widthLog2) vs \(exact)")
        }
    }

    @Test("A basin reaching the end of the sweep is censored; a diverged neighbour puts the edge halfway")
    func basinEdges() throws {
        var flat = LatticeSweep(lattice: .powersOfTwo(step: 0.5))
        flat.evaluate(-4...0) { _ in 1 }
        let all = try #require(flat.basin(within: 0.05))
        #expect(all.censoredBelow && all.censoredAbove && all.widthLog2 == 2)
        var cliff = LatticeSweep(lattice: .powersOfTwo(step: 1))
        cliff.evaluate(-3...0) { $0 >= 1 ? .infinity : 1 + pow(log2($0) + 2, 2) }
        let basin = try #require(cliff.basin(within: 0.05))
        #expect(!basin.censored)
        #expect(abs(basin.upper - -1.95) < 1e-12, "1.05 crosses 5% of the way to 2 on each side")
        #expect(abs(basin.lower - -2.05) < 1e-12)
        var diverged = LatticeSweep(lattice: .powersOfTwo(step: 1))
        diverged.evaluate(-2...0) { $0 >= 1 ? .infinity : ($0 == 0.5 ? 1 : 3) }
        let half = try #require(diverged.basin(within: 0.05))
        #expect(half.upper == -0.5)
    }

    // MARK: Training loop

    @Test("The loop steps at lr·schedule, stops on a non-finite loss without throwing, and stops when asked")
    func trainingLoop() throws {
        let w = Parameter(name: "w", role: .vector, value: Tensor(shape: [1, 1], data: [2]))
        var sgd: any Optimizer = SGD()
        // L = ½w², ∇ = w: each step multiplies w by (1 − lr).
        let loop = TrainingLoop(steps: 3)
        let outcome = try loop.run(parameters: [w], optimizer: &sgd, lr: 0.5) { _, tape in
            let v = tape.parameter(w)
            return tape.scale(tape.sum(tape.mul(v, v)), 0.5)
        }
        #expect(outcome == .completed)
        #expect(w.value.data[0] == 0.25)
        var calls = 0
        let stopped = try loop.run(parameters: [w], optimizer: &sgd, lr: 0.5, loss: { _, tape in
            let v = tape.parameter(w)
            return tape.scale(tape.sum(tape.mul(v, v)), 0.5)
        }, afterStep: { calls += 1; return $0 < 2 })
        #expect(stopped == .stopped(steps: 2) && calls == 2)
        let diverged = try loop.run(parameters: [w], optimizer: &sgd, lr: 0.5) { _, tape in
            tape.scale(tape.sum(tape.parameter(w)), .infinity)
        }
        #expect(diverged.diverged)
    }
}
