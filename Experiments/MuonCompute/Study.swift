import ReproKit

/// One setting of the comparison (a model, a batch size, a reference budget N₀) and its LR grids.
public struct Study: Codable, Sendable, Equatable {
    /// Prefix of the setting's measurements: "" for the main setting, else "<name>.".
    public var name: String
    public var model: ModelSpec
    /// Windows per step.
    public var batchSize: Int
    /// N₀: the reference number of steps, at which both optimisers are tuned.
    public var referenceSteps: Int
    public var adamWGrid: [Float]
    public var muonGrid: [Float]

    var prefix: String { name.isEmpty ? "" : name + "." }
}

/// The protocol in one setting, per seed:
/// 1. sweep each optimiser's peak rate at N₀ (grid extended while the best sits on an edge);
/// 2. target = AdamW's best final validation loss at N₀;
/// 3. Muon at its best rate at every budget fraction·N₀ (1·N₀ is the sweep's run); extra
///    budgets below (above) the list when even the smallest budget reaches (the largest misses)
///    the target;
/// 4. f* = interpolated crossing; steps, FLOP and wall-time ratios from it.
struct StudyOutcome {
    var adamW: LearningRateSweep
    var muon: LearningRateSweep
    var target: Double
    var budgets: [(fraction: Double, steps: Int, loss: Double)]
    var crossing: Crossing
    var extendedBudgets: [Double]

    /// Muon steps / AdamW steps to the target (tokens ratio too: same batch).
    var stepsRatio: Double { crossing.ratio }
    /// (Muon model + optimiser FLOPs per step) / (AdamW's), times the steps ratio. Optimiser
    /// FLOPs include Newton–Schulz (`Muon.flops(for:)`, Newton–Schulz as three general products per quintic step, the literature's count).
    var flopsRatio: Double {
        let m = muon.bestResult, a = adamW.bestResult
        return stepsRatio * (m.modelFlopsPerStep + m.optimizerFlopsPerStep) / (a.modelFlopsPerStep + a.optimizerFlopsPerStep)
    }
    /// Newton–Schulz and the rest of Muon's step as a fraction of the model's step FLOPs.
    var muonOverhead: Double { muon.bestResult.optimizerFlopsPerStep / muon.bestResult.modelFlopsPerStep }
    var adamWOverhead: Double { adamW.bestResult.optimizerFlopsPerStep / adamW.bestResult.modelFlopsPerStep }
    /// Steps ratio × (Muon seconds per step / AdamW seconds per step), from the two tuned N₀ runs.
    var wallRatio: Double {
        stepsRatio * muon.bestResult.seconds / adamW.bestResult.seconds
    }
}

struct StudyRunner {
    var study: Study
    var setting: RunSetting
    var fractions: [Double]
    var lowerExtensions: [Double]
    var upperExtensions: [Double]
    var gridExtensions: Int
    var curvePoints: Int
    var context: RunContext
    /// Runs done so far and the planned total, for progress reports.
    var done = 0
    var planned: Int

    mutating func run() throws -> StudyOutcome {
        let n0 = study.referenceSteps
        let adamW = try LearningRateSweep(grid: study.adamWGrid, extensions: gridExtensions) {
            try one(.adamW, lr: $0, steps: n0, curve: true)
        }
        let muon = try LearningRateSweep(grid: study.muonGrid, extensions: gridExtensions) {
            try one(.muon, lr: $0, steps: n0, curve: true)
        }
        let target = adamW.bestResult.finalLoss
        var budgets: [(fraction: Double, steps: Int, loss: Double)] = [(1, n0, muon.bestResult.finalLoss)]
        func add(_ f: Double) throws {
            let steps = max(1, Int((f * Double(n0)).rounded()))
            budgets.append((f, steps, try one(.muon, lr: muon.bestLR, steps: steps, curve: false).finalLoss))
        }
        for f in fractions where f != 1 { try add(f) }
        var extended: [Double] = []
        var crossing = Crossing(budgets: points(budgets, n0), target: target)
        for f in lowerExtensions {
            guard case .reachedAtSmallest = crossing else { break }
            try add(f); extended.append(f)
            crossing = Crossing(budgets: points(budgets, n0), target: target)
        }
        for f in upperExtensions {
            guard case .notReached = crossing else { break }
            try add(f); extended.append(f)
            crossing = Crossing(budgets: points(budgets, n0), target: target)
        }
        budgets.sort { $0.fraction < $1.fraction }
        return StudyOutcome(adamW: adamW, muon: muon, target: target, budgets: budgets, crossing: crossing,
                            extendedBudgets: extended)
    }

    /// Budgets as (steps/N₀, loss): the rounded step count, not the nominal fraction.
    private func points(_ budgets: [(fraction: Double, steps: Int, loss: Double)], _ n0: Int) -> [(fraction: Double, loss: Double)] {
        budgets.map { (Double($0.steps) / Double(n0), $0.loss) }
    }

    private mutating func one(_ kind: OptimizerKind, lr: Float, steps: Int, curve: Bool) throws -> RunResult {
        let result = try train(setting, optimizer: kind, lr: lr, steps: steps, curvePoints: curve ? curvePoints : 0,
                               cancellation: context.checkCancellation)
        done += 1
        context.progress(done, of: max(done, planned), "\(study.name.isEmpty ? "main" : study.name): \(kind.rawValue) lr \(lr) × \(steps) steps")
        return result
    }
}
