import Foundation
import ReproData
import ReproKit
import ReproOptim
import ReproTraining

/// One model's learning-rate robustness study: every variant's final validation loss over the
/// lattice 2^(k/2), the grid extended until two runs rise past the best on each side.
struct RobustnessStudy {
    var setting: RunSetting
    var steps: Int
    var schedule: LRSchedule
    var lattice: LogLattice
    var start: ClosedRange<Int>
    var extensions: Int
    var lowerBound: Float

    /// The sweep of one variant; `progress` is told about every run.
    func sweep(_ variant: Variant, indices: ClosedRange<Int>? = nil, setting: RunSetting? = nil,
               progress: (String) -> Void, cancellation: () throws -> Void) throws -> LatticeSweep<RunResult> {
        let setting = setting ?? self.setting
        var sweep = LatticeSweep<RunResult>(lattice: lattice, objective: \.finalLoss)
        let run = { (lr: Double) throws -> RunResult in
            progress("\(variant.rawValue) lr 2^\(String(format: "%.1f", log2(lr)))")
            return try trainCharacterModel(setting, optimizer: variant.make(lowerBound: lowerBound), lr: Float(lr),
                                           steps: steps, schedule: schedule, cancellation: cancellation)
        }
        try sweep.evaluate(indices ?? start, run: run)
        try sweep.extend(margin: 2, maxPerSide: extensions, run: run)
        return sweep
    }
}

/// What one sweep tells about robustness.
struct Robustness {
    var bestLoss: Double
    /// log₂ of the best lattice rate, refined by the parabola through ±2 lattice points (log loss).
    var bestLog2: Double
    var basin5: Basin?
    var basin10: Basin?

    init(_ sweep: LatticeSweep<RunResult>) {
        bestLoss = sweep.bestObjective
        bestLog2 = log2(sweep.refinedValue(halfWidth: 2, clamp: 1, transform: log))
        basin5 = sweep.basin(within: 0.05)
        basin10 = sweep.basin(within: 0.10)
    }
}
