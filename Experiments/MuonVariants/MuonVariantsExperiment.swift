import Foundation
import ReproData
import ReproKit
import ReproNumerics
import ReproOptim
import ReproStats
import ReproTraining

/// Which Muon variants are robust to the learning rate? Crawshaw, Modi, Liu & Gower build Muon
/// variants from a per-layer norm, a product norm and a step type, and find MuonMax (a
/// regularised step) and Momo truncation far less sensitive to the learning rate than the NanoGPT
/// Muon (MuonAdam) and Scion.
///
/// A trial, per seed: every variant's final validation loss over the lattice 2^(k/2) from 2⁻¹² to
/// 2⁰ (extended until two runs rise past the best on each side), on the character GPT of
/// muon-compute; each variant's best loss and the log₂ width of the basin where its loss stays
/// within 5% (10%) of that best; paired differences between variants on the same seed. Then
/// Scion's best rate at three widths, and the same sweeps on the character MLP as a cross-check.
public enum MuonVariantsExperiment: Experiment {
    public struct Model: Codable, Sendable, Equatable {
        public var spec: ModelSpec
        public var batchSize: Int
        public var steps: Int
        /// Lattice step in log₂ units.
        public var latticeStep: Double
    }

    public struct Config: Codable, Sendable {
        public var main: Model
        /// The same sweeps on a second model (controls); nil in the quick preset.
        public var crosscheck: Model?
        /// log₂ of the lowest and highest rate of the starting grid.
        public var lowestLog2: Double
        public var highestLog2: Double
        /// At most this many lattice points added on each side while the best lacks two runs there.
        public var extensions: Int
        public var variants: [Variant]
        /// Momo's f_*.
        public var lowerBound: Float
        /// Model widths (GPT d) at which Scion's best rate is found again (the main width included).
        public var transferWidths: [Int]
        public var validationPredictions: Int
    }

    static let gpt = ModelSpec.gpt(dimension: 64, layers: 2, heads: 4, context: 32)
    static let mlp = ModelSpec.mlp(context: 8, embedding: 16, hidden: 64)

    public static let presets = [
        Preset(name: "quick", seeds: 2, config: Config(
            main: Model(spec: mlp, batchSize: 32, steps: 60, latticeStep: 1), crosscheck: nil,
            lowestLog2: -10, highestLog2: -1, extensions: 2, variants: Variant.allCases, lowerBound: 0,
            transferWidths: [], validationPredictions: 1024)),
        Preset(name: "full", seeds: 4, config: Config(
            main: Model(spec: gpt, batchSize: 16, steps: 200, latticeStep: 0.5),
            crosscheck: Model(spec: mlp, batchSize: 64, steps: 200, latticeStep: 1),
            lowestLog2: -12, highestLog2: 0, extensions: 4, variants: Variant.allCases, lowerBound: 0,
            transferWidths: [32, 64, 128], validationPredictions: 4096)),
    ]

    public static let paper = Paper(
        id: "muon-variants", aliases: ["2510.09827", "2502.07529"],
        title: "An Exploration of Non-Euclidean Gradient Descent: Muon and its Many Variants (Crawshaw et al. 2025); Training Deep Learning Models with Norm-Constrained LMOs (Scion, Pethick et al. 2025)",
        authors: "M. Crawshaw, C. Modi, M. Liu, R. M. Gower; T. Pethick, W. Xie, K. Antonakopoulos, Z. Zhu, A. Silveti-Falls, V. Cevher",
        year: 2025, url: "https://arxiv.org/abs/2510.09827")

    static let crawshaw = Source("Crawshaw, Modi, Liu & Gower, \"An Exploration of Non-Euclidean Gradient Descent: Muon and its Many Variants\", arXiv:2510.09827v1",
                                 location: "Abstract; Fig. 1 (final validation loss vs learning rate, GPT2-Large on SlimPajama, 1B tokens). Only the abstract and Fig. 1's caption could be read; the update rules come from the authors' code (gptopt/optim/nesgd.py).",
                                 url: "https://arxiv.org/abs/2510.09827")
    static let scionSource = Source("Pethick et al., \"Training Deep Learning Models with Norm-Constrained LMOs\", arXiv:2502.07529 (ICML 2025)",
                                    location: "Abstract (\"hyperparameter transfer across model sizes\"); repository LIONS-EPFL/scion, examples/shallow-nanogpt (Shakespeare-char width sweeps 256–2048)",
                                    url: "https://arxiv.org/abs/2502.07529")
    static let scale = "Ours: a character GPT (d = 64, 2 blocks, 4 heads, context 32, ≈0.1M parameters) on Shakespeare, 200 steps of 16 windows (≈100k characters); theirs: GPT2-Large (774M) on SlimPajama, 1B tokens, batch 2¹⁹ tokens. Same schedule shape as their code (constant for 40%, then linear decay to 0.1×), no weight decay (their presets: 0), f_* = 0 for Momo (their code: 3.2, near their attainable loss; 0 is Momo's own default and the only bound we know before running). Float32 polar factors (theirs bfloat16)."
    static let basinNote = "Basin = the log₂-width of the learning-rate interval, contiguous with the best lattice rate, over which the final validation loss stays ≤ (1 + δ)·best, its edges interpolated linearly between the last lattice point inside and the first outside (halfway towards a diverged neighbour); lattice step 2^½."

    public static let claims: [Claim] = [
        Claim(
            id: "muonmax-wider",
            statement: "MuonMax is significantly more robust to the learning rate than MuonAdam (the NanoGPT Muon): its good-learning-rate basin is wider.",
            measurement: "basin5.muonmax_minus_muonadam", paperValue: "\"significantly more robust\" (no number)",
            band: .atLeast(0), interval: .pairedDifference,
            tolerance: "Fixed before any run: the claim is directional, so the band is any positive difference of 5%-basin widths (log₂ units), paired on seeds; 10% basins are reported as a control.",
            source: crawshaw, differences: basinNote + " " + scale),
        Claim(
            id: "momo-wider-than-muonmax",
            statement: "MuonMax-Momo is more robust still: its basin is wider than MuonMax's.",
            measurement: "basin5.muonmax_momo_minus_muonmax", paperValue: "more robust (no number)",
            band: .atLeast(0), interval: .pairedDifference,
            tolerance: "Fixed before any run: directional, any positive paired difference of 5%-basin widths.",
            source: crawshaw, differences: basinNote + " " + scale),
        Claim(
            id: "momo-adam-wider-than-muonmax",
            statement: "MuonAdam-Momo is more robust than MuonMax: its basin is wider.",
            measurement: "basin5.muonadam_momo_minus_muonmax", paperValue: "more robust (no number)",
            band: .atLeast(0), interval: .pairedDifference,
            tolerance: "Fixed before any run: directional, any positive paired difference of 5%-basin widths.",
            source: crawshaw, differences: basinNote + " " + scale),
        Claim(
            id: "momo-best-loss",
            statement: "MuonMax-Momo's best validation loss is no worse than MuonAdam's (the Momo variants 'often reach a better validation score').",
            measurement: "best_loss_ratio.muonmax_momo_over_muonadam", paperValue: "no worse, often better",
            band: .atMost(1.01), interval: .logRatio,
            tolerance: "Fixed before any run: 'no worse' read as at most 1% above MuonAdam's best loss (≈ 0.02 nats/char at our losses, the size of a lattice step's change near the optimum); ratio of the two best losses on each seed.",
            source: crawshaw, differences: "Best over the same lattice for both. " + scale),
        Claim(
            id: "momo-adam-best-loss",
            statement: "MuonAdam-Momo's best validation loss is no worse than MuonAdam's.",
            measurement: "best_loss_ratio.muonadam_momo_over_muonadam", paperValue: "no worse, often better",
            band: .atMost(1.01), interval: .logRatio,
            tolerance: "Fixed before any run, as momo-best-loss.",
            source: crawshaw, differences: "Best over the same lattice for both. " + scale),
        Claim(
            id: "scion-not-wider",
            statement: "Scion, like MuonAdam, needs precise tuning: its basin is no wider than MuonAdam's.",
            measurement: "basin5.scion_minus_muonadam", paperValue: "needs precise tuning (Fig. 1)",
            band: .atMost(0.5), interval: .pairedDifference,
            tolerance: "Fixed before any run: 'no wider' allows one lattice step (0.5 in log₂), the sweep's resolution.",
            source: crawshaw,
            differences: "Their Scion in Fig. 1 is NESGD's `scion` preset (unconstrained LMO, sign on non-matrix layers, no radii); ours is Pethick et al.'s constrained Scion with the radii of their Shakespeare-char runs (embedding 1, blocks 3, head 10; vectors 1), α = 0.1. The unconstrained form is judged separately (uscion-not-wider). " + basinNote + " " + scale),
        Claim(
            id: "uscion-not-wider",
            statement: "Unconstrained Scion's basin is no wider than MuonAdam's.",
            measurement: "basin5.uscion_minus_muonadam", paperValue: "needs precise tuning (Fig. 1)",
            band: .atMost(0.5), interval: .pairedDifference,
            tolerance: "Fixed before any run, as scion-not-wider.",
            source: crawshaw, differences: "uScion: x ← x − γ·ρ·dir(d), Pethick et al.'s radii. " + basinNote + " " + scale),
        Claim(
            id: "scion-width-transfer",
            statement: "Scion's optimal learning rate transfers across width: it moves by less than one lattice step from d = 32 to d = 128.",
            measurement: "scion.transfer_drift_log2", paperValue: "transfer across model sizes",
            band: .between(-0.5, 0.5), interval: .studentT,
            tolerance: "Fixed before any run: one lattice step (2^½) either way over a 4× width range. Best rate = vertex of the parabola through five lattice points in (log₂ lr, log loss), clamped to ±1 step. If the interval is wider than the band the claim cannot be resolved at our seeds (inconclusive).",
            source: scionSource,
            differences: "Widths 32/64/128 (theirs 256–2048), 2 blocks, 200 steps; sweep started around the d = 64 optimum and extended until bracketed."),
        Claim(
            id: "muonmax-wider-10pct",
            statement: "Control: the MuonMax − MuonAdam difference of 10%-basin widths.",
            measurement: "basin10.muonmax_minus_muonadam", paperValue: "—",
            band: .atLeast(0), interval: .pairedDifference,
            tolerance: "No verdict: the 10% reading of the main claim.", source: crawshaw, differences: basinNote,
            role: .control),
        Claim(
            id: "mistuned-muonmax-momo",
            statement: "Control: MuonMax-Momo's loss at MuonAdam's best lattice rate, over its own best loss (what reusing a rate tuned for MuonAdam costs).",
            measurement: "muonmax_momo.loss_at_muonadam_lr_ratio", paperValue: "—",
            band: .atMost(1.05), interval: .logRatio,
            tolerance: "No verdict.", source: crawshaw, differences: scale, role: .control),
        Claim(
            id: "crosscheck-muonmax-wider",
            statement: "Control: on the character MLP, the MuonMax − MuonAdam difference of 5%-basin widths.",
            measurement: "mlp.basin5.muonmax_minus_muonadam", paperValue: "—",
            band: .atLeast(0), interval: .pairedDifference,
            tolerance: "No verdict: whether the GPT's answer carries over to another small model.", source: crawshaw,
            differences: "char-MLP (8 characters × 16-dim embedding → 64 → 64 → 65), batch 64, 200 steps, lattice 2^k.", role: .control),
    ]

    static let optimizerAxis = "optimizer (" + Variant.allCases.enumerated().map { "\($0.offset + 1) \($0.element.rawValue)" }.joined(separator: ", ") + ")"

    public static let figures: [Figure] = [
        Figure(id: "loss-vs-lr", title: "Final validation loss vs peak learning rate, char GPT", series: ["sweep"],
               xLabel: "peak learning rate", yLabel: "final validation loss (nats/char)", xScale: .log),
        Figure(id: "normalised-loss-vs-lr", title: "Final loss over each optimiser's best, char GPT; the 5% and 10% basin thresholds",
               series: ["sweep_normalised"], xLabel: "peak learning rate", yLabel: "loss / best loss", xScale: .log,
               references: [.init(1.05, "5% basin"), .init(1.10, "10% basin")]),
        Figure(id: "basins-zoom", title: "The basins up close: loss over each optimiser's best, points above 1.25× left out (all points: normalised-loss-vs-lr)",
               series: ["sweep_zoom"], xLabel: "peak learning rate", yLabel: "loss / best loss", xScale: .log,
               references: [.init(1.05, "5% basin"), .init(1.10, "10% basin")]),
        Figure(id: "basin-widths", title: "Width of the learning-rate basin (log₂ units), char GPT", series: ["basins"],
               xLabel: optimizerAxis, yLabel: "basin width (log₂ lr)"),
        Figure(id: "best-loss", title: "Best final validation loss per optimiser, char GPT", series: ["best_loss"],
               xLabel: optimizerAxis, yLabel: "best loss (nats/char)"),
        Figure(id: "scion-transfer", title: "Scion's best learning rate vs model width", series: ["scion_transfer"],
               xLabel: "width d", yLabel: "log₂ best learning rate", xScale: .log),
        Figure(id: "mlp-loss-vs-lr", title: "Final validation loss vs peak learning rate, char MLP (cross-check)", series: ["mlp.sweep"],
               xLabel: "peak learning rate", yLabel: "final validation loss (nats/char)", xScale: .log),
    ]

    public static let setup = """
    **Question.** Crawshaw et al. (arXiv 2510.09827) claim that the NanoGPT Muon (MuonAdam) and Scion need \
    precise learning-rate tuning, MuonMax is much more robust, and Momo truncation makes both more robust still \
    while often reaching a better loss. We sweep every optimiser's peak rate over the same lattice and measure \
    how wide each one's good-rate basin is.

    **Optimisers** (ReproOptim `NonEuclideanSGD`, `Scion`; every line cites the authors' code). MuonAdam: LMO \
    step, max product norm, polar(M) on hidden matrices (Polar Express ×5, momentum 0.95 without Nesterov), \
    Adam-∞ (β 0.95/0.95, no bias correction) elsewhere. MuonMax: regularised step, hybrid product norm (ℓ1 of \
    the spectral duals, ℓ2 of the Adam-2 duals), so each matrix moves by η·Σ‖M‖_*·polar(M). Momo variants: \
    η_t = min(η, N_t/D_t²) (regularised) or min(η, N_t/D_t) (LMO) with N_t from the EMA loss model and \
    f_* = 0. Scion: d ← 0.9·d + 0.1·g, x ← (1 − γ)x − γ·ρ·dir(d) with spectral √(d_out/d_in)·polar on hidden \
    matrices (ρ 3), sign on the embedding (ρ 1), sign/d_in on the head (ρ 10), g/RMS(g) on vectors (ρ 1); \
    uScion drops the (1 − γ) factor. Where the papers leave a choice open we took the authors' code's \
    choice: NESGD's momentum without Nesterov and its unclipped Momo numerator; Scion's radii from its \
    Shakespeare-char examples.

    **Protocol.** The character GPT of muon-compute (d = 64, 2 pre-norm blocks, 4 heads, context 32) on \
    Shakespeare (90% train / 10% validation), batch 16 windows, 200 steps, the authors' schedule shape \
    (constant for 40% of the steps, then linear decay to 0.1×; their `constant-linear`). Every optimiser's \
    peak rate η runs on the lattice 2^(k/2), k = −24 … 0 (2⁻¹² … 2⁰), extended by up to 4 points per side while \
    the best rate has fewer than two runs above or below it; diverged runs stop at once and count as loss +∞. \
    All runs of one seed share the initialisation, the training windows and the validation sample \
    (4 096 predicted characters), so differences between optimisers are paired. The quick preset (smoke \
    test) runs the character MLP, 60 steps of 32 windows, on the lattice 2^k from 2⁻¹⁰ to 2⁻¹.

    **Measures.** Per optimiser: the best final loss on the lattice; the 5% and 10% basins (the log₂ width of \
    the contiguous interval of rates around the best whose loss is ≤ (1 + δ)·best, edges interpolated \
    linearly in the loss between lattice points, halfway towards a diverged neighbour, censored where the \
    sweep ends: `*.basin_censored`); the loss at MuonAdam's best lattice rate over the optimiser's own best \
    (the cost of reusing a rate tuned for MuonAdam). Comparisons are per-seed paired differences of basin \
    widths (paired t) and ratios of best losses (log-ratio t).

    **Width transfer (Scion).** The same sweep for Scion at d = 32 and 128 (4 heads), started at the d = 64 \
    optimum ± 2 lattice points and extended until bracketed; the best rate is the vertex of the parabola \
    through five lattice points in (log₂ η, log loss). Drift = best log₂ η at 128 minus at 32.

    **Cross-check.** The same six sweeps on the character MLP of muon-compute (batch 64, 200 steps, lattice 2^k): controls.

    **Differences from the papers.** \(scale)
    """

    public static func run(_ trial: Trial<Config>, _ context: RunContext) throws -> Measurements {
        let config = trial.config
        let corpus = try ShakespeareCorpus.load(dataDirectory: context.dataDirectory)
        let (train, validationStream) = corpus.split(validationFraction: 0.1)
        var m = Measurements()
        let schedule = LRSchedule(.warmupStableDecay(decayFraction: 0.6), warmupSteps: 0, minFactor: 0.1)
        func study(_ model: Model) -> RobustnessStudy {
            var rng = RNG(seed: trial.seed, stream: RNG.Stream.evaluation)
            let validation = TokenBatch.random(from: validationStream, batchSize: config.validationPredictions / model.spec.predictionsPerWindow,
                                               context: model.spec.context, rng: &rng)
            let setting = RunSetting(model: model.spec, vocabulary: corpus.vocabularySize, batchSize: model.batchSize,
                                     warmupFraction: 0, minLRFactor: 0.1, train: train, validation: validation,
                                     evaluationChunk: 256, seed: trial.seed)
            let lattice = LogLattice.powersOfTwo(step: model.latticeStep)
            let start = Int((config.lowestLog2 / model.latticeStep).rounded())...Int((config.highestLog2 / model.latticeStep).rounded())
            return RobustnessStudy(setting: setting, steps: model.steps, schedule: schedule, lattice: lattice, start: start,
                                   extensions: config.extensions, lowerBound: config.lowerBound)
        }
        let gridRuns = { (model: Model) in Int(((config.highestLog2 - config.lowestLog2) / model.latticeStep).rounded()) + 1 }
        let planned = config.variants.count * (gridRuns(config.main) + (config.crosscheck.map(gridRuns) ?? 0))
            + max(0, config.transferWidths.count - 1) * 7
        var done = 0
        let progress = { (note: String) in done += 1; context.progress(done, of: max(done, planned), note) }

        let main = study(config.main)
        var sweeps: [Variant: LatticeSweep<RunResult>] = [:]
        for v in config.variants {
            sweeps[v] = try main.sweep(v, progress: { progress("GPT: " + $0) }, cancellation: context.checkCancellation)
        }
        record(sweeps, prefix: "", variants: config.variants, into: &m)

        if let crosscheck = config.crosscheck {
            let mlp = study(crosscheck)
            var mlpSweeps: [Variant: LatticeSweep<RunResult>] = [:]
            for v in config.variants {
                mlpSweeps[v] = try mlp.sweep(v, progress: { progress("MLP: " + $0) }, cancellation: context.checkCancellation)
            }
            record(mlpSweeps, prefix: "mlp.", variants: config.variants, into: &m)
        }

        if !config.transferWidths.isEmpty, let scion = sweeps[.scion], case let .gpt(d, layers, heads, window) = config.main.spec {
            var best: [(width: Int, log2: Double)] = []
            for width in config.transferWidths {
                let r: Robustness
                if width == d {
                    r = Robustness(scion)
                } else {
                    var setting = main.setting
                    setting.model = .gpt(dimension: width, layers: layers, heads: heads, context: window)
                    let sweep = try main.sweep(.scion, indices: (scion.best - 2)...(scion.best + 2), setting: setting,
                                               progress: { progress("Scion d=\(width): " + $0) }, cancellation: context.checkCancellation)
                    r = Robustness(sweep)
                    m.record("scion.d\(width).censored", successes: sweep.censored ? 1 : 0, trials: 1, note: "best rate still on the sweep's edge")
                }
                m.record("scion.best_lr_log2.d\(width)", r.bestLog2)
                best.append((width, r.bestLog2))
            }
            m.record("scion.transfer_drift_log2", best.last!.log2 - best.first!.log2,
                     note: "best log₂ rate at d = \(best.last!.width) minus at d = \(best.first!.width)")
            m.record(Series(name: "scion_transfer", x: .init("width d", best.map { Double($0.width) }),
                            ys: [.init("Scion best log₂ lr", best.map(\.log2))]))
        }
        return m
    }

    /// Per-variant robustness, the paired comparisons and the figures' series of one model.
    static func record(_ sweeps: [Variant: LatticeSweep<RunResult>], prefix p: String, variants: [Variant], into m: inout Measurements) {
        var robustness: [Variant: Robustness] = [:]
        for v in variants {
            let sweep = sweeps[v]!, r = Robustness(sweep)
            robustness[v] = r
            m.record("\(p)\(v.key).best_loss", r.bestLoss, unit: "nats/char")
            m.record("\(p)\(v.key).best_lr_log2", r.bestLog2, note: "parabola vertex through five lattice points in (log₂ lr, log loss)")
            m.record("\(p)\(v.key).basin5_log2", r.basin5?.widthLog2 ?? .nan)
            m.record("\(p)\(v.key).basin10_log2", r.basin10?.widthLog2 ?? .nan)
            m.record("\(p)\(v.key).basin_censored", successes: (r.basin10?.censored ?? true) ? 1 : 0, trials: 1,
                     note: "the 10% basin reached the end of the sweep (its width is a lower bound)")
            m.record("\(p)\(v.key).runs", Double(sweep.indices.count), note: "lattice points run")
            if let reference = sweeps[.muonAdam], let loss = sweep.value(reference.best) {
                m.record("\(p)\(v.key).loss_at_muonadam_lr_ratio", loss / r.bestLoss,
                         note: "loss at MuonAdam's best lattice rate over this optimiser's best")
            }
        }
        func difference(_ a: Variant, _ b: Variant) {
            guard let ra = robustness[a], let rb = robustness[b] else { return }
            for (name, wa, wb) in [("basin5", ra.basin5, rb.basin5), ("basin10", ra.basin10, rb.basin10)] {
                m.record("\(p)\(name).\(a.key)_minus_\(b.key)", (wa?.widthLog2 ?? .nan) - (wb?.widthLog2 ?? .nan), note: "paired on this seed")
            }
        }
        difference(.muonMax, .muonAdam)
        difference(.muonMaxMomo, .muonMax)
        difference(.muonAdamMomo, .muonMax)
        difference(.muonMaxMomo, .muonAdam)
        difference(.muonAdamMomo, .muonAdam)
        difference(.scion, .muonAdam)
        difference(.uScion, .muonAdam)
        for v in [Variant.muonAdamMomo, .muonMaxMomo] {
            if let r = robustness[v], let a = robustness[.muonAdam] {
                m.record("\(p)best_loss_ratio.\(v.key)_over_muonadam", r.bestLoss / a.bestLoss)
            }
        }
        // Series on one fixed x axis (the starting grid ± the extensions) so seeds line up.
        let all = sweeps.values.flatMap(\.indices)
        guard let lo = all.min(), let hi = all.max(), let lattice = sweeps.values.first?.lattice else { return }
        let xs = Array(lo...hi)
        func column(_ v: Variant, normalised: Bool) -> Series.Column {
            let sweep = sweeps[v]!, best = sweep.bestObjective
            return .init(v.rawValue, xs.map { k in
                guard let value = sweep.value(k), value.isFinite else { return .nan }
                return normalised ? value / best : value
            })
        }
        m.record(Series(name: "\(p)sweep", x: .init("learning rate", xs.map(lattice.value)),
                        ys: variants.map { column($0, normalised: false) }))
        m.record(Series(name: "\(p)sweep_normalised", x: .init("learning rate", xs.map(lattice.value)),
                        ys: variants.map { column($0, normalised: true) }))
        m.record(Series(name: "\(p)sweep_zoom", x: .init("learning rate", xs.map(lattice.value)),
                        ys: variants.map { v in
                            let c = column(v, normalised: true)
                            return .init(c.label, c.values.map { $0 <= 1.25 ? $0 : .nan })
                        }))
        let order = Variant.allCases.filter(variants.contains)
        m.record(Series(name: "\(p)basins", x: .init(optimizerAxis, order.map { Double(Variant.allCases.firstIndex(of: $0)! + 1) }),
                        ys: [.init("5% basin", order.map { robustness[$0]!.basin5?.widthLog2 ?? .nan }),
                             .init("10% basin", order.map { robustness[$0]!.basin10?.widthLog2 ?? .nan })]))
        m.record(Series(name: "\(p)best_loss", x: .init(optimizerAxis, order.map { Double(Variant.allCases.firstIndex(of: $0)! + 1) }),
                        ys: [.init("best final validation loss", order.map { robustness[$0]!.bestLoss })]))
    }
}
