import ReproKit
import ReproTraining

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
    /// (Muon model FLOPs per step) / (AdamW's), times the steps ratio: the 6·N·D-style count the
    /// papers' compute claims use. Both train the same model on the same batch, so it equals the
    /// steps ratio; it is computed from the counts all the same, so a setting where they differ
    /// would show it.
    var modelFlopsRatio: Double { stepsRatio * muon.bestResult.modelFlopsPerStep / adamW.bestResult.modelFlopsPerStep }
    /// Newton–Schulz and the rest of Muon's step as a fraction of the model's step FLOPs.
    var muonOverhead: Double { muon.bestResult.optimizerFlopsPerStep / muon.bestResult.modelFlopsPerStep }
    var adamWOverhead: Double { adamW.bestResult.optimizerFlopsPerStep / adamW.bestResult.modelFlopsPerStep }
    /// Steps ratio × (Muon seconds per step / AdamW seconds per step), from the two tuned N₀ runs.
    var wallRatio: Double {
        stepsRatio * muon.bestResult.seconds / adamW.bestResult.seconds
    }
    /// Set on the main setting once the 4×-batch setting's target is known.
    var commonTarget: CommonTarget?
}

/// The main setting's steps to another setting's target (the 4×-batch AdamW's loss at N₀/4), for
/// both optimisers at their N₀-tuned rates: Essential AI's token ratio R_L(B) at one loss L
/// shared by both batch sizes.
struct CommonTarget {
    var target: Double
    var adamW: Crossing
    var muon: Crossing
    /// The budgets run for this search alone (AdamW's N₀ run and Muon's budget runs are reused).
    var adamWRuns: [(steps: Int, loss: Double)]
    var muonRuns: [(steps: Int, loss: Double)]

    /// R(B) = Muon steps / AdamW steps to `target` (the crossings' conventions for censored ends).
    var stepsRatio: Double { muon.ratio / adamW.ratio }

    init(main runner: inout StudyRunner, outcome: StudyOutcome, target: Double, ladder: [Double]) throws {
        let adamWKnown = [runner.study.referenceSteps: outcome.target]
        let muonKnown = Dictionary(outcome.budgets.map { ($0.steps, $0.loss) }, uniquingKeysWith: { first, _ in first })
        let a = try runner.crossing(.adamW, lr: outcome.adamW.bestLR, target: target, ladder: ladder, known: adamWKnown)
        let m = try runner.crossing(.muon, lr: outcome.muon.bestLR, target: target, ladder: ladder, known: muonKnown)
        self.target = target
        adamW = a.crossing; muon = m.crossing
        adamWRuns = a.budgets.filter { adamWKnown[$0.steps] == nil }
        muonRuns = m.budgets.filter { muonKnown[$0.steps] == nil }
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
        let adamW = try sweep(.adamW, grid: study.adamWGrid)
        let muon = try sweep(.muon, grid: study.muonGrid)
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

    /// Step 1: `kind`'s peak rate at N₀ on the factor-2 lattice through `grid` (which must lie on
    /// it), extended by one rate at a time while the best sits on an edge (`gridExtensions` at
    /// most). A diverged run has loss +∞.
    private mutating func sweep(_ kind: OptimizerKind, grid: [Float]) throws -> LearningRateSweep {
        let lattice = LogLattice(anchor: Double(grid[0]), ratio: 2)
        precondition(grid.indices.allSatisfy { Float(lattice.value($0)) == grid[$0] }, "a learning-rate grid must be a factor-2 lattice")
        var sweep = LearningRateSweep(lattice: lattice, objective: \.finalLoss)
        let n0 = study.referenceSteps
        try sweep.evaluate(grid.indices) { try one(kind, lr: Float($0), steps: n0, curve: true) }
        try sweep.extend(margin: 1, maxPerSide: gridExtensions) { try one(kind, lr: Float($0), steps: n0, curve: true) }
        return sweep
    }

    /// Steps at which `kind`, at peak rate `lr`, first reaches `target`, as a fraction of N₀:
    /// `BudgetSearch` over `ladder` (fractions of N₀), reusing the runs in `known` (steps → final loss).
    /// Returns the crossing and every budget's (steps, loss), the known ones included.
    mutating func crossing(_ kind: OptimizerKind, lr: Float, target: Double, ladder: [Double], known: [Int: Double]) throws
        -> (crossing: Crossing, budgets: [(steps: Int, loss: Double)]) {
        let n0 = study.referenceSteps
        let rungs = ladder.map { max(1, Int(($0 * Double(n0)).rounded())) }
        let budgets = try BudgetSearch.run(rungs: rungs, known: known, target: target) {
            try one(kind, lr: lr, steps: $0, curve: false).finalLoss
        }
        return (Crossing(budgets: budgets.map { (Double($0.steps) / Double(n0), $0.loss) }, target: target), budgets)
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

/// A learning-rate sweep of whole training runs, judged by their final validation loss.
typealias LearningRateSweep = LatticeSweep<RunResult>

extension LatticeSweep<RunResult> {
    var bestLR: Float { Float(bestValue) }
    var bestResult: RunResult { bestOutcome }
}

/// Where a loss-vs-budget curve first falls to a target, found with few runs: bisection on a
/// ladder of step budgets.
///
/// The ladder's rungs and the `known` budgets together are the candidates. The bracket is
/// (lo, hi): hi the smallest evaluated budget with loss ≤ target, lo the largest evaluated budget
/// below it (all evaluated budgets below hi lie above the target, by the choice of hi). The bottom
/// (top) rung is run when nothing below (at or below the target) is known yet; then the rung
/// midway between lo and hi is run until they are adjacent candidates. `Crossing` on the returned
/// budgets interpolates between the same two, or reports the target reached at the bottom rung
/// or never reached at the top. Each budget runs at most once.
enum BudgetSearch {
    static func run(rungs: [Int], known: [Int: Double], target: Double,
                    loss: (Int) throws -> Double) throws -> [(steps: Int, loss: Double)] {
        let candidates = Set(rungs).union(known.keys).sorted()
        var evaluated = known
        func value(_ i: Int) throws -> Double {
            if let l = evaluated[candidates[i]] { return l }
            let l = try loss(candidates[i])
            evaluated[candidates[i]] = l
            return l
        }
        func hi() -> Int? { candidates.indices.first { evaluated[candidates[$0]].map { $0 <= target } ?? false } }
        func lo(below h: Int) -> Int? { candidates.indices.last { $0 < h && evaluated[candidates[$0]] != nil } }
        if hi() == nil { _ = try value(candidates.count - 1) }
        if let h = hi(), lo(below: h) == nil, h > 0 { _ = try value(0) }
        while let h = hi(), let l = lo(below: h), h - l > 1 {
            _ = try value((l + h) / 2)
        }
        return evaluated.sorted { $0.key < $1.key }.map { (steps: $0.key, loss: $0.value) }
    }
}
