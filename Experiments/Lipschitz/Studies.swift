import Foundation
import ReproData
import ReproKit
import ReproNumerics
import ReproOptim
import ReproTraining

/// One method's runs in a study: its rate sweep at the tuning strength and one run per other
/// strength at the tuned rate.
struct MethodRuns {
    var method: Method
    var lr: Double
    var censored: Bool
    /// Every run of the rate sweep (at the tuning strength).
    var tuning: [RunOutcome]
    /// (strength, run) for every strength, the tuning strength's being the sweep's best run.
    var byStrength: [(strength: Double, outcome: RunOutcome)]
    var tuningStrength: Double

    /// Every run that trained (rates above the method's limit were not run).
    var all: [RunOutcome] { (tuning + byStrength.filter { $0.strength != tuningStrength }.map(\.outcome)).filter { !$0.skipped } }
    var best: RunOutcome { byStrength.first { $0.strength == tuningStrength }!.outcome }
}

/// Runs methods on one trainee factory with a plan's grids.
struct MethodSweeper {
    var plan: SweepPlan
    var steps: Int
    var make: () -> any Trainee
    var context: RunContext
    var progress: (String) -> Void

    typealias SweepPlan = LipschitzExperiment.SweepPlan

    func strengths(_ c: ConstraintKind) -> (all: [Double], tuning: Double) {
        switch c {
        case .weightDecay: (plan.decays, plan.decays[0])
        case .spectralNormalize, .softCap, .spectralHammer: (plan.caps, plan.tuningCap)
        case .manifold: ([0], 0)
        }
    }

    /// Tunes the rate at the tuning strength (or at `strengths` given explicitly), then runs the
    /// other strengths at it. `make` may be overridden (the layer-norm baseline).
    func run(_ method: Method, strengths given: (all: [Double], tuning: Double)? = nil, guess: Double? = nil,
             make other: (() -> any Trainee)? = nil) throws -> MethodRuns {
        let (all, tuning) = given ?? strengths(method.constraint)
        let factory = other ?? make
        func trainAt(_ strength: Double, _ lr: Double) throws -> RunOutcome {
            if lr > method.maxRate(strength: strength) { return .skippedRun }
            progress("\(method.label) \(strength) lr \(lr)")
            return try train(factory, method: method, strength: strength, lr: lr, steps: steps,
                             traceEvery: plan.traceEvery, curvePoints: plan.curvePoints,
                             cancellation: context.checkCancellation)
        }
        var sweep = LatticeSweep<RunOutcome>(lattice: .powersOfTwo(step: 1), objective: { $0.loss })
        let k0 = sweep.lattice.index(nearest: guess ?? plan.guess(method.optimizer))
        try sweep.evaluate([k0 - 1, k0, k0 + 1]) { try trainAt(tuning, $0) }
        try sweep.extend(margin: 1, maxPerSide: plan.maxExtensions) { try trainAt(tuning, $0) }
        let lr = sweep.bestValue
        var byStrength: [(strength: Double, outcome: RunOutcome)] = []
        for s in all {
            // A rate above the method's limit at this strength runs at the limit instead.
            byStrength.append((s, s == tuning ? sweep.bestOutcome : try trainAt(s, min(lr, method.maxRate(strength: s)))))
        }
        let atLimit = sweep.outcomes[sweep.best + 1]?.skipped ?? false
        return MethodRuns(method: method, lr: lr, censored: sweep.censored || atLimit, tuning: sweep.points.map(\.outcome),
                          byStrength: byStrength, tuningStrength: tuning)
    }
}

/// What the two studies record alike.
enum StudyRecord {
    /// The bound grid of the fronts: 13 points evenly spaced in log b from a quarter decade below
    /// the smallest cap's target to a quarter decade above the largest's.
    static func boundGrid(caps: [Double], target: (Double) -> Double) -> [Double] {
        let lo = log10(target(caps.min()!)) - 0.25, hi = log10(target(caps.max()!)) + 0.25
        return (0..<13).map { pow(10, lo + (hi - lo) * Double($0) / 12) }
    }

    /// Per method: tuned rate, censoring, accuracy and bound per strength; fronts, gaps, the worst
    /// bound ratio of the enforcing runs and the traces of each method's tuning-strength run.
    static func record(_ runs: [MethodRuns], prefix: String, grid: [Double], floor: Double,
                       into m: inout Measurements) {
        var fronts: [Method: [Double]] = [:]
        for r in runs {
            let key = "\(prefix).\(r.method.key)"
            m.record("\(key).lr", r.lr, note: "tuned peak rate")
            m.record("\(key).lr_censored", r.censored ? 1 : 0, note: "1: best rate on the lattice's edge after extension, or the largest rate the method allows")
            for (s, o) in r.byStrength {
                let tag = r.method.constraint == .weightDecay ? "kappa\(s)" : r.method.constraint == .manifold ? "run" : "wmax\(s)"
                m.record("\(key).\(tag).accuracy", o.accuracy)
                m.record("\(key).\(tag).bound", o.bound)
                m.record("\(key).\(tag).loss", o.loss)
            }
            if r.method.constraint.enforces {
                m.record("\(key).worst_bound_ratio", r.byStrength.compactMap(\.outcome.worstRatio).max()!,
                         note: "max over this method's runs at its tuned rate (every strength) and their steps of certified bound / target")
                m.record("\(key).worst_bound_ratio_sweep", r.all.compactMap(\.worstRatio).max()!,
                         note: "the same over every run of the rate sweep too")
            }
            fronts[r.method] = front(r.byStrength.map { ($0.outcome.bound, $0.outcome.accuracy) }, grid: grid, floor: floor)
        }
        let standard = Method.standard.filter { fronts[$0] != nil }
        for c in [ConstraintKind.weightDecay, .spectralNormalize] {
            if let muon = fronts[Method(.muon, c)], let adamW = fronts[Method(.adamW, c)] {
                m.record("\(prefix).gap.\(Method(.muon, c).key.dropFirst(5))", frontGap(muon, adamW),
                         note: "Muon front − AdamW front, mean over the bound grid")
            }
        }
        if let soft = fronts[Method.softCap], !standard.isEmpty {
            let union = grid.indices.map { i in standard.map { fronts[$0]![i] }.max()! }
            m.record("\(prefix).gap.soft-cap", frontGap(soft, union), note: "soft cap front − best standard method, mean over the grid")
        }
        for c in [ConstraintKind.spectralNormalize, .softCap] {
            let tuned = runs.filter { $0.method.constraint == c }.flatMap { $0.byStrength.map(\.outcome) }
            if let worst = tuned.compactMap(\.worstRatio).max() {
                m.record("\(prefix).\(c == .softCap ? "soft-cap" : "spectral-normalisation").worst_bound_ratio", worst,
                         note: "max over the method's tuned-rate runs (every strength, every optimiser) and their steps of certified bound / target")
            }
        }
        let ordered = runs.filter { fronts[$0.method] != nil }
        m.record(Series(name: "front.\(prefix)", x: .init("bound", grid),
                        ys: ordered.map { .init($0.method.label, fronts[$0.method]!) }))
    }

    static func recordTraces(_ runs: [(label: String, outcome: RunOutcome)], prefix: String, into m: inout Measurements) {
        guard let longest = runs.map(\.outcome.trace).max(by: { $0.count < $1.count }), !longest.isEmpty else { return }
        let steps = longest.map { Double($0.step) }
        func column(_ label: String, _ trace: [TracePoint], _ value: (TracePoint) -> Double) -> Series.Column {
            .init(label, steps.indices.map { $0 < trace.count ? value(trace[$0]) : .nan })
        }
        m.record(Series(name: "trace.\(prefix).bound", x: .init("step", steps),
                        ys: runs.map { column($0.label, $0.outcome.trace, \.bound) }))
        m.record(Series(name: "trace.\(prefix).norm", x: .init("step", steps),
                        ys: runs.map { column($0.label, $0.outcome.trace, \.largestNorm) }))
    }
}

/// The MLP study: every method on Fashion-MNIST, then Stiefel Muon beside Muon and AdamW.
struct MLPStudyRunner {
    let study: LipschitzExperiment.MLPStudy
    let seed: UInt64
    let context: RunContext

    init(_ study: LipschitzExperiment.MLPStudy, seed: UInt64, context: RunContext) {
        self.study = study; self.seed = seed; self.context = context
    }

    func run(into m: inout Measurements) throws {
        let side = FashionMNIST.imageSide
        let train = try FashionMNIST.load(.train, normalisation: .standardised).pooled(side: side, block: study.pooling)
            .balancedSubset(perClass: study.perClass, seed: seed)
        let test = try FashionMNIST.load(.test, normalisation: .standardised).pooled(side: side, block: study.pooling)
        let sizes = [train.images.cols] + study.hidden + [FashionMNIST.classCount]
        let (batch, seed) = (study.batchSize, seed)
        let methods = Method.standard + [Method.softCap, Method(.muon, .spectralHammer)]
        var done = 0
        let total = methods.count + 1
        let sweeper = MethodSweeper(plan: study.sweep, steps: study.steps, make: {
            ImageTrainee(sizes: sizes, train: train, test: test, batchSize: batch, seed: seed)
        }, context: context, progress: { note in context.progress(done, of: 2 * total, "MLP: " + note) })
        var runs: [MethodRuns] = []
        for method in methods {
            runs.append(try sweeper.run(method))
            done += 1
        }
        let stiefel = try sweeper.run(Method(.stiefel, .manifold))
        let layers = Double(sizes.count - 1)
        let grid = StudyRecord.boundGrid(caps: study.sweep.caps) { pow($0, layers) }
        StudyRecord.record(runs, prefix: "mlp", grid: grid, floor: 1 / Double(FashionMNIST.classCount), into: &m)
        StudyRecord.recordTraces(runs.map { ($0.method.label, $0.best) }, prefix: "mlp", into: &m)
        // The hammer bounds only the top singular value: how far its final bound exceeds w_max³.
        let hammer = runs.first { $0.method.constraint == .spectralHammer }!
        m.record("mlp.muon.hammer.final_bound_over_target",
                 hammer.byStrength.map { $0.outcome.bound / pow($0.strength, layers) }.max()!,
                 note: "largest final bound / w_max³ of the hammer runs (no guarantee)")
        // Stiefel Muon: worst distance from the manifold over every step of every run, and its
        // loss against unconstrained Muon and AdamW (weight decay κ = 0 runs).
        m.record("mlp.stiefel.lr", stiefel.lr)
        m.record("mlp.stiefel.lr_censored", stiefel.censored ? 1 : 0)
        m.record("mlp.stiefel.worst_orthogonality", stiefel.all.compactMap(\.worstOrthogonality).max()!)
        let best = stiefel.best
        m.record("mlp.stiefel.loss", best.loss)
        m.record("mlp.stiefel.accuracy", best.accuracy)
        m.record("mlp.stiefel.bound", best.bound)
        let muon = runs.first { $0.method == Method(.muon, .weightDecay) }!.best
        let adamW = runs.first { $0.method == Method(.adamW, .weightDecay) }!.best
        m.record("mlp.stiefel_minus_muon.loss", best.loss - muon.loss)
        m.record("mlp.stiefel_minus_adamw.loss", best.loss - adamW.loss)
        m.record("mlp.stiefel_minus_muon.accuracy", best.accuracy - muon.accuracy)
        let steps = best.trace.map { Double($0.step) }
        m.record(Series(name: "trace.mlp.orthogonality", x: .init("step", steps),
                        ys: [.init("Stiefel Muon", best.trace.map { max($0.orthogonality, 1e-12) })]))
    }
}

/// The transformer study: every method without layer norm, the 2-Lipschitz model and the
/// layer-norm baseline.
struct TransformerStudyRunner {
    let study: LipschitzExperiment.TransformerStudy
    let seed: UInt64
    let context: RunContext

    init(_ study: LipschitzExperiment.TransformerStudy, seed: UInt64, context: RunContext) {
        self.study = study; self.seed = seed; self.context = context
    }

    func run(into m: inout Measurements) throws {
        let corpus = try ShakespeareCorpus.load(dataDirectory: context.dataDirectory)
        let (train, held) = corpus.split(validationFraction: 0.1)
        var config = study.model
        config.vocabulary = corpus.vocabularySize
        let windows = study.validationWindows * config.context + 1
        let validation = TokenBatch.tiling(held.prefix(windows), context: config.context)
        let (batch, seed) = (study.batchSize, seed)
        func factory(_ config: ModulaGPTConfig) -> () -> any Trainee {
            { TextTrainee(config: config, train: train, validation: validation, batchSize: batch, seed: seed) }
        }
        let methods = Method.standard + [Method.softCap]
        var done = 0
        let total = methods.count + 2
        let sweeper = MethodSweeper(plan: study.sweep, steps: study.steps, make: factory(config), context: context,
                                    progress: { note in context.progress(total + done, of: 2 * total, "transformer: " + note) })
        var runs: [MethodRuns] = []
        for method in methods {
            runs.append(try sweeper.run(method))
            done += 1
        }
        let scale = Double(config.softmaxScale)
        let layers = config.layers
        let targetOf: (Double) -> Double = { CertifiedBound.transformer(.uniform($0, layers: layers), softmaxScale: scale) }
        // The 2-Lipschitz model: Muon + soft cap with every matrix at the w_max whose uniform
        // bound is the target.
        let wMax = CertifiedBound.uniformNorm(forTransformerBound: study.lipschitzTarget, layers: layers, softmaxScale: scale)
        let twoLipschitz = try sweeper.run(Method.softCap, strengths: ([wMax], wMax))
        done += 1
        var withNorm = config
        withNorm.layerNorm = true
        let baseline = try sweeper.run(Method(.muon, .weightDecay), strengths: ([0], 0), make: factory(withNorm))
        done += 1

        let floor = Self.constantPredictorAccuracy(validation.targets, vocabulary: config.vocabulary)
        m.record("transformer.constant_predictor.accuracy", floor, exact: false)
        let grid = StudyRecord.boundGrid(caps: study.sweep.caps, target: targetOf)
        StudyRecord.record(runs, prefix: "transformer", grid: grid, floor: floor, into: &m)
        let two = twoLipschitz.best, base = baseline.best
        // The soft cap's claim covers the 2-Lipschitz model too.
        let softCapRuns = runs.filter { $0.method == Method.softCap }.flatMap { $0.byStrength.map(\.outcome) } + [two]
        m.record("transformer.soft-cap.worst_bound_ratio", softCapRuns.compactMap(\.worstRatio).max()!,
                 note: "max over the soft cap's tuned-rate runs (every strength and the 2-Lipschitz model) and their steps of certified bound / target")
        m.record("transformer.two_lipschitz.worst_bound_ratio", two.worstRatio!)
        m.record("transformer.two_lipschitz.w_max", wMax, exact: true)
        m.record("transformer.two_lipschitz.lr", twoLipschitz.lr)
        m.record("transformer.two_lipschitz.lr_censored", twoLipschitz.censored ? 1 : 0)
        m.record("transformer.two_lipschitz.accuracy", two.accuracy)
        m.record("transformer.two_lipschitz.loss", two.loss)
        m.record("transformer.two_lipschitz.bound", two.bound)
        m.record("transformer.layer_norm.lr", baseline.lr)
        m.record("transformer.layer_norm.accuracy", base.accuracy)
        m.record("transformer.layer_norm.loss", base.loss)
        m.record("transformer.two_lipschitz_minus_layer_norm.accuracy", two.accuracy - base.accuracy)
        // Stability without layer norm: every run of every no-norm method, tuning runs included.
        let uniformLoss = log(Double(config.vocabulary))
        let noNorm = (runs + [twoLipschitz]).flatMap(\.all)
        m.record("transformer.unstable_runs", Double(noNorm.filter { $0.diverged || !($0.loss < uniformLoss) }.count),
                 note: "of \(noNorm.count) runs without layer norm: diverged or final loss ≥ ln(vocabulary)")
        m.record("transformer.runs_without_norm", Double(noNorm.count))
        let curves = runs.map { ($0.method.label, $0.best.curve) } + [("2-Lipschitz (Muon + soft cap)", two.curve),
                                                                       ("layer-norm baseline (Muon)", base.curve)]
        if let steps = curves.map(\.1).max(by: { $0.count < $1.count })?.map({ Double($0.step) }) {
            m.record(Series(name: "curve.transformer", x: .init("step", steps),
                            ys: curves.map { label, curve in .init(label, steps.indices.map { $0 < curve.count ? curve[$0].loss : .nan }) }))
        }
        StudyRecord.recordTraces(runs.map { ($0.method.label, $0.best) } + [("2-Lipschitz", two)], prefix: "transformer", into: &m)
    }

    /// The accuracy of always predicting the most frequent validation character (a 0-Lipschitz model).
    static func constantPredictorAccuracy(_ targets: [Int32], vocabulary: Int) -> Double {
        var counts = [Int](repeating: 0, count: vocabulary)
        for t in targets { counts[Int(t)] += 1 }
        return Double(counts.max()!) / Double(targets.count)
    }
}
