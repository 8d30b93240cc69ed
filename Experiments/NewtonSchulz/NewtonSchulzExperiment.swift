import Foundation
import ReproKit
import ReproNumerics
import ReproOptim

/// Newton–Schulz coefficient study: the published quintic schedules for Muon (Jordan, You,
/// Cesista, Su) and the Polar Express construction (Amsel et al. 2025), analysed as scalar maps
/// in Float64 and checked on Float32 matrices with OpenBLAS.
///
/// A trial, top to bottom: (1) composed maps of every published set on σ ∈ [10⁻³, 1];
/// (2) the Polar Express table rebuilt from Appendix G and compared with Algorithm 1;
/// (3) our Nelder–Mead search on Su's objective, seeded restarts; (4) Gaussian matrices through
/// every schedule, spectra by LAPACK; (5) cost against a plain sgemm.
public enum NewtonSchulzExperiment: Experiment {
    public struct Shape: Codable, Sendable, Equatable {
        public var rows: Int
        public var cols: Int
        public init(_ rows: Int, _ cols: Int) { self.rows = rows; self.cols = cols }
    }

    public struct Config: Codable, Sendable {
        /// σ samples per curve in the composed-map figure (the extremes use a fixed dense grid).
        public var figurePoints: Int
        /// Nelder–Mead restarts per trial, and objective evaluations per restart.
        public var searchRestarts: Int
        public var searchEvaluations: Int
        /// Gaussian matrices pushed through every schedule.
        public var shapes: [Shape]
        /// Timed runs per shape (the fastest is kept).
        public var timingRepetitions: Int
        /// Muon training run whose momentum matrices test the docstring claim.
        public var momentumSteps: Int
        public var momentumCheckpointEvery: Int
    }

    public static let presets = [
        Preset(name: "quick", seeds: 2, config: Config(
            figurePoints: 121, searchRestarts: 4, searchEvaluations: 500,
            shapes: [Shape(64, 64), Shape(128, 512), Shape(512, 128)], timingRepetitions: 3,
            momentumSteps: 60, momentumCheckpointEvery: 20)),
        Preset(name: "full", seeds: 5, config: Config(
            figurePoints: 481, searchRestarts: 12, searchEvaluations: 1500,
            shapes: [Shape(64, 64), Shape(128, 512), Shape(512, 128), Shape(256, 1024)], timingRepetitions: 10,
            momentumSteps: 300, momentumCheckpointEvery: 30)),
    ]

    public static let paper = Paper(
        id: "newton-schulz", aliases: ["2505.16932"],
        title: "Newton–Schulz coefficients for Muon: Jordan's quintic, per-step schedules and The Polar Express",
        authors: "K. Jordan et al.; F. L. Cesista; YouJiacheng; J. Su; N. Amsel, D. Persson, C. Musco, R. M. Gower",
        year: 2025, url: "https://arxiv.org/abs/2505.16932")

    static let polarExpressPaper = "Amsel, Persson, Musco & Gower, \"The Polar Express\", arXiv:2505.16932 (v3, 29 Sep 2025)"
    static let suPost = "J. Su, \"msign算子的Newton-Schulz迭代（上）\", Scientific Spaces, 11 May 2025"

    public static let claims: [Claim] = [
        Claim(
            id: "jordan-range-low",
            statement: "Jordan's quintic (3.4445, −4.7750, 2.0315) applied five times drives singular values into roughly 0.68–1.13: the lower end.",
            measurement: "map.jordan.min@1e-2", paperValue: "≈ 0.68",
            band: .between(0.67, 0.69),
            interval: .exact,
            tolerance: "Quoted to two decimals as 'roughly'; ±0.01 is one unit in the last quoted digit.",
            source: Source("K. Jordan, \"Muon: An optimizer for hidden layers in neural networks\" (2024), as quoted by others",
                           location: "NOT FOUND in the search tool: the write-up's text is not indexed; the 0.68–1.13 figure appears only in third-party code comments that attribute it to the write-up, with no σ interval stated. We judge it on σ ∈ [10⁻², 1].",
                           url: "https://kellerjordan.github.io/posts/muon/"),
            differences: "Scalar map in Float64 on a 200 001-point geometric grid over σ ∈ [10⁻², 1], an interval we chose because the source gives none. Over [10⁻³, 1] the same map is measured too (map.jordan.min@1e-3, map.jordan.max@1e-3 in the measurements table), and there its range is much wider than the quoted one."),
        Claim(
            id: "jordan-range-high",
            statement: "Jordan's quintic applied five times drives singular values into roughly 0.68–1.13: the upper end.",
            measurement: "map.jordan.max@1e-2", paperValue: "≈ 1.13",
            band: .between(1.12, 1.14),
            interval: .exact,
            tolerance: "Quoted to two decimals as 'roughly'; ±0.01 is one unit in the last quoted digit.",
            source: Source("K. Jordan, \"Muon: An optimizer for hidden layers in neural networks\" (2024), as quoted by others",
                           location: "NOT FOUND in the search tool (see jordan-range-low).",
                           url: "https://kellerjordan.github.io/posts/muon/"),
            differences: "As for jordan-range-low: Float64 scalar map, σ ∈ [10⁻², 1] chosen by us."),
        Claim(
            id: "jordan-docstring",
            statement: "The Muon iteration does not produce UVᵀ but something like US′Vᵀ with S′ᵢᵢ ~ Uniform(0.5, 1.5): the output singular values of the momentum matrices Muon orthogonalises lie in [0.5, 1.5].",
            measurement: "momentum.jordan.inside[0.5,1.5]", paperValue: "S′ᵢᵢ ∈ (0.5, 1.5)",
            band: .atLeast(0.95),
            interval: .proportion,
            tolerance: "The docstring says every S′ᵢᵢ lies in (0.5, 1.5) \"something like\" a uniform law; we allow 5% of singular values outside for that looseness and judge the fraction inside with a Beta(1+k, 1+n−k) interval on the pooled count. Singular values of one matrix are not independent draws, so the interval is narrower than an interval over matrices would be; the fraction of whole matrices inside is reported beside it (momentum.jordan.matrices_all_inside). History: until this revision the claim was judged on seeded Gaussian matrices (largest distance outside [0.5, 1.5], band 0), which tests whether a Gaussian's σ_min/‖G‖_F falls below Jordan's capture threshold ≈ 1.07·10⁻³ — a coin flip at 64×64 (49% of draws), never true for larger shapes — rather than the docstring.",
            source: Source("K. Jordan, Muon reference implementation", location: "muon.py, docstring of zeropower_via_newtonschulz5",
                           url: "https://github.com/KellerJordan/Muon/blob/master/muon.py"),
            differences: "Momentum matrices of a small ReLU MLP (32→128→128→64→10, three hidden matrices) trained by our Muon (μ 0.95, Nesterov, lr 0.02, batch 64) on a seeded tanh teacher–student regression, recorded every few steps; Float32 instead of bfloat16; not a GPT's gradients. The scalar map's own capture threshold (map.jordan.capture0.5: the σ above which f stays ≥ 0.5) is in the measurements."),
        Claim(
            id: "polar-express-table",
            statement: "Appendix G's construction (ℓ = 10⁻³, cushion 0.02407…, recentring, u ← 2 − ℓ) yields the eight quintics printed in Algorithm 1.",
            measurement: "polar.max_relative_deviation", paperValue: "8 (a, b, c) tuples printed to 16–17 digits",
            band: .atMost(1e-3),
            interval: .exact,
            tolerance: "Relative 10⁻³ per coefficient. The paper prints full doubles, but steps 6–7 solve 4×4 equioscillation systems whose points lie within ~10⁻³ of each other (condition numbers up to ~10¹²), so trailing digits depend on the linear solver; a wrong ℓ, cushion or recentring moves the first coefficients by O(1).",
            source: Source(polarExpressPaper, location: "Algorithm 1 (coeffs_list); Appendix G (optimal_composition); §4.2 Algorithm 3; §4.4",
                           url: "https://arxiv.org/abs/2505.16932"),
            differences: "Our own Float64 implementation in Swift (Gaussian elimination with partial pivoting instead of numpy.linalg.solve); initial alternation points (3ℓ+u)/4, (ℓ+3u)/4 as in the authors' repository (the appendix writes u = 1)."),
        Claim(
            id: "polar-express-optimal",
            statement: "Theorem 4.1: the greedy composition of minimax quintics is the best T-step composition of odd quintics in the worst case over [ℓ, 1].",
            measurement: "polar.optimality_ratio", paperValue: "max|1 − f| over [ℓ, 1] no larger than any other T-step composition",
            band: .atMost(1),
            interval: .exact,
            tolerance: "None beyond the grid: both worst-case errors use the same 200 001-point grid on [10⁻³, 1].",
            source: Source(polarExpressPaper, location: "§4.1, Theorem 4.1", url: "https://arxiv.org/abs/2505.16932"),
            differences: "Checked against the published schedules only (Jordan, Cesista, Su with T = 5; You with T = 6), with the pure greedy composition (no cushion, no safety factor) for ℓ = 10⁻³; the ratio is the largest of (greedy error)/(schedule error)."),
        Claim(
            id: "search-vs-su",
            statement: "Su's single quintic (3.3748, −4.6969, 2.1433) minimises the mean of the 50 largest |f(x) − 1| over x = k/10⁴ after five steps; our own search should do at least as well on that objective.",
            measurement: "search.ratio_to_su", paperValue: "objective of (3.3748, −4.6969, 2.1433)",
            band: .atMost(1),
            interval: .everySeed,
            tolerance: "No slack: both tuples are scored by the same Float64 code; ratio ≤ 1 means our optimum is at least as good.",
            source: Source(suPost, location: "§优化求解 (script and result)", url: "https://kexue.fm/archives/10922"),
            differences: "Nelder–Mead from seeded random starts in a ∈ [1, 5], b ∈ [−8, 0], c ∈ [0, 5] instead of Adam with perturbation-averaged gradients; the perturbation (robustness to ±0.05) is part of Su's optimiser, not of the objective we score."),
        Claim(
            id: "matrix-follows-map",
            statement: "A polynomial step acts on singular values only: p(M) = U p(Σ) Vᵀ, so Newton–Schulz output spectra lie in the scalar map's range over the input spectrum.",
            measurement: "matrix.violation.max", paperValue: "exact in exact arithmetic",
            band: .atMost(5e-3),
            interval: .everySeed,
            tolerance: "Float32 products with inner dimension ≤ 1024 carry relative errors ~10⁻⁶–10⁻⁵ per step; the remaining steps amplify them by their slopes (up to ~8 for Polar Express's first step), so 5·10⁻³ absolute bounds rounding, far below the O(0.1) a wrong map would cause.",
            source: Source(polarExpressPaper, location: "§1, Notation (p(M) := U p(Σ) Vᵀ); also Su, kexue.fm/archives/10922 §原理分析",
                           url: "https://arxiv.org/abs/2505.16932"),
            differences: "Float32 with OpenBLAS instead of bfloat16 on GPU; seeded Gaussian matrices."),
    ]

    public static let figures: [Figure] = [
        Figure(id: "composed-maps", title: "Composed Newton–Schulz maps f(σ) of the published schedules",
               series: ["map"], xLabel: "σ (after Frobenius normalisation)", yLabel: "f(σ)", xScale: .log,
               references: [.init(1, "σ = 1"), .init(0.68, "0.68 (quoted)"), .init(1.13, "1.13 (quoted)")]),
    ] + presets.last!.config.shapes.map { shape in
        Figure(id: "orthogonality-\(shape.rows)x\(shape.cols)",
               title: "Orthogonality error per step, Gaussian \(shape.rows)×\(shape.cols)",
               series: ["orthogonality.\(shape.rows)x\(shape.cols)"], xLabel: "step",
               yLabel: "‖XXᵀ − I‖_F / √min(m, n)", yScale: .log)
    }

    public static let setup = """
    **Scalar maps (seed-independent).** Each published schedule's composed map f = p_T ∘ … ∘ p_1 is evaluated \
    in Float64 on a 200 001-point geometric grid over σ ∈ [10⁻², 1] and over [10⁻³, 1]: minimum, maximum and the \
    smallest σ from which f stays ≥ 0.5 up to σ = 1. Schedules: Jordan (3.4445, −4.7750, 2.0315)×5 (KellerJordan/Muon \
    muon.py); You's six per-step quintics (quoted in kexue.fm/archives/10922); the five per-step quintics of \
    modded-nanogpt's train_gpt_medium.py ("cesista", from the optimisation in leloykun.github.io/ponder/muon-opt-coeffs, \
    whose blog shows them only as a figure); Su's (3.3748, −4.6969, 2.1433)×5 (kexue.fm/archives/10922); Polar \
    Express, the first five quintics of Algorithm 1 with the 1.01 safety factor (the extra 1/1.01 input scaling of \
    Algorithm 1 is not included in f).

    **Polar Express construction.** Algorithm 3 (equioscillation on four points, 4×4 solve, extrema of p by the \
    quadratic formula, stop when E changes ≤ 10⁻¹⁵) inside Appendix G's optimal_composition with ℓ = 10⁻³, \
    cushion 0.02407327424182761, recentring 2/(p(ℓ)+p(u)), u ← 2 − ℓ, eight steps, compared coefficient by \
    coefficient with Algorithm 1's table (before its safety factor).

    **Our search.** One quintic for all five steps, minimising Su's objective exactly as his script states it \
    (mean of the 50 largest |f(k/10⁴) − 1|, k = 1…10⁴). Nelder–Mead (reflection 1, expansion 2, contraction ½, \
    shrink ½, initial simplex step 0.5) restarted from seeded uniform points in a ∈ [1, 5], b ∈ [−8, 0], \
    c ∈ [0, 5]; no published tuple is used as a start. The seed drives the starts. A start whose whole simplex \
    overflows (objective +∞) cannot move; such restarts are counted (search.restarts_diverged), not discarded.

    **Matrices.** Seeded standard Gaussian matrices (one RNG substream per shape), X₀ = G/(‖G‖_F + 10⁻⁷), then the \
    schedule's steps in Float32 with cblas_sgemm, working on the transpose side for tall matrices. Singular values \
    by LAPACK sgesvd_. The predicted range is min/max of the Float64 map over the matrix's own normalised \
    [σ_min, σ_max]. Orthogonality ‖XXᵀ − I‖_F/√min(m, n) is recorded after every step; in the per-shape series, \
    schedules with fewer steps than the longest hold their final value.

    **Momentum matrices (the docstring claim).** A ReLU MLP 32→128→128→64→10 (three hidden matrices) is trained \
    with our Muon (μ 0.95, Nesterov, lr 0.02, Jordan's schedule, batch 64) on a seeded tanh teacher–student \
    regression (teacher 32→32→10, Gaussian inputs), for the preset's steps. Every few steps each hidden matrix's \
    Nesterov momentum u — the matrix Muon orthogonalises — goes through Jordan's five quintics in Float32 and all \
    its output singular values are kept: the claim is judged on the pooled fraction inside [0.5, 1.5] with a Beta \
    interval; the fraction of whole matrices inside is reported beside it.

    **Cost.** One orthogonalize call with Jordan's schedule against one cblas_sgemm of the step's dominant product \
    (s×s)·(s×l), fastest of the preset's repetitions each; achieved GFLOP/s counts the flops executed by the step's \
    three BLAS-3 calls (ssyrk Gram, ssyrk A², ssymm product: NewtonSchulz.flops). Reported, never asserted.
    """

    public static func run(_ trial: Trial<Config>, _ context: RunContext) throws -> Measurements {
        let config = trial.config
        var m = Measurements()
        let schedules = NewtonSchulzSchedule.published
        let units = 4 + config.searchRestarts + config.shapes.count * (schedules.count + 1)
        var done = 0
        func advance(_ note: String) throws {
            done += 1
            context.progress(done, of: units, note)
            try context.checkCancellation()
        }

        // 1. Composed scalar maps.
        let wide = Dictionary(uniqueKeysWithValues: schedules.map { ($0.name, MapRange(schedule: $0, lower: 1e-3)) })
        for schedule in schedules {
            let narrow = MapRange(schedule: schedule, lower: 1e-2)
            let broad = wide[schedule.name]!
            m.record("map.\(schedule.name).min@1e-2", narrow.minimum, exact: true)
            m.record("map.\(schedule.name).max@1e-2", narrow.maximum, exact: true)
            m.record("map.\(schedule.name).min@1e-3", broad.minimum, exact: true)
            m.record("map.\(schedule.name).max@1e-3", broad.maximum, exact: true)
            m.record("map.\(schedule.name).capture0.5", broad.captureThreshold ?? .nan, exact: true,
                     note: "smallest σ ≥ 10⁻³ from which f stays ≥ 0.5 up to 1")
        }
        let sigmas = geometricGrid(from: 1e-3, to: 1, count: config.figurePoints)
        m.record(Series(name: "map", x: .init("σ", sigmas),
                        ys: schedules.map { s in .init(s.name, sigmas.map(s.map)) }))
        m.record(Table(name: "schedules", header: ["schedule", "step", "a", "b", "c"],
                       rows: schedules.flatMap { s in
                           s.steps.enumerated().map { [s.name, "\($0.offset + 1)", fmt($0.element.a), fmt($0.element.b), fmt($0.element.c)] }
                       }))
        try advance("scalar maps")

        // 2. Polar Express rebuilt from the paper's construction.
        let published = NewtonSchulzSchedule.polarExpressPublished
        let ours = PolarExpress.composition(steps: published.count)
        var rows: [[String]] = []
        var worst = 0.0
        for (t, (mine, theirs)) in zip(ours, published).enumerated() {
            let deviation = [abs(mine.a - theirs.a) / abs(theirs.a), abs(mine.b - theirs.b) / abs(theirs.b),
                             abs(mine.c - theirs.c) / abs(theirs.c)].max()!
            worst = max(worst, deviation)
            m.record("polar.step\(t + 1).relative_deviation", deviation, exact: true)
            rows.append(["\(t + 1)", fmt(mine.a), fmt(mine.b), fmt(mine.c), fmt(theirs.a), fmt(theirs.b), fmt(theirs.c), fmt(deviation)])
        }
        m.record("polar.max_relative_deviation", worst, exact: true)
        m.record(Table(name: "polar_express", header: ["step", "a (ours)", "b (ours)", "c (ours)", "a (paper)", "b (paper)", "c (paper)", "max rel. dev."],
                       rows: rows))
        try advance("polar express table")

        // Theorem 4.1: the greedy (uncushioned, unstabilised) composition against each schedule.
        var ratio = 0.0
        var optimalityRows: [[String]] = []
        for schedule in schedules where schedule.name != "polar-express" {
            let greedy = NewtonSchulzSchedule(name: "greedy", steps: PolarExpress.composition(steps: schedule.steps.count, cushion: 0))
            let greedyError = worstError(MapRange(schedule: greedy, lower: 1e-3))
            let scheduleError = worstError(wide[schedule.name]!)
            ratio = max(ratio, greedyError / scheduleError)
            m.record("polar.greedy_error.T\(schedule.steps.count)", greedyError, exact: true)
            m.record("map.\(schedule.name).worst_error@1e-3", scheduleError, exact: true)
            optimalityRows.append([schedule.name, "\(schedule.steps.count)", fmt(scheduleError), fmt(greedyError)])
        }
        m.record("map.polar-express.worst_error@1e-3", worstError(wide["polar-express"]!), exact: true)
        m.record("polar.optimality_ratio", ratio, exact: true)
        m.record(Table(name: "worst_case", header: ["schedule", "T", "max|1−f| on [1e-3,1]", "greedy minimax, same T"],
                       rows: optimalityRows))
        try advance("optimality")

        // 3. Our coefficient search on Su's objective.
        let objective = SuObjective()
        let search = CoefficientSearch(objective: objective, restarts: config.searchRestarts,
                                       evaluationsPerRestart: config.searchEvaluations)
        let runs = try search.run(seed: trial.seed) { try advance("search restart") }
        let best = runs.min { $0.value < $1.value }!
        let suValue = objective(NewtonSchulzSchedule.su.steps[0])
        m.record("search.objective.best", best.value)
        m.record("search.objective.su", suValue, exact: true)
        m.record("search.objective.jordan", objective(NewtonSchulzSchedule.jordan.steps[0]), exact: true)
        m.record("search.ratio_to_su", best.value / suValue)
        m.record("search.restarts_diverged", Double(runs.filter { !$0.value.isFinite }.count),
                 note: "restarts whose whole simplex blew up (objective +∞) and so never moved")
        m.record("search.best.a", best.end.a)
        m.record("search.best.b", best.end.b)
        m.record("search.best.c", best.end.c)
        m.record(Table(name: "search", header: ["restart", "start (a, b, c)", "end (a, b, c)", "objective"],
                       rows: runs.enumerated().map { i, r in
                           ["\(i + 1)", triple(r.start), triple(r.end), fmt(r.value)]
                       }))

        // 4. Matrices through every schedule.
        var maxViolation = 0.0, jordanShapesInside = 0
        var matrixRows: [[String]] = []
        let longest = schedules.map(\.steps.count).max()!
        for (index, shape) in config.shapes.enumerated() {
            let check = MatrixCheck(rows: shape.rows, cols: shape.cols)
            let g = check.gaussian(seed: trial.seed, index: index)
            var curves: [Series.Column] = []
            for schedule in schedules {
                let outcome = check.run(g, schedule: schedule)
                let key = "matrix.\(schedule.name).\(check.label)"
                m.record("\(key).sigma_min", outcome.outputMin)
                m.record("\(key).sigma_max", outcome.outputMax)
                m.record("\(key).violation", outcome.violation)
                m.record("\(key).orthogonality", outcome.orthogonality.last!)
                maxViolation = max(maxViolation, outcome.violation)
                if schedule.name == "jordan" {
                    if outcome.outputMin >= 0.5 && outcome.outputMax <= 1.5 { jordanShapesInside += 1 }
                    m.record("matrix.input.\(check.label).sigma_min", outcome.inputMin)
                    m.record("matrix.input.\(check.label).sigma_max", outcome.inputMax)
                }
                let held = outcome.orthogonality + Array(repeating: outcome.orthogonality.last!, count: longest - schedule.steps.count)
                curves.append(.init(schedule.name, held))
                matrixRows.append([check.label, schedule.name, fmt(outcome.inputMin), fmt(outcome.inputMax),
                                   fmt(outcome.predicted.minimum), fmt(outcome.predicted.maximum),
                                   fmt(outcome.outputMin), fmt(outcome.outputMax), fmt(outcome.orthogonality.last!)])
                try advance("matrix \(check.label) \(schedule.name)")
            }
            m.record(Series(name: "orthogonality.\(check.label)", x: .init("step", (0...longest).map(Double.init)), ys: curves))

            // 5. Cost next to a plain sgemm.
            let cost = CostMeasurement(rows: shape.rows, cols: shape.cols, repetitions: config.timingRepetitions)
                .run(g, schedule: .jordan)
            m.recordTiming("cost.\(check.label).ns_ms", cost.seconds * 1e3, unit: "ms")
            m.recordTiming("cost.\(check.label).ns_gflops", cost.gflops, unit: "GFLOP/s")
            m.recordTiming("cost.\(check.label).sgemm_gflops", cost.sgemmGflops, unit: "GFLOP/s")
            m.recordTiming("cost.\(check.label).ratio", cost.gflops / cost.sgemmGflops, unit: "×")
            try advance("cost \(check.label)")
        }
        m.record("matrix.violation.max", maxViolation)
        m.record("matrix.jordan.shapes_inside[0.5,1.5]", successes: jordanShapesInside, trials: config.shapes.count,
                 note: "Gaussian input shapes whose output spectrum under Jordan's schedule lies wholly in [0.5, 1.5]")

        // 6. Real momentum matrices through Jordan's schedule (the docstring claim).
        let spectra = MomentumSpectra(sizes: [32, 128, 128, 64, 10], steps: config.momentumSteps, batch: 64, lr: 0.02,
                                      checkpoints: Array(stride(from: config.momentumCheckpointEvery, through: config.momentumSteps,
                                                                by: config.momentumCheckpointEvery)))
        let momentum = try spectra.run(seed: trial.seed) { _ in try context.checkCancellation() }
        m.record("momentum.jordan.inside[0.5,1.5]", successes: momentum.inside, trials: momentum.total,
                 note: "output singular values of NS(momentum) inside [0.5, 1.5]")
        m.record("momentum.jordan.matrices_all_inside", successes: momentum.matricesInside, trials: momentum.matrices,
                 note: "momentum matrices whose whole NS output spectrum lies in [0.5, 1.5]")
        m.record("momentum.jordan.sigma_min", momentum.smallest)
        m.record("momentum.jordan.sigma_max", momentum.largest)
        try advance("momentum matrices")
        m.record(Table(name: "matrices", header: ["shape", "schedule", "σ_in min", "σ_in max", "predicted min", "predicted max",
                                                  "measured min", "measured max", "orthogonality"],
                       rows: matrixRows))
        return m
    }

    /// max |1 − f| over the range's grid.
    static func worstError(_ r: MapRange) -> Double { max(1 - r.minimum, r.maximum - 1) }

    static func fmt(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : "\(x)" }
    static func triple(_ q: Quintic) -> String { "(\(fmt(q.a)), \(fmt(q.b)), \(fmt(q.c)))" }
}
