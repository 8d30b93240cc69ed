import Foundation
import ReproData
import ReproKit
import ReproNumerics
import ReproMuP
import ReproOptim
import ReproStats
import ReproTraining

extension HPTransferExperiment {
    public static func run(_ trial: Trial<Config>, _ context: RunContext) throws -> Measurements {
        let c = trial.config, seed = trial.seed
        var m = Measurements()
        let train = try FashionMNIST.load(.train, normalisation: .standardised)
        let test = try FashionMNIST.load(.test, normalisation: .standardised)
        let inputs = train.images.cols, classes = train.classCount
        let lattice = LogLattice.powersOfTwo(step: c.lrStep)
        let baseWidth = c.width.widths[0]
        precondition(c.depth.multipliers.first == 1, "the depth family starts at its base (multiplier 1)")
        var runs = 0
        func progress(_ note: String) { runs += 1; context.progress(runs, of: runs + 1, note) }

        /// The width family's model and Adam groups for an arm (FLeRM: SP's model, rates from FLeRM).
        func widthModel(_ arm: WidthArm, width: Int) -> (MLP, [ParameterGroup]) {
            switch arm {
            case .muP:
                let model = MuP.mlp(inputs: inputs, width: width, baseWidth: baseWidth, hiddenMatrices: c.width.hiddenMatrices,
                                    classes: classes, seed: seed)
                return (model, MuP.groups(for: model, width: width, baseWidth: baseWidth))
            case .standard, .flerm:
                let sizes = [inputs] + Array(repeating: width, count: c.width.hiddenMatrices + 1) + [classes]
                return (MLP(sizes: sizes, activation: .relu, seed: seed), [])
            }
        }

        // 1. Coordinate check, SP and μP, on one fixed batch.
        var batchRNG = RNG(seed: seed, stream: RNG.Stream.data)
        let coordinateBatch = train.gathering(Array(batchRNG.permutation(train.count).prefix(c.coordinate.batchSize)))
        let coordinateWidths = c.coordinate.widths.map(Double.init)
        for arm in [WidthArm.standard, .muP] {
            var traces: [CoordinateCheck.Trace] = []
            for w in c.coordinate.widths {
                let (model, groups) = widthModel(arm, width: w)
                traces.append(try CoordinateCheck.trace(model: model, groups: groups, batch: coordinateBatch,
                                                        lr: Float(c.coordinate.lr), steps: c.coordinate.steps))
                try context.checkCancellation()
            }
            let columns = [("input", traces.map { $0.input.last! }), ("hidden", traces.map { $0.hidden.last! }),
                           ("logits", traces.map { $0.logits.last! })]
            for (name, values) in columns {
                m.record("coord.\(arm.rawValue).\(name)_slope", PowerLaw.exponent(x: coordinateWidths, y: values),
                         note: "d ln std(x_\(c.coordinate.steps) − x_0) / d ln width, \(name)")
            }
            m.record(Series(name: "coord.\(arm.rawValue)", x: .init("width", coordinateWidths),
                            ys: columns.map { .init("\(arm.rawValue) \($0.0)", $0.1) }))
            progress("coordinate check \(arm.rawValue)")
        }

        // 2. Width transfer: SP, μP and FLeRM around the base width's optimum.
        let flermCalls = (c.training.steps + FLeRM.frequency - 1) / FLeRM.frequency
        let widthArms = WidthArm.allCases.map(\.rawValue)
        let width = try TransferFamily(
            lattice: lattice, sizes: c.width.widths, arms: widthArms, grid: c.gridLowest...c.gridHighest,
            margin: c.margin, maxExtension: c.maxExtension,
            runBase: { lr in
                defer { progress("width \(baseWidth), η = \(fmt(lr))") }
                return try c.training.recordingRun(model: widthModel(.standard, width: baseWidth).0, lr: lr, data: train, seed: seed,
                                                   cancellation: context.checkCancellation)
            },
            runScaled: { armName, w, lr, base in
                defer { progress("\(armName) width \(w), η = \(fmt(lr))") }
                let arm = WidthArm(rawValue: armName)!
                let (model, groups) = widthModel(arm, width: w)
                let sources = FLeRMBase.identity(count: model.parameters.count)
                return try c.training.scaledRun(model: model, groups: groups, lr: lr, data: train, seed: seed,
                                                flermBase: arm == .flerm ? FLeRMBase(recorded: try base()).values(for: sources) : nil,
                                                cancellation: context.checkCancellation)
            })
        let widthSummaries = record(width, family: "width", label: "w", arms: widthArms, into: &m, margin: c.margin)

        // 3. Depth transfer: the residual MLP under SP and FLeRM.
        let depthArms = [WidthArm.standard.rawValue, WidthArm.flerm.rawValue]
        func residual(_ multiplier: Int) -> ResidualMLP {
            ResidualMLP(inputs: inputs, width: c.depth.width, classes: classes, baseBlocks: c.depth.baseBlocks,
                        depthMultiplier: multiplier, seed: seed)
        }
        let depth = try TransferFamily(
            lattice: lattice, sizes: c.depth.multipliers, arms: depthArms, grid: c.gridLowest...c.gridHighest,
            margin: c.margin, maxExtension: c.maxExtension,
            runBase: { lr in
                defer { progress("depth ×1, η = \(fmt(lr))") }
                return try c.training.recordingRun(model: residual(1), lr: lr, data: train, seed: seed,
                                                   cancellation: context.checkCancellation)
            },
            runScaled: { armName, multiplier, lr, base in
                defer { progress("\(armName) depth ×\(multiplier), η = \(fmt(lr))") }
                let model = residual(multiplier)
                return try c.training.scaledRun(model: model, groups: [], lr: lr, data: train, seed: seed,
                                                flermBase: armName == WidthArm.flerm.rawValue
                                                    ? FLeRMBase(recorded: try base()).values(for: model.flermSources) : nil,
                                                cancellation: context.checkCancellation)
            })
        let depthSummaries = record(depth, family: "depth", label: "L×", arms: depthArms, into: &m, margin: c.margin)

        // Paired differences of the regrets at the largest size, and the regret figure.
        let regret = { (s: TransferFamily.Summary) in s.logRegret.last! }
        let (sp, mup, fl) = (widthSummaries["SP"]!, widthSummaries["muP"]!, widthSummaries["FLeRM"]!)
        m.record("width.regret_SP_minus_muP", regret(sp) - regret(mup), note: "at the widest model")
        m.record("width.regret_SP_minus_FLeRM", regret(sp) - regret(fl), note: "at the widest model")
        m.record("width.regret_FLeRM_minus_muP", regret(fl) - regret(mup), note: "at the widest model")
        m.record("depth.regret_SP_minus_FLeRM", regret(depthSummaries["SP"]!) - regret(depthSummaries["FLeRM"]!),
                 note: "at the deepest model")
        m.record(Series(name: "regret", x: .init("method", [1, 2, 3, 4, 5]),
                        ys: [.init("ln regret at the largest size",
                                   [regret(sp), regret(mup), regret(fl), regret(depthSummaries["SP"]!), regret(depthSummaries["FLeRM"]!)])]))

        // 4. The estimator against the direct measurement, on the widest and the deepest model.
        var referenceRNG = RNG(seed: seed, stream: RNG.Stream.evaluation)
        let reference = test.gathering(Array(referenceRNG.permutation(test.count).prefix(c.estimator.referenceExamples))).images
        let cases: [(String, any Layer)] = [
            ("widest", widthModel(.standard, width: c.width.widths.last!).0),
            ("deepest", residual(c.depth.multipliers.last!)),
        ]
        var pooled: [FunctionSpaceEstimator.Approximation: [(squares: Double, count: Int)]] = [:]
        for (name, model) in cases {
            let (stages, cost) = try EstimatorCheck.measure(model: model, lr: c.estimator.lr, train: train, reference: reference,
                                                    batchSize: c.training.batchSize, probes: c.estimator.probes,
                                                    checkpoints: c.estimator.checkpoints, laterStep: c.estimator.laterStep,
                                                    seed: seed, cancellation: context.checkCancellation)
            for (stage, errors) in zip(["first", "later"], stages) {
                for approximation in FunctionSpaceEstimator.Approximation.allCases {
                    let rms = errors.rmsLogError[approximation]!
                    let count = errors.direct.count
                    m.record("estimator.\(name).\(stage).\(approximation.rawValue).rms_log_error", rms.last!)
                    let perCheckpoint = rms.map { (squares: $0 * $0 * Double(count), count: count) }
                    pooled[approximation] = pooled[approximation].map { zip($0, perCheckpoint).map { ($0.squares + $1.squares, $0.count + $1.count) } }
                        ?? perCheckpoint
                }
            }
            m.recordTiming("estimator.\(name).probe_over_step", cost.probe / cost.step, unit: "×",
                           note: "wall time of one probe (forward + backward on a batch) over one Adam training step")
            progress("estimator, \(name) model")
        }
        var errorColumns: [Series.Column] = []
        for approximation in FunctionSpaceEstimator.Approximation.allCases {
            let curve = pooled[approximation]!.map { ($0.squares / Double($0.count)).squareRoot() }
            m.record("estimator.\(approximation.rawValue).rms_log_error", curve.last!,
                     note: "RMS over the tensors of the widest MLP and deepest residual MLP, first step and step \(c.estimator.laterStep), after \(c.estimator.probes) probes")
            errorColumns.append(.init(approximation.rawValue, curve))
        }
        m.record(Series(name: "estimator.error", x: .init("probes", c.estimator.checkpoints.map(Double.init)), ys: errorColumns))
        m.record("estimator.extra_backward_fraction", Double(FLeRM.warmupProbes + flermCalls) / Double(c.training.steps), exact: true,
                 note: "probe backward passes per training step: \(FLeRM.warmupProbes + 1) at the first call, 1 at each of \(flermCalls - 1) later calls")
        return m
    }

    /// Records every sweep of a family and each arm's summaries; returns the summaries by arm.
    static func record(_ family: TransferFamily, family name: String, label: String, arms: [String], into m: inout Measurements,
                       margin: Int) -> [String: TransferFamily.Summary] {
        var summaries: [String: TransferFamily.Summary] = [:]
        var rows: [[String]] = []
        for arm in arms {
            let s = family.summary(arm, margin: margin)
            summaries[arm] = s
            for (i, size) in family.sizes.enumerated() {
                let sweep = family.sweeps[arm]![i]
                let key = "\(name).\(arm).\(size)"
                m.record("\(key).log_regret", s.logRegret[i])
                m.record("\(key).lr_star", s.optimum[i])
                m.record("\(key).best_loss", s.bestLoss[i])
                m.record(Series(name: "\(name).sweep.\(arm).\(size)", x: .init("learning rate", sweep.values),
                                ys: [.init("\(label)\(size)", sweep.points.map { $0.value })]))
                rows.append([arm, "\(size)", fmt(s.optimum[i]), fmt(s.bestLoss[i]), fmt(s.logRegret[i]),
                             s.censored[i] ? "censored" : "interior",
                             "\(fmt(sweep.values.first!))…\(fmt(sweep.values.last!)) (\(sweep.values.count))"])
            }
            m.record("\(name).\(arm).drift_log2", s.driftLog2, note: "log₂(η* at the largest size / η* at the base)")
            m.record("\(name).\(arm).log_regret", s.logRegret.last!, note: "at the largest size")
            m.record("\(name).\(arm).censored", successes: s.censored.filter { $0 }.count, trials: s.censored.count,
                     note: "sweeps whose best rate stayed on an edge")
            let larger = name == "width" ? "wider" : "deeper"
            if s.widerBetter.trials > 0 {
                m.record("\(name).\(arm).\(larger)_better", successes: s.widerBetter.successes, trials: s.widerBetter.trials,
                         note: "(rate, size → next size) pairs with the larger model's loss lower")
            }
            if s.largestBetter.trials > 0 {
                m.record("\(name).\(arm).largest_better", successes: s.largestBetter.successes, trials: s.largestBetter.trials,
                         note: "rates at which the largest model's loss is lower than the base model's")
            }
        }
        m.record("\(name).transferred_lr", family.lattice.value(family.transferred), note: "the base size's best lattice rate")
        m.record(Table(name: "\(name)_sweeps", header: ["arm", name, "η* (refined)", "best loss", "ln regret", "optimum", "rates (runs)"],
                       rows: rows))
        return summaries
    }

    static func fmt(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : "\(x)" }
}
