import Foundation
import ReproData
import ReproKit
import ReproNumerics
import ReproOptim
import ReproStats

/// How should AdamW's weight decay scale with data and width? Wang & Aitchison (ICML 2025) read
/// AdamW's weights as an EMA of updates with timescale τ_iter = 1/(ηλ) and find the optimal
/// timescale in epochs, τ_epoch = τ_iter·B/N, roughly constant; Bergsma et al. ("Power Lines")
/// find it follows a power law in tokens per parameter instead.
///
/// A trial, top to bottom: (1) for each training-set size N, sweep λ on a ×√2 grid at fixed
/// width, epochs, batch and rate, extend the grid until the lowest test loss is inside, refine
/// λ* by a parabola in ln λ, and convert it to τ_epoch*; (2) fit the log–log slopes of λ* and
/// τ_epoch* against N and compare their spreads; (3) at a fixed N, the same sweep for each width
/// under μP (width×width rate η/m) and under a width-independent rate, giving λ* and the hidden
/// layer's τ_iter* against width.
public enum WeightDecayExperiment: Experiment {
    /// Where the data come from.
    public enum TaskSpec: Codable, Sendable, Equatable {
        /// Fashion-MNIST, images average-pooled over `pooling`×`pooling` blocks.
        case fashionMNIST(pooling: Int)
        /// Gaussian inputs labelled by a fixed random tanh teacher, with label noise.
        case teacherStudent(teacherWidths: [Int], labelNoise: Float, testCount: Int)
    }

    public struct Config: Codable, Sendable {
        public var task: TaskSpec
        /// Training-set sizes of the data sweep (at width `baseWidth`, η for every parameter).
        public var sizes: [Int]
        /// Training-set size and widths of the width sweeps.
        public var widthSweepSize: Int
        public var widths: [Int]
        /// μP's base width m = 1 (also the width of the data sweep).
        public var baseWidth: Int
        public var lr: Double
        public var batchSize: Int
        public var epochs: Int
        /// The initial λ grid: `gridPoints` values from `gridLowest` on, ratio √2.
        public var gridLowest: Double
        public var gridPoints: Int
        /// At most this many √2-steps added on each side while the best λ is on the grid's edge.
        public var gridExtensions: Int
    }

    static let gridRatio = 2.0.squareRoot()

    public static let presets = [
        Preset(name: "quick", seeds: 2, config: Config(
            task: .teacherStudent(teacherWidths: [16, 32, 4], labelNoise: 0.2, testCount: 4000),
            sizes: [250, 500, 1000, 2000], widthSweepSize: 500, widths: [16, 32, 64], baseWidth: 16,
            lr: 1e-2, batchSize: 25, epochs: 50, gridLowest: 0.125, gridPoints: 9, gridExtensions: 8)),
        Preset(name: "full", seeds: 4, config: Config(
            task: .fashionMNIST(pooling: 2),
            sizes: [1000, 2000, 4000, 8000, 16000, 60000], widthSweepSize: 1000, widths: [64, 128, 256, 512], baseWidth: 64,
            lr: 3e-3, batchSize: 100, epochs: 20, gridLowest: 1, gridPoints: 9, gridExtensions: 8)),
    ]

    public static let paper = Paper(
        id: "weight-decay", aliases: ["2405.13698"],
        title: "How to set AdamW's weight decay as you scale model and dataset size (with Power Lines as counterpoint)",
        authors: "X. Wang, L. Aitchison; S. Bergsma, N. Dey, G. Gosal, G. Gray, D. Soboleva, J. Hestness",
        year: 2025, url: "https://arxiv.org/abs/2405.13698")

    static let wangAitchison = "Wang & Aitchison, \"How to set AdamW's weight decay as you scale model and dataset size\", ICML 2025 (arXiv:2405.13698v3)"
    static let powerLines = "Bergsma et al., \"Power Lines: Scaling Laws for Weight Decay and Batch Size in LLM Pre-training\", arXiv:2505.13738v2"
    static let scaleNote = "A 3-layer ReLU MLP on 14×14-pooled Fashion-MNIST subsets (full preset) or a teacher–student task (quick), constant rate, CPU; they used ResNet-18/ViT on CIFAR-10/ImageNet and NanoGPT."

    public static let claims: [Claim] = [
        Claim(
            id: "tau-epoch-constant",
            statement: "The optimal EMA timescale measured in epochs, τ_epoch = B/(ηλN), is roughly constant as the dataset size changes, so the optimal λ falls as N grows.",
            measurement: "data.tau_epoch_slope", paperValue: "roughly constant (slope ≈ 0 against N)",
            band: .between(-0.25, 0.25),
            interval: .studentT,
            tolerance: "Chosen before any run: |slope| ≤ 0.25 lets τ_epoch* drift by at most 2.8× over our 60× range of N (full preset; 8× range, 1.7× drift in the quick one), while a constant λ* would give slope −1 (τ_epoch ∝ 1/N); 'roughly constant' must sit much nearer 0 than −1. A censored optimum is only a bound and enters no slope (counted in data.censored).",
            source: Source(wangAitchison, location: "Abstract (\"the optimal timescale, measured in epochs, is roughly constant as we change model and dataset size\"); EMA view τ_iter = 1/(ηλ), τ_epoch = τ_iter/M as summarised by third parties (section number not found by search)",
                           url: "https://arxiv.org/abs/2405.13698"),
            differences: scaleNote + " Slope from a least-squares fit of ln τ_epoch* on ln N per seed."),
        Claim(
            id: "tau-spread-vs-lambda-spread",
            statement: "Across dataset sizes the optimal τ_epoch varies much less than the optimal λ (λ carries the change in N).",
            measurement: "data.spread_ratio", paperValue: "τ_epoch* nearly constant while λ* ∝ 1/N",
            band: .atMost(0.5),
            interval: .studentT,
            tolerance: "Chosen before any run: ln(max/min τ_epoch*) / ln(max/min λ*) ≤ 0.5, i.e. τ's spread at most the square root of λ's; exactly constant τ gives 0, exactly constant λ gives 1.",
            source: Source(wangAitchison, location: "Abstract (\"as the dataset size increases, the optimal weight decay should fall\")",
                           url: "https://arxiv.org/abs/2405.13698"),
            differences: scaleNote),
        Claim(
            id: "guideline-lower",
            statement: "Guideline: the EMA timescale should not be (much) smaller than one epoch.",
            measurement: "data.tau_epoch_star.min", paperValue: "≳ 1 epoch",
            band: .atLeast(0.5),
            interval: .studentT,
            tolerance: "'Not (much) smaller' read as no smaller than half an epoch, fixed before any run.",
            source: Source(wangAitchison, location: "Abstract of arXiv v1/v2 (\"the EMA timescale should not be (much) smaller than 1 epoch\"); not in the v3 abstract",
                           url: "https://arxiv.org/abs/2405.13698v1"),
            differences: scaleNote + " Smallest τ_epoch* over our N per seed."),
        Claim(
            id: "guideline-upper",
            statement: "Guideline: the EMA timescale should not be (much) bigger than the total number of training epochs.",
            measurement: "data.tau_epoch_star.max_over_epochs", paperValue: "≲ total epochs (ratio ≲ 1)",
            band: .atMost(2),
            interval: .studentT,
            tolerance: "'Not (much) bigger' read as at most twice the number of epochs, fixed before any run.",
            source: Source(wangAitchison, location: "Abstract of arXiv v1/v2 (\"should not be (much) bigger than the total number of training epochs\")",
                           url: "https://arxiv.org/abs/2405.13698v1"),
            differences: scaleNote + " Largest τ_epoch*/E over our N per seed."),
        Claim(
            id: "muP-lambda-grows-with-width",
            statement: "Under μP (hidden learning rate ∝ 1/width) the optimal λ must grow with width to keep the timescale fixed: λ* ∝ width.",
            measurement: "width.muP.lambda_slope", paperValue: "λ* ∝ width (slope 1)",
            band: .between(0.5, 1.5),
            interval: .studentT,
            tolerance: "Chosen before any run: slope 1 holds exactly only if every decayed weight's rate scales as 1/width; in our net the input and readout weights keep rate η (mup's form), so we accept half the predicted exponent up to 1.5.",
            source: Source(wangAitchison, location: "Abstract (\"as the model size increases, the optimal weight decay should increase (if we follow the muP recommendation for scaling the learning rate)\")",
                           url: "https://arxiv.org/abs/2405.13698"),
            differences: scaleNote + " Widths and N in the setup; λ decays input, hidden and readout weights alike."),
        Claim(
            id: "constant-lr-lambda-flat",
            statement: "Control: with a width-independent learning rate, a fixed optimal timescale means a width-independent optimal λ.",
            measurement: "width.constant.lambda_slope", paperValue: "λ* independent of width (slope 0)",
            band: .between(-0.25, 0.25),
            interval: .studentT,
            tolerance: "Chosen before any run: |slope| ≤ 0.25, a quarter of the μP prediction, so the two arms are told apart.",
            source: Source(wangAitchison, location: "Abstract (\"given a learning rate, there is a one-to-one mapping from the EMA timescale to the weight decay hyperparameter\")",
                           url: "https://arxiv.org/abs/2405.13698"),
            differences: scaleNote + " Same μP initialisation and readout as the μP arm; only the hidden rate differs."),
        Claim(
            id: "power-lines-tau-falls",
            statement: "Counterpoint: the optimal timescale (fraction of training, τ = B/(ηλD)) follows a power law in tokens per parameter, decreasing as tokens per parameter grow.",
            measurement: "data.tau_epoch_slope", paperValue: "power law in D/N, decreasing (exponent not found by search)",
            band: .atMost(-0.1),
            interval: .studentT,
            tolerance: "The exponent could not be looked up, so only its sign is tested: a slope ≤ −0.1 (τ* falling by ≥ 34% over our 60× range of N) counts as the power-law decrease. With the model and epochs fixed, tokens per parameter ∝ N and τ = τ_epoch/E, so the slope of τ_epoch* against N is their exponent.",
            source: Source(powerLines, location: "Abstract and Figure 1 (left) (\"optimal τ obeys a precise power law in the tokens-per-parameter ratio\"); the direction 'decreases' from a third-party overview (alphaxiv.org/overview/2505.13738)",
                           url: "https://arxiv.org/abs/2505.13738"),
            differences: "Single-epoch LLM pre-training (111M–3.3B parameters) in their work; multi-epoch small-data classification here, where 'tokens per parameter' is examples seen per parameter. " + scaleNote),
    ]

    public static var figures: [Figure] {
        let sizes = presets.last!.config.sizes
        return [
            Figure(id: "loss-vs-tau-epoch", title: "Test loss vs EMA timescale τ_epoch = B/(ηλN), one curve per N (they line up if τ_epoch* is constant)",
                   series: sizes.map { "sweep.tau.N\($0)" }, xLabel: "τ_epoch (epochs)", yLabel: "test cross-entropy", xScale: .log),
            Figure(id: "loss-vs-lambda", title: "Test loss vs weight decay λ, one curve per N",
                   series: sizes.map { "sweep.lambda.N\($0)" }, xLabel: "λ", yLabel: "test cross-entropy", xScale: .log),
            Figure(id: "optimum-vs-N", title: "Optimal λ* and τ_epoch* vs training-set size N",
                   series: ["optimum.data"], xLabel: "N (training examples)", yLabel: "λ* ; τ_epoch* (epochs)", xScale: .log, yScale: .log),
            Figure(id: "optimum-vs-width", title: "Optimal λ* vs width: μP (hidden rate η/m) and width-independent rate",
                   series: ["optimum.width"], xLabel: "width", yLabel: "λ*", xScale: .log, yScale: .log),
            Figure(id: "tau-iter-vs-width", title: "Hidden layer's optimal τ_iter* = 1/(η_hidden·λ*) vs width",
                   series: ["optimum.width.tau_iter"], xLabel: "width", yLabel: "τ_iter* (iterations)", xScale: .log, yScale: .log),
        ]
    }

    public static let setup = """
    **Model and optimiser.** ReLU MLP [d, w, w, classes] with biases, `Initialisation.muP(baseWidth:)` (PyTorch's \
    uniform init; readout output × 1/m, m = w/base, as Microsoft's `mup` MuReadout). AdamW as in ReproOptim with \
    PyTorch semantics: θ ← (1 − η_p·λ)·θ − η_p·m̂/(√v̂ + ε), β = (0.9, 0.999), ε = 10⁻⁸, constant rate η, where η_p \
    is the parameter's own (group) rate, so the decay per step is η_p·λ. **Weight decay applies to every weight \
    matrix (input, hidden, readout), never to biases.** Under μP the width×width matrix gets η_p = η/m; the input \
    and readout weights keep η (mup's form, where the 1/m readout multiplier does the readout's scaling). The \
    control arm gives η to every parameter at every width.

    **Sweeps.** λ on a ×√2 grid (9 points from the preset's lowest value), the same for every N and width; while \
    the lowest test loss is at an end, one more √2 step is added there (at most 8 per side, so the search spans \
    up to 2¹² in λ). λ* is the vertex of the parabola through the best point and its neighbours in (ln λ, loss); \
    an optimum still on the edge is *censored*: reported at the edge and counted in `*.censored`; being only a \
    bound, it is left out of every slope, spread and guideline summary (which use the interior optima). Every λ of a sweep \
    uses the same initialisation and the same batches (seeded by the trial), so sweep points differ only in λ.

    **Full preset.** Fashion-MNIST standardised with training statistics and 2×2 average-pooled to 14×14 (196 \
    inputs) to keep the full preset near 10 minutes on 2 cores; class-balanced nested subsets N ∈ {1k, 2k, 4k, 8k, 16k, 60k (the whole \
    training split)}; test loss on the full 10k test split. η = 3·10⁻³, B = 100, 20 epochs for every run (200 \
    steps at N = 1k, 12 000 at 60k). Data sweep at w = 64; width sweep at N = 1000 (not larger, for time) for \
    w ∈ {64, 128, 256, 512}, base width 64. τ_epoch* = B/(η·λ*·N) for the data sweep; τ_iter* = 1/(η_hidden·λ*) \
    for the width sweep's hidden matrix.

    **Quick preset.** Student–teacher: 16-dimensional Gaussian inputs labelled by a fixed tanh teacher [16, 32, 4] \
    (seed 0) with 20% label noise; N ∈ {250, 500, 1000, 2000}, widths {16, 32, 64} at N = 500 (base 16), \
    η = 10⁻², B = 25, 50 epochs; test loss on 4000 fresh noisy examples.

    **A change made after a first run, disclosed.** Our first settings (η = 10⁻³ and 20 epochs in both presets) left \
    the quick task under-trained: test loss barely below ln 4, decay only hurt, and most optima were censored at \
    the grid's low edge (λ* → 0), so the question "which timescale is best" had no answer there. We raised η (and \
    the quick preset's epochs) so that training reaches the regime where the EMA timescale τ_iter is shorter than \
    the run, and moved each grid's starting λ down with it (at a fixed timescale λ ∝ 1/η); bands and claims were \
    not changed. The first full run then left N = 60k censored at the low edge in every seed (no decay within 20 \
    epochs seems best with the whole training split), so we allowed 8 instead of 6 extensions and made every summary \
    use the interior optima only. A diagnostic arm decaying only the width×width matrix was tried on the quick \
    preset and dropped: its optimum ran off the top of the grid (ReLU rescaling lets the undecayed layers grow to \
    compensate), so it says nothing about the timescale.

    **Summaries per seed.** Log–log least-squares slopes of λ* and τ_epoch* against N and of λ* and τ_iter* \
    against width; spreads max/min of λ* and τ_epoch* over N and their log ratio. Intervals across seeds are \
    ReproKit's Student-t. Differences from the papers: tiny models and data, CPU, constant rate (no schedule), \
    pooled images; Power Lines' exponent could not be looked up, so only its sign is compared.
    """

    public static func run(_ trial: Trial<Config>, _ context: RunContext) throws -> Measurements {
        let config = trial.config
        var m = Measurements()
        let task: ClassificationTask
        switch config.task {
        case .fashionMNIST(let pooling):
            task = try .fashionMNIST(pooling: pooling, seed: trial.seed)
        case .teacherStudent(let teacherWidths, let labelNoise, let testCount):
            task = .teacherStudent(teacherWidths: teacherWidths, labelNoise: labelNoise,
                                   largest: max(config.sizes.max()!, config.widthSweepSize), testCount: testCount, seed: trial.seed)
        }
        let grid = (0..<config.gridPoints).map { config.gridLowest * pow(gridRatio, Double($0)) }
        let sweeps = config.sizes.count + 2 * config.widths.count
        var done = 0
        func sweep(_ setting: TrainingSetting, examples: Int, note: String) throws -> WeightDecaySweep {
            let train = task.training(examples)
            let result = try WeightDecaySweep(grid: grid, ratio: gridRatio, extensions: config.gridExtensions) { lambda in
                context.progress(done, of: sweeps, "\(note), λ = \(String(format: "%.3g", lambda))")
                return try setting.testLoss(train: train, test: task.test, weightDecay: lambda, seed: trial.seed,
                                            cancellation: context.checkCancellation)
            }
            done += 1
            context.progress(done, of: sweeps, note)
            return result
        }
        let base = TrainingSetting(width: config.baseWidth, baseWidth: config.baseWidth, scaling: .constant,
                                   lr: config.lr, batchSize: config.batchSize, epochs: config.epochs)

        // 1. λ* and τ_epoch* for each training-set size N.
        var lambdaStars: [Double] = [], tauStars: [Double] = [], censored = 0
        var interior: [(n: Double, lambda: Double, tau: Double)] = []
        var rows: [[String]] = []
        for n in config.sizes {
            let s = try sweep(base, examples: n, note: "N = \(n)")
            let tau = EMATimescale.epochs(lr: config.lr, weightDecay: s.lambdaStar, batchSize: config.batchSize, examples: n)
            lambdaStars.append(s.lambdaStar); tauStars.append(tau)
            if s.censored { censored += 1 } else { interior.append((Double(n), s.lambdaStar, tau)) }
            m.record("data.N\(n).lambda_star", s.lambdaStar)
            m.record("data.N\(n).tau_epoch_star", tau, unit: "epochs")
            m.record("data.N\(n).best_loss", s.points[s.best].loss)
            m.record("data.N\(n).censored", s.censored ? 1 : 0)
            let lambdas = s.points.map(\.lambda), losses = s.points.map(\.loss)
            m.record(Series(name: "sweep.lambda.N\(n)", x: .init("λ", lambdas), ys: [.init("N=\(n)", losses)]))
            m.record(Series(name: "sweep.tau.N\(n)",
                            x: .init("τ_epoch", lambdas.map { EMATimescale.epochs(lr: config.lr, weightDecay: $0, batchSize: config.batchSize, examples: n) }),
                            ys: [.init("N=\(n)", losses)]))
            rows.append(["\(n)", fmt(s.lambdaStar), fmt(tau), fmt(s.points[s.best].loss), s.censored ? "censored" : "interior",
                         "\(fmt(lambdas.first!))…\(fmt(lambdas.last!)) (\(lambdas.count))"])
        }
        m.record(Table(name: "data_sweep", header: ["N", "λ*", "τ_epoch*", "best test loss", "optimum", "λ grid (points)"], rows: rows))
        m.record(Series(name: "optimum.data", x: .init("N", config.sizes.map(Double.init)), ys: [.init("λ*", lambdaStars), .init("τ_epoch*", tauStars)]))

        // 2. How λ* and τ_epoch* scale with N, over the interior (uncensored) optima: a censored λ* is
        // only a bound, so it enters no slope, spread or guideline summary (NaN if none is interior).
        let interiorN = interior.map(\.n), interiorLambdas = interior.map(\.lambda), interiorTaus = interior.map(\.tau)
        let lambdaSpread = (interiorLambdas.max() ?? .nan) / (interiorLambdas.min() ?? .nan)
        let tauSpread = (interiorTaus.max() ?? .nan) / (interiorTaus.min() ?? .nan)
        m.record("data.lambda_slope", PowerLaw.exponent(x: interiorN, y: interiorLambdas), note: "d ln λ* / d ln N, interior optima only")
        m.record("data.tau_epoch_slope", PowerLaw.exponent(x: interiorN, y: interiorTaus), note: "d ln τ_epoch* / d ln N, interior optima only")
        m.record("data.lambda_spread", lambdaSpread, unit: "×")
        m.record("data.tau_epoch_spread", tauSpread, unit: "×")
        m.record("data.spread_ratio", log(tauSpread) / log(lambdaSpread), note: "ln(τ spread) / ln(λ spread)")
        m.record("data.tau_epoch_star.min", interiorTaus.min() ?? .nan, unit: "epochs")
        m.record("data.tau_epoch_star.max_over_epochs", (interiorTaus.max() ?? .nan) / Double(config.epochs))
        m.record("data.censored", Double(censored), note: "sweeps whose optimum stayed on the grid's edge")

        // 3. λ* and the hidden layer's τ_iter* against width, under μP and with a constant rate.
        let widths = config.widths.map(Double.init)
        var widthColumns: [Series.Column] = [], tauColumns: [Series.Column] = []
        var widthRows: [[String]] = []
        for scaling in [WidthScaling.muP, .constant] {
            var optima: [(width: Double, lambda: Double, tauIter: Double)] = [], armCensored = 0
            var armLambdas: [Double] = [], armTaus: [Double] = []
            for w in config.widths {
                var setting = base
                setting.width = w; setting.scaling = scaling
                let s = try sweep(setting, examples: config.widthSweepSize, note: "\(scaling.rawValue) width \(w)")
                let tauIter = EMATimescale.iterations(lr: setting.hiddenLR, weightDecay: s.lambdaStar)
                armLambdas.append(s.lambdaStar); armTaus.append(tauIter)
                if s.censored { armCensored += 1 } else { optima.append((Double(w), s.lambdaStar, tauIter)) }
                let key = "width.\(scaling.rawValue).w\(w)"
                m.record("\(key).lambda_star", s.lambdaStar)
                m.record("\(key).tau_iter_star", tauIter, unit: "iterations")
                m.record("\(key).best_loss", s.points[s.best].loss)
                m.record("\(key).censored", s.censored ? 1 : 0)
                m.record(Series(name: "sweep.\(key)", x: .init("λ", s.points.map(\.lambda)),
                                ys: [.init("\(scaling.rawValue) w=\(w)", s.points.map(\.loss))]))
                widthRows.append([scaling.rawValue, "\(w)", fmt(setting.hiddenLR), fmt(s.lambdaStar), fmt(tauIter),
                                  fmt(s.points[s.best].loss), s.censored ? "censored" : "interior"])
            }
            m.record("width.\(scaling.rawValue).lambda_slope", PowerLaw.exponent(x: optima.map(\.width), y: optima.map(\.lambda)),
                     note: "d ln λ* / d ln width, interior optima only")
            m.record("width.\(scaling.rawValue).tau_iter_slope", PowerLaw.exponent(x: optima.map(\.width), y: optima.map(\.tauIter)),
                     note: "d ln τ_iter* / d ln width (hidden matrix), interior optima only")
            m.record("width.\(scaling.rawValue).censored", Double(armCensored))
            widthColumns.append(.init("λ* \(scaling.rawValue)", armLambdas))
            tauColumns.append(.init("τ_iter* \(scaling.rawValue)", armTaus))
        }
        m.record(Series(name: "optimum.width", x: .init("width", widths), ys: widthColumns))
        m.record(Series(name: "optimum.width.tau_iter", x: .init("width", widths), ys: tauColumns))
        m.record(Table(name: "width_sweep", header: ["arm", "width", "η_hidden", "λ*", "τ_iter* (hidden)", "best test loss", "optimum"],
                       rows: widthRows))
        return m
    }

    static func fmt(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : "\(x)" }
}
