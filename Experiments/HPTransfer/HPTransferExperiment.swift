import Foundation
import ReproData
import ReproKit
import ReproNumerics
import ReproOptim
import ReproStats
import ReproTraining

/// Does the best Adam learning rate of a small model transfer to a wider or deeper one? Under the
/// standard parametrisation (SP) it drifts with width; μP (Yang et al., Tensor Programs V) derives
/// per-layer rules that keep it; FLeRM (Milsom, Anson & Aitchison) measures each layer's
/// function-space learning rate on the base model and rescales the larger model's per-layer rates
/// to match, with no derivation.
///
/// A trial, top to bottom: (1) the coordinate check, SP and μP, at every width; (2) width: sweep
/// the rate of the base-width MLP (FLeRM recording its function-space learning rates at every
/// rate), then at every wider width sweep it under SP, μP and FLeRM, starting around the base
/// optimum; (3) depth: the same for the residual MLP under SP and FLeRM; (4) the estimator against
/// a direct finite-difference measurement on the widest and deepest models; (5) per arm and size,
/// the regret of the base rate, the drift of the refined optimum, and whether wider is better at
/// every rate.
public enum HPTransferExperiment: Experiment {
    public struct Config: Codable, Sendable {
        public var training: TransferTraining
        /// Learning rates on the lattice 2^(k·lrStep).
        public var lrStep: Double
        /// The base sweeps start on lattice indices gridLowest…gridHighest; every other size on
        /// ±`margin` indices around the base optimum. Every sweep is then extended until its best
        /// point has `margin` runs on each side, by at most `maxExtension` runs per side.
        public var gridLowest: Int
        public var gridHighest: Int
        public var margin: Int
        public var maxExtension: Int
        public var coordinate: CoordinateSpec
        public var width: WidthSpec
        public var depth: DepthSpec
        public var estimator: EstimatorSpec
    }

    public struct CoordinateSpec: Codable, Sendable {
        /// Widths of the check (base: `width.baseWidth`).
        public var widths: [Int]
        public var batchSize: Int
        public var steps: Int
        public var lr: Double
    }

    public struct WidthSpec: Codable, Sendable {
        /// μP's and FLeRM's base width: the first of `widths`.
        public var widths: [Int]
        /// Width×width matrices of the MLP [784, w, …, w, 10].
        public var hiddenMatrices: Int
    }

    public struct DepthSpec: Codable, Sendable {
        public var width: Int
        /// Residual blocks of the base model.
        public var baseBlocks: Int
        /// Depth multipliers, the first 1.
        public var multipliers: [Int]
    }

    public struct EstimatorSpec: Codable, Sendable {
        /// Probes per check (41: the authors' first FLeRM call).
        public var probes: Int
        /// Probe counts at which the estimates are compared.
        public var checkpoints: [Int]
        /// The second check is after this many training steps.
        public var laterStep: Int
        /// Test examples of the direct measurement.
        public var referenceExamples: Int
        public var lr: Double
    }

    public static let presets = [
        Preset(name: "quick", seeds: 2, config: Config(
            training: TransferTraining(batchSize: 64, steps: 120, averagedSteps: 40),
            lrStep: 1, gridLowest: -12, gridHighest: -6, margin: 1, maxExtension: 2,
            coordinate: CoordinateSpec(widths: [16, 32, 64, 128], batchSize: 64, steps: 4, lr: 1e-3),
            width: WidthSpec(widths: [16, 32, 64], hiddenMatrices: 2),
            depth: DepthSpec(width: 32, baseBlocks: 1, multipliers: [1, 2, 4]),
            estimator: EstimatorSpec(probes: 41, checkpoints: [1, 10, 41], laterStep: 20, referenceExamples: 256, lr: 1e-3))),
        Preset(name: "full", seeds: 6, config: Config(
            training: TransferTraining(batchSize: 128, steps: 400, averagedSteps: 100),
            lrStep: 1, gridLowest: -14, gridHighest: -5, margin: 2, maxExtension: 3,
            coordinate: CoordinateSpec(widths: [32, 64, 128, 256, 512, 1024, 2048], batchSize: 128, steps: 4, lr: 1e-3),
            width: WidthSpec(widths: [32, 64, 128, 256, 512], hiddenMatrices: 2),
            depth: DepthSpec(width: 64, baseBlocks: 2, multipliers: [1, 2, 4, 8, 16]),
            estimator: EstimatorSpec(probes: 41, checkpoints: [1, 5, 10, 20, 41], laterStep: 100, referenceExamples: 1024, lr: 1e-3))),
    ]

    public static let paper = Paper(
        id: "hp-transfer", aliases: ["2502.17405", "2203.03466"],
        title: "Learning-rate transfer across width and depth: standard parametrisation, μP and FLeRM (Function-Space Learning Rates)",
        authors: "E. Milsom, B. Anson, L. Aitchison; G. Yang, E. J. Hu, I. Babuschkin, S. Sidor, X. Liu, D. Farhi, N. Ryder, J. Pachocki, W. Chen, J. Gao",
        year: 2025, url: "https://arxiv.org/abs/2502.17405")

    static let flermPaper = "Milsom, Anson & Aitchison, \"Function-Space Learning Rates\", ICML 2025 (PMLR 267:44225–44251; arXiv:2502.17405); code github.com/edwardmilsom/function-space-learning-rates-paper"
    static let tp5 = "Yang, Hu et al., \"Tensor Programs V: Tuning Large Neural Networks via Zero-Shot Hyperparameter Transfer\", arXiv:2203.03466; code github.com/microsoft/mup"
    static let flermURL = "https://arxiv.org/abs/2502.17405"
    static let tp5URL = "https://arxiv.org/abs/2203.03466"

    static let widthNote = "ReLU MLP [784, w, w, w, 10] on Fashion-MNIST (standardised, unpooled), widths 32–512 (16×, base 32; quick 16–64), Adam (PyTorch defaults, no decay) at a constant rate, batch 128, 400 steps (< 1 epoch; quick 64 × 120), train loss averaged over the last 100 batches as FLeRM's plots average the last 200; they used a residual MLP on CIFAR-10 (FLeRM, width ×1–×32, 50 epochs) and Transformers/ResNets (μP)."
    static let depthNote = "The authors' residual MLP (1/√L weight scaling, block size 1) with width 64 on Fashion-MNIST, 2 base blocks × depth multipliers 1–16 (quick: width 32, 1 block × 1–4), same training as the width sweep; theirs: width 128, 4 base blocks × 1–64 on CIFAR-10. μP has no depth rule here (its width rules are the identity at fixed width)."
    static let regretNote = "Regret of an arm at a size: ln(loss at the base width's best lattice rate / best loss of that arm's own sweep at that size), ≥ 0; judged at the largest size (16×) on shared seeds."

    public static let claims: [Claim] = [
        Claim(
            id: "coord-sp-hidden-grows",
            statement: "Under SP the hidden pre-activations' change after a few Adam steps grows with width (hidden quantities 'blow up with width in SP after 1 step').",
            measurement: "coord.SP.hidden_slope", paperValue: "grows with width (Adam theory: ∝ width, slope 1)",
            band: .atLeast(0.5), interval: .studentT,
            tolerance: "Chosen before any run: at least half the slope 1 that Adam's coherent width×width update predicts; a flat change would give 0. Log–log least-squares slope of std(h₄ − h₀) over widths 32–2048 per seed; Student-t across seeds. Widths changed once, band unchanged: the design had 32–1024; the quick smoke test (widths 16–128) showed the hidden change dominated by a width-independent term (the input layer's own Θ(1) change, large with 784 inputs, carried forward by W₂), so the check was extended to 2048 (Tensor Programs V's Fig. 5 goes to 4096) before the first full run.",
            source: Source(tp5, location: "§5 'Some Layers Update Too Fast, Others Too Slow' and Fig. 5 (std of the coordinates of x_t − x_0 over 4 Adam steps vs width)", url: tp5URL),
            differences: "The last hidden pre-activation of our MLP instead of a Transformer's attention logits; 4 Adam steps on one fixed batch of 128 at η = 10⁻³ (mup's coord_check default for Adam)."),
        Claim(
            id: "coord-sp-logits-grow",
            statement: "Under SP the logits' change after a few Adam steps grows with width.",
            measurement: "coord.SP.logits_slope", paperValue: "grows with width (Fig. 5 left: logits blow up in SP)",
            band: .atLeast(0.5), interval: .studentT,
            tolerance: "Chosen before any run, as coord-sp-hidden-grows.",
            source: Source(tp5, location: "Fig. 5 (left column, 'logits')", url: tp5URL),
            differences: "As coord-sp-hidden-grows."),
        Claim(
            id: "coord-mup-hidden-flat",
            statement: "Under μP the hidden pre-activations' change after a few Adam steps does not depend on width.",
            measurement: "coord.muP.hidden_slope", paperValue: "Θ(1) in width (slope 0)",
            band: .between(-0.25, 0.25), interval: .studentT,
            tolerance: "Chosen before any run: |slope| ≤ 0.25, at most a 2.8× change over our 64× range of widths (32–2048), a quarter of SP's predicted slope, so the two parametrisations are told apart.",
            source: Source(tp5, location: "Fig. 5 (bottom row, μP: 'all three are well-behaved with width'); §5 'µP is designed so that all hidden activations update with the same speed in terms of width'", url: tp5URL),
            differences: "As coord-sp-hidden-grows; μP as Microsoft's mup sets it for Adam (MuReadout, set_base_shapes' rescaling, MuAdam's lr/width_mult for width×width matrices)."),
        Claim(
            id: "coord-mup-logits-flat",
            statement: "Under μP the logits' change after a few Adam steps does not depend on width.",
            measurement: "coord.muP.logits_slope", paperValue: "Θ(1) in width (slope 0)",
            band: .between(-0.25, 0.25), interval: .studentT,
            tolerance: "Chosen before any run, as coord-mup-hidden-flat.",
            source: Source(tp5, location: "Fig. 5 (bottom row, 'logits')", url: tp5URL),
            differences: "As coord-mup-hidden-flat."),
        Claim(
            id: "coord-input-flat",
            statement: "Control: the input layer's pre-activation change, whose fan-in does not grow with width, is flat under both SP and μP (the SP arm's slope is reported).",
            measurement: "coord.SP.input_slope", paperValue: "Θ(1) in width ('word embeddings' in Fig. 5 right)",
            band: .between(-0.25, 0.25), interval: .studentT,
            tolerance: "Reported, not judged; the μP arm's slope is coord.muP.input_slope.",
            source: Source(tp5, location: "Fig. 5 (right column, 'word embedding')", url: tp5URL),
            differences: "Input layer 784 → w of our MLP instead of a Transformer's word embedding.", role: .control),
        Claim(
            id: "estimator-accurate",
            statement: "The Monte Carlo estimate of each layer's function-space learning rate is accurate from a few extra backward passes (FLeRM's default Kronecker form, after the first call's 41 probes).",
            measurement: "estimator.kronecker.rms_log_error", paperValue: "accurate with 'a few additional backward passes' (no error figure found)",
            band: .atMost(log(2) / 4), interval: .studentT,
            tolerance: "Chosen before any run: the RMS over tensors of ln(estimate/direct) at most ln 2 / 4 ≈ 0.17, a quarter of one ×2 step of our learning-rate grid: FLeRM sets each rate ∝ 1/estimate, so this is the RMS error it puts on the per-layer rates. The paper's text beyond its abstract could not be read here, so no paper number is compared.",
            source: Source(flermPaper, location: "Abstract ('a few additional backward passes'); flerm.py `_compute_delta_ell_fs` (approx_type='kronecker', β = 0.9); mlp_cifar10.py (40 warm-up probes + 1 at iteration 0)", url: flermURL),
            differences: "Checked on our widest SP MLP (w = 512) and deepest residual MLP (32 blocks), at the first step and after 100 steps at η = 10⁻³, against central finite differences of the outputs along the actual update on 1024 test images; RMS over all 4 (model, stage) cases' tensors per seed."),
        Claim(
            id: "estimator-iid",
            statement: "Control: the i.i.d. form of the estimator (flerm.py approx_type='iid'), which ignores correlations between the terms of the update's effect.",
            measurement: "estimator.iid.rms_log_error", paperValue: "— (an ablation in the code)",
            band: .atMost(log(2) / 4), interval: .studentT,
            tolerance: "Reported, not judged.",
            source: Source(flermPaper, location: "flerm.py `_compute_delta_ell_fs`, approx_type='iid'", url: flermURL),
            differences: "As estimator-accurate.", role: .control),
        Claim(
            id: "estimator-full-cov",
            statement: "Control: the unbiased full-covariance form (approx_type='full_cov'), with the most Monte Carlo noise.",
            measurement: "estimator.full_cov.rms_log_error", paperValue: "— (an ablation in the code)",
            band: .atMost(log(2) / 4), interval: .studentT,
            tolerance: "Reported, not judged.",
            source: Source(flermPaper, location: "flerm.py `_compute_delta_ell_fs`, approx_type='full_cov'", url: flermURL),
            differences: "As estimator-accurate.", role: .control),
        Claim(
            id: "estimator-cost",
            statement: "Control: extra backward passes FLeRM spends per training step (41 probes at the first call, one per later call every 100 steps).",
            measurement: "estimator.extra_backward_fraction", paperValue: "'minimal computational overhead'",
            band: .atMost(0.25), interval: .exact,
            tolerance: "Reported, not judged: a count fixed by the schedule and our number of steps (the authors' 50-epoch runs amortise the 41 warm-up probes over ~10⁴ steps).",
            source: Source(flermPaper, location: "Abstract; mlp_cifar10.py schedule", url: flermURL),
            differences: "400 steps instead of ~9800 (50 CIFAR-10 epochs at batch 256).", role: .control),
        Claim(
            id: "sp-optimum-drifts",
            statement: "Under SP the optimal learning rate shifts with width (down, for Adam), so a rate tuned on a small model does not transfer.",
            measurement: "width.SP.drift_log2", paperValue: "optimum shifts with width (Figs. 1 and 3 left)",
            band: .atMost(-1), interval: .studentT,
            tolerance: "Chosen before any run: at least one octave (×2) lower at 16× the width; Adam's width×width update predicts up to four. log₂ of the refined optimum (vertex of a least-squares parabola in log rate through the best lattice point and two neighbours each side) at w = 512 over that at w = 32, per seed.",
            source: Source(tp5, location: "Fig. 1 and Fig. 3 (left: SP training loss vs log₂ learning rate across widths)", url: tp5URL),
            differences: widthNote),
        Claim(
            id: "muP-optimum-stable",
            statement: "Under μP the optimal learning rate is stable across width.",
            measurement: "width.muP.drift_log2", paperValue: "optimum stable across width (Fig. 1, Fig. 3 right)",
            band: .between(-1, 1), interval: .studentT,
            tolerance: "Chosen before any run: within one ×2 grid step either way at 16× the width; at toy scale the optimum is flat, so a finer band would not be resolved by 6 seeds.",
            source: Source(tp5, location: "Fig. 1 and Fig. 3 (right: μP)", url: tp5URL),
            differences: widthNote),
        Claim(
            id: "flerm-optimum-stable-width",
            statement: "Under FLeRM the optimal (outer) learning rate is stable across width.",
            measurement: "width.FLeRM.drift_log2", paperValue: "hyperparameter transfer across width (ResMLP figures)",
            band: .between(-1, 1), interval: .studentT,
            tolerance: "Chosen before any run, as muP-optimum-stable.",
            source: Source(flermPaper, location: "Abstract ('FLeRM gives hyperparameter transfer across model width, depth, …'); mlpcifar10/resmlp_everystepflerm.sh (width ×1–×32)", url: flermURL),
            differences: widthNote + " FLeRM's base values come from the same seed's base-width run at the same rate (the authors average 8 recording seeds and transfer to a ninth)."),
        Claim(
            id: "muP-regret-below-SP",
            statement: "Transferring the base width's best rate costs less under μP than under SP.",
            measurement: "width.regret_SP_minus_muP", paperValue: "μTransfer beats naive (SP) transfer",
            band: .atLeast(0), interval: .pairedDifference,
            tolerance: "Chosen before any run: SP's regret minus μP's, paired on seeds, must be positive; zero or less means μP transfers no better.",
            source: Source(tp5, location: "§7, Tables 4–6 ('naive transfer' vs µTransfer); Fig. 1", url: tp5URL),
            differences: widthNote + " " + regretNote),
        Claim(
            id: "flerm-regret-below-SP",
            statement: "Transferring the base width's best rate costs less under FLeRM than under SP.",
            measurement: "width.regret_SP_minus_FLeRM", paperValue: "FLeRM transfers where the unnormalised baseline does not",
            band: .atLeast(0), interval: .pairedDifference,
            tolerance: "Chosen before any run, as muP-regret-below-SP.",
            source: Source(flermPaper, location: "Abstract; mlpcifar10/resmlp_unnormed.sh vs resmlp_everystepflerm.sh", url: flermURL),
            differences: widthNote + " " + regretNote),
        Claim(
            id: "flerm-regret-vs-muP",
            statement: "FLeRM's transfer across width is as good as μP's: its regret is at most μP's plus a small margin.",
            measurement: "width.regret_FLeRM_minus_muP", paperValue: "FLeRM gives transfer without deriving a parametrisation",
            band: .atMost(0.02), interval: .pairedDifference,
            tolerance: "Chosen before any run: FLeRM's regret minus μP's at most 0.02 (2% of the loss), paired on seeds; the papers make no direct comparison, so the margin is ours: a 2% loss difference is the smallest we would call a practical loss.",
            source: Source(flermPaper, location: "Abstract (transfer across width); compared with " + tp5, url: flermURL),
            differences: widthNote + " " + regretNote),
        Claim(
            id: "muP-wider-is-better",
            statement: "Under μP, at every fixed learning rate, the wider model trains to a loss at least as low ('training performance never decreases with width in μP, in contrast to SP').",
            measurement: "width.muP.wider_better", paperValue: "never decreases with width (curves do not cross)",
            band: .atLeast(0.9), interval: .proportion,
            tolerance: "Chosen before any run: at least 90% of (rate, width → 2·width) pairs with the wider model's loss lower, over every rate both widths ran; 'never' allows for seed noise where neighbouring widths' losses are nearly equal. A diverged wider model counts as worse; pairs where both diverged are left out.",
            source: Source(tp5, location: "§5 'Performance Advantage of µP' ('for any fixed HP combination, training performance never decreases with width in µP, in contrast to SP'; Figs. 1, 3, 16)", url: tp5URL),
            differences: widthNote),
        Claim(
            id: "flerm-wider-is-better",
            statement: "Under FLeRM, at every fixed outer learning rate, the wider model trains to a loss at least as low.",
            measurement: "width.FLeRM.wider_better", paperValue: "wider is better in the FLeRM width-transfer plots",
            band: .atLeast(0.9), interval: .proportion,
            tolerance: "Chosen before any run, as muP-wider-is-better.",
            source: Source(flermPaper, location: "ResMLP width-transfer figure (loss vs learning rate per width); the claim is μP's, asked of FLeRM by issue 18", url: flermURL),
            differences: widthNote),
        Claim(
            id: "sp-wider-is-better",
            statement: "Control: the same count under SP, where the curves are expected to cross at large rates.",
            measurement: "width.SP.wider_better", paperValue: "curves cross in SP",
            band: .atLeast(0.9), interval: .proportion,
            tolerance: "Reported, not judged.",
            source: Source(tp5, location: "§5 'Performance Advantage of µP'", url: tp5URL),
            differences: widthNote, role: .control),
        Claim(
            id: "muP-largest-is-better",
            statement: "Control: under μP, the rates at which the widest model (16×) trains to a lower loss than the base width (the comparison least blurred by run-to-run noise).",
            measurement: "width.muP.largest_better", paperValue: "never decreases with width",
            band: .atLeast(0.9), interval: .proportion,
            tolerance: "Reported, not judged; added beside muP-wider-is-better after the first one-seed full run, in which neighbouring wide widths (256, 512) differed by less than the run-to-run noise (≤ 0.004 in loss).",
            source: Source(tp5, location: "§5 'Performance Advantage of µP'", url: tp5URL),
            differences: widthNote, role: .control),
        Claim(
            id: "flerm-largest-is-better",
            statement: "Control: the same base-versus-widest count under FLeRM.",
            measurement: "width.FLeRM.largest_better", paperValue: "—",
            band: .atLeast(0.9), interval: .proportion,
            tolerance: "Reported, not judged (added with muP-largest-is-better).",
            source: Source(flermPaper, location: "ResMLP width-transfer figure", url: flermURL),
            differences: widthNote, role: .control),
        Claim(
            id: "sp-largest-is-better",
            statement: "Control: the same base-versus-widest count under SP.",
            measurement: "width.SP.largest_better", paperValue: "curves cross in SP",
            band: .atLeast(0.9), interval: .proportion,
            tolerance: "Reported, not judged (added with muP-largest-is-better).",
            source: Source(tp5, location: "§5 'Performance Advantage of µP'", url: tp5URL),
            differences: widthNote, role: .control),
        Claim(
            id: "flerm-regret-below-SP-depth",
            statement: "Across depth, transferring the base model's best rate costs less under FLeRM (with its depth split) than at a fixed rate.",
            measurement: "depth.regret_SP_minus_FLeRM", paperValue: "FLeRM gives transfer across depth",
            band: .atLeast(0), interval: .pairedDifference,
            tolerance: "Chosen before any run: SP's regret minus FLeRM's at 16× the depth, paired on seeds, must be positive.",
            source: Source(flermPaper, location: "Abstract; mlpcifar10/resmlp_everystepflerm.sh (depth ×1–×64); mlp_cifar10.py generate_masses_dict (depth split)", url: flermURL),
            differences: depthNote + " " + regretNote),
        Claim(
            id: "flerm-optimum-stable-depth",
            statement: "Under FLeRM the optimal (outer) learning rate is stable across depth.",
            measurement: "depth.FLeRM.drift_log2", paperValue: "hyperparameter transfer across depth",
            band: .between(-1, 1), interval: .studentT,
            tolerance: "Chosen before any run, as muP-optimum-stable (one ×2 grid step either way at 16× the depth).",
            source: Source(flermPaper, location: "Abstract; ResMLP depth-transfer figure", url: flermURL),
            differences: depthNote),
        Claim(
            id: "sp-optimum-depth",
            statement: "Control: the drift of the fixed-rate (SP) optimum across depth with the authors' 1/√L weight scaling.",
            measurement: "depth.SP.drift_log2", paperValue: "—",
            band: .between(-1, 1), interval: .studentT,
            tolerance: "Reported, not judged.",
            source: Source(flermPaper, location: "mlp_cifar10.py SimpleResMLP (weights / √depth_mult)", url: flermURL),
            differences: depthNote, role: .control),
    ]

    public static let figures: [Figure] = [
        Figure(id: "coord-check", title: "Coordinate check: std of x₄ − x₀ after 4 Adam steps (η = 10⁻³) vs width",
               series: ["coord.SP", "coord.muP"], xLabel: "width", yLabel: "std(x₄ − x₀)", xScale: .log, yScale: .log),
        Figure(id: "width-SP", title: "SP: train loss vs learning rate per width",
               series: seriesNames("width", arm: "SP", sizes: fullWidths), xLabel: "learning rate", yLabel: "train loss (last 100 batches)", xScale: .log),
        Figure(id: "width-muP", title: "μP: train loss vs learning rate per width",
               series: seriesNames("width", arm: "muP", sizes: fullWidths), xLabel: "learning rate", yLabel: "train loss (last 100 batches)", xScale: .log),
        Figure(id: "width-FLeRM", title: "FLeRM: train loss vs outer learning rate per width",
               series: seriesNames("width", arm: "FLeRM", sizes: fullWidths), xLabel: "outer learning rate", yLabel: "train loss (last 100 batches)", xScale: .log),
        Figure(id: "depth-SP", title: "Residual MLP at a fixed rate (SP): train loss vs learning rate per depth multiplier",
               series: seriesNames("depth", arm: "SP", sizes: fullDepths), xLabel: "learning rate", yLabel: "train loss (last 100 batches)", xScale: .log),
        Figure(id: "depth-FLeRM", title: "Residual MLP under FLeRM: train loss vs outer learning rate per depth multiplier",
               series: seriesNames("depth", arm: "FLeRM", sizes: fullDepths), xLabel: "outer learning rate", yLabel: "train loss (last 100 batches)", xScale: .log),
        Figure(id: "regret", title: "Regret of the base model's best rate at the largest size, per method",
               series: ["regret"], xLabel: "method (1 SP width, 2 μP width, 3 FLeRM width, 4 SP depth, 5 FLeRM depth)",
               yLabel: "ln(loss at base rate / best loss)"),
        Figure(id: "estimator", title: "Estimator error vs probes (RMS over tensors of ln(estimate / direct))",
               series: ["estimator.error"], xLabel: "probes", yLabel: "RMS log error", xScale: .log, yScale: .log),
    ]

    static let fullWidths = [32, 64, 128, 256, 512]
    static let fullDepths = [1, 2, 4, 8, 16]
    static func seriesNames(_ family: String, arm: String, sizes: [Int]) -> [String] {
        sizes.map { "\(family).sweep.\(arm).\($0)" }
    }

    public static let setup = """
    **Coordinate check** (Tensor Programs V, Fig. 5; mup's `coord_check`): ReLU MLP [784, w, w, w, 10] on \
    Fashion-MNIST, one fixed batch of 128, 4 Adam steps at η = 10⁻³, widths 32–2048; std over the batch's \
    coordinates of x_t − x₀ for the input layer's and the last hidden layer's pre-activations and the logits. SP: \
    PyTorch's initialisation, one rate. μP for Adam as Microsoft's `mup` sets it (MuReadout's 1/m output, \
    set_base_shapes' √m rescaling of the readout and of the biases of width-fan-in layers, MuAdam's η/m for \
    width×width matrices), base width 32.

    **Width transfer.** The same MLP trained by Adam (PyTorch defaults, no decay) at a constant rate, batch 128, \
    400 steps over the 60k training images; the metric is the train loss averaged over the last 100 batches (the \
    FLeRM paper plots the last 200). Rates on the lattice 2ᵏ. The base width (32) is swept from 2⁻¹⁴ to 2⁻⁵ and \
    extended until its best rate has two evaluated neighbours on each side; every other width and arm starts at \
    the base optimum ± 2 and is extended the same way. Arms: SP; μP; FLeRM (SP initialisation, per-tensor rates \
    set every 100 steps from the base width's function-space learning rates recorded at the same outer rate, 41 \
    probes at the first call, Kronecker estimator, β = 0.9, as the authors' `flerm.py` and `mlp_cifar10.py`). \
    At the base width the three arms are one run, and it is also FLeRM's recording run (same seed).

    **Depth transfer.** The authors' residual MLP (x ← x + W·relu(x) + b, hidden weights N(0, 2/w)/√L), width \
    64, 2 base blocks × multipliers 1–16; arms SP (one rate) and FLeRM with their depth split (each copy of a \
    base block gets 1/L of its value). Same training and sweeps.

    **Estimator.** On the widest SP MLP and the deepest residual MLP, at the first step and after 100 steps \
    (η = 10⁻³): ΔW from one Adam step at rate 1, the iid, full-covariance and Kronecker estimates from 1–41 \
    probes on training batches, against central finite differences of the outputs along ΔW on 1024 test images.

    **Summaries per seed.** Regret of an arm at a size: ln(loss at the base width's best lattice rate / best loss \
    of that arm's sweep at that size). Drift: log₂ of the refined optimum (five-point least-squares parabola in \
    log rate) at the largest size over the base. Wider-is-better: the count of (rate, w → 2w) pairs whose wider \
    loss is lower, over the rates both ran. Coordinate slopes: least squares of ln std on ln width. Claims name \
    their intervals (Student-t, paired-t on shared seeds, pooled proportion).

    **Quick preset.** Widths 16–64, depth 32 × 1–4 blocks, batch 64 × 120 steps, coordinate check to width 128: \
    a smoke test, not judged.

    **Differences from the papers.** Fashion-MNIST instead of CIFAR-10 / WikiText / IWSLT; models of 0.03–1 M \
    parameters; 400 steps instead of 50 epochs; widths ×16 (FLeRM ×32, μP up to ×32 and more); depths ×16 (FLeRM \
    ×64); FLeRM's base values from one seed's base run, not the mean of 8 seeds; no schedule, no weight decay.
    """
}
