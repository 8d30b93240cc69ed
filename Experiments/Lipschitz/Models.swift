import ReproData
import ReproNumerics
import ReproOptim

/// The image classifier: a bias-free ReLU MLP whose three weights are all `.hiddenMatrix`
/// [fan-out, fan-in] (so Muon, the constraints and Stiefel Muon treat each alike), initialised
/// semi-orthogonal × √(fan-out/fan-in) as modula's `Linear` (RMS→RMS norm 1).
/// lipschitz-transformers `modula/compound.py` `MLP`: Linear(out) ∘ ReLU ∘ Linear ∘ ReLU ∘ Linear(in),
/// no biases; their `zero_init` of the input layer is not used here (a zero first layer with ReLU
/// starts with zero gradients in every layer under our ReLU′(0) = 0).
final class ImageMLP: Module {
    let layers: [Linear]

    init(sizes: [Int], seed: UInt64) {
        var rng = RNG(seed: seed, stream: RNG.Stream.initialisation)
        layers = (0..<(sizes.count - 1)).map { i in
            let layer = Linear("layers.\(i)", inputs: sizes[i], outputs: sizes[i + 1], bias: false, rng: &rng)
            ModulaGPT.orthogonalInit(layer.weight, rng: &rng)
            return layer
        }
    }

    var parameters: [Parameter] { layers.map(\.weight) }

    func forward(_ x: Variable, on tape: Tape) -> Variable {
        var h = x
        for (i, layer) in layers.enumerated() {
            h = layer.forward(h, on: tape)
            if i < layers.count - 1 { h = tape.relu(h) }
        }
        return h
    }
}

/// The certified Lipschitz bounds, in the RMS→RMS norms the paper's code logs
/// (n(W) = √(fan-in/fan-out)·σ_max(W), `modula/atom.py` `Linear.log`), with σ_max computed exactly
/// (`MatrixSpectrum`), not by power iteration.
enum CertifiedBound {
    /// The MLP: the product of its layers' norms (ReLU is 1-Lipschitz). lipschitz-transformers
    /// `utils.py` `calculate_lipschitz_constant`, CIFAR branch: mlp_in · mlp_0 · mlp_out.
    static func mlp(_ model: ImageMLP) -> Double {
        model.layers.reduce(1) { $0 * norm($1.weight) }
    }

    /// n(W) for a [fan-out, fan-in] weight.
    static func norm(_ w: Parameter) -> Double {
        MatrixSpectrum.rmsNorm(w.value.data, rows: w.value.rows, cols: w.value.cols)
    }

    /// The per-layer norms the transformer rule reads.
    struct TransformerNorms {
        /// Largest row RMS of the embedding table (their `Embed.log` weight_norm: max column norm/√d).
        var embed: Double
        var q, k, v, o, mlpIn, mlpOut: [Double]
        var head: Double

        /// Every matrix at `w` and the embedding at 1: the largest the constraints allow.
        static func uniform(_ w: Double, layers: Int, embed: Double = 1) -> TransformerNorms {
            let all = [Double](repeating: w, count: layers)
            return TransformerNorms(embed: embed, q: all, k: all, v: all, o: all, mlpIn: all, mlpOut: all, head: w)
        }

        var largestMatrixNorm: Double { (q + k + v + o + mlpIn + mlpOut + [head]).max()! }
    }

    static func norms(_ model: ModulaGPT) -> TransformerNorms {
        let table = model.embedding.table.value
        var embed = 0.0
        for r in 0..<table.rows {
            var sum = 0.0
            for j in 0..<table.cols { sum += Double(table.data[r * table.cols + j]) * Double(table.data[r * table.cols + j]) }
            embed = max(embed, (sum / Double(table.cols)).squareRoot())
        }
        return TransformerNorms(
            embed: embed,
            q: model.attentions.map { norm($0.query.weight) }, k: model.attentions.map { norm($0.key.weight) },
            v: model.attentions.map { norm($0.value.weight) }, o: model.attentions.map { norm($0.output.weight) },
            mlpIn: model.mlpIn.map { norm($0.weight) }, mlpOut: model.mlpOut.map { norm($0.weight) },
            head: norm(model.head.weight))
    }

    /// lipschitz-transformers `utils.py` `calculate_lipschitz_constant`, transformer branch, with
    /// a = 1/(2L) and s the softmax scale:
    /// 1. activation bounds r₀ = 1; after attention r ← (1−a)r + a·(⅓·n_o·n_v)·r; after the MLP
    ///    r ← (1−a)r + a·(n_out·n_in/1.1289)·r;
    /// 2. per block, with r the bound at the attention input:
    ///    L_att = ⅓·n_o·(n_v + 2·n_v·r²·n_q·n_k)·s and L_mlp = n_out·n_in/1.1289;
    /// 3. L = L_embed, then L ← (1−a)L + a·L·L_att and L ← (1−a)L + a·L·L_mlp per block; × n_head.
    static func transformer(_ n: TransformerNorms, softmaxScale s: Double) -> Double {
        let layers = n.q.count
        let a = 1 / Double(2 * layers)
        let gelu = Double(ModulaGPT.geluSlope)
        var r = 1.0
        var attentionInput: [Double] = []
        for l in 0..<layers {
            attentionInput.append(r)
            r = (1 - a) * r + a * (n.o[l] * n.v[l] / 3) * r
            r = (1 - a) * r + a * (n.mlpOut[l] * n.mlpIn[l] / gelu) * r
        }
        var bound = n.embed
        for l in 0..<layers {
            let rl = attentionInput[l]
            let attention = n.o[l] * (n.v[l] + 2 * n.v[l] * rl * rl * n.q[l] * n.k[l]) * s / 3
            let mlp = n.mlpOut[l] * n.mlpIn[l] / gelu
            bound = (1 - a) * bound + a * bound * attention
            bound = (1 - a) * bound + a * bound * mlp
        }
        return bound * n.head
    }

    /// The w_max at which every matrix at w_max (embedding at 1) certifies exactly `target`: the
    /// bound is increasing in w, so bisection on [10⁻³, 10³].
    static func uniformNorm(forTransformerBound target: Double, layers: Int, softmaxScale: Double) -> Double {
        var (lo, hi) = (1e-3, 1e3)
        for _ in 0..<200 {
            let mid = (lo * hi).squareRoot()
            if transformer(.uniform(mid, layers: layers), softmaxScale: softmaxScale) > target { hi = mid } else { lo = mid }
        }
        return lo
    }
}

extension LabelledImages {
    /// Each `side`×`side` image replaced by the means of its `block`×`block` tiles.
    func pooled(side: Int, block: Int) -> LabelledImages {
        if block == 1 { return self }
        let out = side / block, scale = 1 / Float(block * block)
        var data = [Float](repeating: 0, count: count * out * out)
        for n in 0..<count {
            for i in 0..<side {
                for j in 0..<side {
                    data[n * out * out + (i / block) * out + j / block] += scale * images.data[n * side * side + i * side + j]
                }
            }
        }
        return LabelledImages(images: Tensor(shape: [count, out * out], data: data), labels: labels, classCount: classCount)
    }
}
