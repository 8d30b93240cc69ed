import ReproNumerics
import ReproOptim

/// The `lipschitz` experiment's transformer training step at its full preset's shapes, timed
/// against `torch_bench.py`'s "lipschitz-gpt" (which must be kept in step with this file):
/// `ModulaGPT` d = 48, 2 blocks, 4 heads, context 32, vocabulary 65, no layer norm, batch 16
/// windows; Muon as modula applies it (`ModulaMuon`: EMA 0.9, You's six quintics, update ×
/// √(fan-out/fan-in), row-normalised embedding update) at rate 0.1, then the spectral soft cap at
/// w_max 2 on every matrix and the row-RMS cap on the embedding (`ConstrainedOptimizer`).
/// Random characters: only the shapes matter for time.
enum LipschitzTrainingStep {
    static let name = "lipschitz-gpt"

    static func make(shards: Int) -> () throws -> Void {
        let config = ModulaGPTConfig(vocabulary: 65, context: 32, dimension: 48, layers: 2, heads: 4)
        let batch = 16
        let model = ModulaGPT(config, seed: 0)
        let parallel = DataParallel(shards: shards)
        let parts = TrainingSteps.randomTokenShards(vocabulary: config.vocabulary, context: config.context, batch: batch,
                                                    parallel: parallel)
        let bound = ModulaMuon.updateBound
        var optimiser = ConstrainedOptimizer(base: ModulaMuon.optimizer(for: model.parameters), constraint: { p in
            p.role == .embedding ? .rowRMS(maxRMS: 1) : .softCap(maxNorm: 2)
        }, updateNorm: { _, lr in Double(lr) * bound })
        return {
            model.zeroGrad()
            parallel.backward(batch: batch) { tape, shard in
                let (x, y) = parts[shard.index]
                return model.loss(x, targets: y, batch: shard.rows.count, on: tape)
            }
            try optimiser.step(model.parameters, lr: 0.1)
        }
    }
}
