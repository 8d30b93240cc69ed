import ReproData
import ReproKit
import ReproNumerics

/// A classification problem: nested training sets of any size N and a fixed test set on which
/// the metric (mean cross-entropy) is measured.
///
/// Nested: for one trial seed the training set of size N is a subset of every larger one, so the
/// sweeps over N differ only in how much data they see.
struct ClassificationTask {
    var training: (_ count: Int) -> LabelledImages
    var test: LabelledImages
    var classCount: Int { test.classCount }
    var inputDimension: Int { test.images.cols }

    /// Fashion-MNIST, standardised with training-split statistics, each image average-pooled
    /// over `pooling`×`pooling` blocks (28×28 → 14×14 for 2). Training set of size N (a multiple
    /// of 10): `balancedSubset(perClass: N/10, seed:)` of the training split (stream `data`;
    /// nested in N for a fixed seed); test set: the whole 10 000-image test split.
    static func fashionMNIST(pooling: Int, seed: UInt64) throws -> ClassificationTask {
        let side = FashionMNIST.imageSide
        let train = try FashionMNIST.load(.train, normalisation: .standardised).averagePooled(side: side, block: pooling)
        let test = try FashionMNIST.load(.test, normalisation: .standardised).averagePooled(side: side, block: pooling)
        return ClassificationTask(training: { count in
            precondition(count % FashionMNIST.classCount == 0, "Fashion-MNIST subsets are class-balanced: N = \(count) is not a multiple of 10")
            return train.balancedSubset(perClass: count / FashionMNIST.classCount, seed: seed)
        }, test: test)
    }

    /// A student–teacher task: inputs x ~ N(0, I), labels argmax of a fixed random tanh teacher
    /// (`TeacherNetwork`, seed 0: the teacher is part of the task, the same for every trial), each
    /// replaced with probability `labelNoise` by a uniform class. Training inputs and noise come
    /// from `RNG(seed, .data)` (the size-N set is the first N of `largest` draws), test ones from
    /// `RNG(seed, .evaluation)`; test labels are noisy too, so the test loss estimates the
    /// expected loss on fresh data from the same distribution.
    static func teacherStudent(teacherWidths: [Int], labelNoise: Float, largest: Int, testCount: Int,
                               seed: UInt64) -> ClassificationTask {
        let teacher = TeacherNetwork(widths: teacherWidths, activation: .tanh, seed: 0)
        func sample(_ count: Int, stream: UInt64) -> LabelledImages {
            var rng = RNG(seed: seed, stream: stream)
            let s = teacher.classificationSample(count: count, labelNoise: labelNoise, rng: &rng)
            return LabelledImages(images: s.inputs, labels: s.labels, classCount: teacher.outputDimension)
        }
        let pool = sample(largest, stream: RNG.Stream.data)
        return ClassificationTask(training: { count in
            precondition(count <= pool.count, "asked for \(count) training examples, the pool has \(pool.count)")
            return pool.gathering(Array(0..<count))
        }, test: sample(testCount, stream: RNG.Stream.evaluation))
    }
}

extension LabelledImages {
    /// Each `side`×`side` image replaced by the means of its `block`×`block` tiles
    /// (`side` divisible by `block`); `block` 1 returns the images unchanged.
    func averagePooled(side: Int, block: Int) -> LabelledImages {
        precondition(side % block == 0 && images.cols == side * side, "cannot pool \(images.shape) in \(block)×\(block) blocks")
        if block == 1 { return self }
        let out = side / block, scale = 1 / Float(block * block)
        var pooled = [Float](repeating: 0, count: count * out * out)
        for n in 0..<count {
            for i in 0..<side {
                for j in 0..<side {
                    pooled[n * out * out + (i / block) * out + j / block] += scale * images.data[n * side * side + i * side + j]
                }
            }
        }
        return LabelledImages(images: Tensor(shape: [count, out * out], data: pooled), labels: labels, classCount: classCount)
    }
}
