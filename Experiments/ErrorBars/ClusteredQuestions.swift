import ReproStats
import Foundation

/// Questions in clusters (the paper's §3.2, "subtasks"): T tasks of N_t = 5 questions each, simulated
/// from the authors' model d ~ Gamma(1, 1), θ_t ~ Beta(dθ, d(1 − θ)), x ~ Bernoulli(θ_t), with
/// θ ~ Beta(1, 1) and d fresh for every data set. The target is θ, the mean over tasks.
/// The data reduce to how many tasks had s = 0…5 successes, so the clustered posterior is cached
/// by that histogram.
struct ClusteredQuestions {
    static let methods = ["clustered-bayes", "clustered-wald", "wald", "beta-posterior"]

    /// Prior points (θ, d) with each point's log BetaBinomial(s | N_t, dθ, d(1 − θ)) for s = 0…N_t.
    struct Bank {
        let posterior: WeightedPosterior
        let logPMF: [[Double]]

        init(size: Int, perTask: Int, seed: UInt64) {
            var rows: [(theta: Double, pmf: [Double])] = []
            for u in Halton.points(size, dimensions: 2, seed: seed &+ 17) {
                let theta = u[0], d = -log(1 - u[1])
                let a = d * theta, b = d * (1 - theta)
                let logBetaAB = lgamma(a) + lgamma(b) - lgamma(a + b)
                let pmf = (0...perTask).map { s -> Double in
                    let sa = a + Double(s), sb = b + Double(perTask - s)
                    return BinomialCoverage.logChoose(perTask, s)
                        + lgamma(sa) + lgamma(sb) - lgamma(sa + sb) - logBetaAB
                }
                rows.append((theta, pmf))
            }
            rows.sort { $0.theta < $1.theta }
            posterior = WeightedPosterior(values: rows.map(\.theta))
            logPMF = rows.map(\.pmf)
        }
    }

    static func run(tasks: Int, perTask: Int, repetitions: Int, bank: Bank, seed: UInt64)
        -> (coverage: [String: CoverageEstimate], effectiveSizes: [Double]) {
        var draws = Draws(seed: seed, stream: 0xC105 + UInt64(tasks))
        let n = tasks * perTask
        var coverage: [String: CoverageEstimate] = [:]
        for m in methods { coverage[m] = CoverageEstimate() }
        var bayesCache: [[Int]: Interval] = [:]
        let wald = (0...n).map { CentralLimit.wald(successes: $0, trials: n) }
        let beta = (0...n).map { Proportion.betaPosterior(successes: $0, trials: n) }
        var sizes: [Double] = []
        for _ in 0..<repetitions {
            let theta = draws.uniform(), d = draws.exponential()
            var successes = [Int](repeating: 0, count: tasks)
            var histogram = [Int](repeating: 0, count: perTask + 1)
            for t in 0..<tasks {
                let thetaT = draws.beta(d * theta, d * (1 - theta))
                successes[t] = draws.binomial(perTask, thetaT)
                histogram[successes[t]] += 1
            }
            let k = successes.reduce(0, +)
            let bayes: Interval
            if let cached = bayesCache[histogram] { bayes = cached } else {
                let logW = bank.logPMF.map { pmf in
                    var l = 0.0
                    for s in 0...perTask where histogram[s] > 0 { l += Double(histogram[s]) * pmf[s] }
                    return l
                }
                let summary = bank.posterior.summary(logWeights: logW)
                sizes.append(summary.effectiveSize)
                bayes = summary.interval
                bayesCache[histogram] = bayes
            }
            coverage["clustered-bayes"]!.add(bayes, truth: theta)
            coverage["clustered-wald"]!.add(CentralLimit.clustered(successes: successes, trials: Array(repeating: perTask, count: tasks)), truth: theta)
            coverage["wald"]!.add(wald[k], truth: theta)
            coverage["beta-posterior"]!.add(beta[k], truth: theta)
        }
        return (coverage, sizes)
    }
}
