import ReproKit

/// Validation losses and cosines collected during training, for the figures.
struct Curve {
    let columns: [String]
    let cosines: [String]
    private var steps: [Double] = []
    private var lossValues: [[Double]]
    private var cosineValues: [[Double]]

    init(columns: [String], cosines: [String] = []) {
        self.columns = columns; self.cosines = cosines
        lossValues = columns.map { _ in [] }; cosineValues = cosines.map { _ in [] }
    }

    mutating func add(_ step: Int, losses: [Double], cosines: [Double]) {
        steps.append(Double(step))
        for (i, v) in losses.enumerated() { lossValues[i].append(v) }
        for (i, v) in cosines.enumerated() { cosineValues[i].append(v) }
    }

    /// Series sharing the step axis: losses under `loss`, cosines (if any) under `cosine`.
    func record(_ m: inout Measurements, loss: String, cosine: String? = nil) {
        m.record(Series(name: loss, x: .init("step", steps), ys: zip(columns, lossValues).map { .init($0, $1) }))
        if let cosine {
            m.record(Series(name: cosine, x: .init("step", steps), ys: zip(cosines, cosineValues).map { .init($0, $1) }))
        }
    }
}
