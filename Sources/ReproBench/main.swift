import Foundation
import ReproNumerics

// `make bench`: our training-step times next to PyTorch CPU's at 1 and 2 threads, Newton–Schulz
// against plain sgemm, and element-wise loops against memcpy. Everything runs in this one
// process, one measurement after another, so no two timings compete for the cores.
//
// `repro-bench profile CASE [STEPS [THREADS [SHARDS]]]` only runs STEPS (default 20) steps of one
// training case, of the 10⁶-parameter AdamW step ("adamw-1e6") or of Newton–Schulz ("ns-512",
// "ns-1024x4096": 5 Jordan quintics), at THREADS threads (default 1) with the training batch cut
// into SHARDS data-parallel shards (default 1), for `perf record` or `valgrind --tool=callgrind`.

if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "profile" {
    let name = CommandLine.arguments[2]
    /// The optional integer argument at `index`, or a one-line error and exit status 2.
    func argument(_ index: Int, _ label: String, default value: Int, in range: ClosedRange<Int>) -> Int {
        guard CommandLine.arguments.count > index else { return value }
        guard let n = Int(CommandLine.arguments[index]), range.contains(n) else {
            FileHandle.standardError.write(Data("repro-bench: \(label) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(CommandLine.arguments[index])'\n".utf8))
            exit(2)
        }
        return n
    }
    let count = argument(3, "STEPS", default: 20, in: 1...100_000)
    BLAS.threads = argument(4, "THREADS", default: 1, in: 1...64)
    // Up to 32: the smallest training batch (the GPT's 32 sequences) needs a row per shard.
    let shards = argument(5, "SHARDS", default: 1, in: 1...32)
    let extra: [String: () -> () throws -> Void] = [
        "adamw-1e6": { Bandwidth.adamWStep() },
        "ns-512": { OrthogonalisationThroughput.step(rows: 512, cols: 512) },
        "ns-1024x4096": { OrthogonalisationThroughput.step(rows: 1024, cols: 4096) },
    ]
    guard let step = extra[name]?() ?? TrainingSteps.make(name, shards: shards) else {
        FileHandle.standardError.write(Data("repro-bench: unknown case \(name); one of \(TrainingSteps.names + extra.keys.sorted())\n".utf8))
        exit(2)
    }
    do {
        if ProcessInfo.processInfo.environment["REPRO_BENCH_TIMES"] != nil {
            // Per-step times on stderr (median and minimum), for A/B comparisons of two builds.
            let samples = try Samples.measure(warmup: 3, repetitions: count, step)
            FileHandle.standardError.write(Data("\(name) threads \(BLAS.threads) shards \(shards): median \(samples.median * 1e3) ms, min \(samples.min * 1e3) ms\n".utf8))
        } else {
            for _ in 0..<count { try step() }
        }
    } catch {
        FileHandle.standardError.write(Data("repro-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}

let threadCounts = [1, 2]
// Step times: `stepRounds` rounds, each timing every case of ours and then PyTorch's
// (`stepRepetitions` each after `stepWarmup`), pooled: the two sides alternate, so a drift in
// the shared machine's speed over the run reaches both instead of one.
let (stepRounds, stepWarmup, stepRepetitions) = (BenchmarkReport.stepRounds, BenchmarkReport.stepWarmup, BenchmarkReport.stepRepetitions)

let loadBefore = MachineFacts.loadAverage
var runs: [ThreadRun] = []
var torchUnavailable: String? = TorchReference.isAvailable
    ? nil : "PyTorch columns need `make bench-torch` (no \(TorchReference.python))."

do {
    for threads in threadCounts {
        BLAS.threads = threads
        // At several threads every case runs both ways: the batch in `threads` data-parallel
        // shards, and one tape with the threads inside BLAS and `Parallel` loops.
        let variants = TrainingSteps.variants(threads: threads)
        let steps = variants.map { ($0, TrainingSteps.make($0.name, shards: $0.shards)!) }
        var ours: [TrainingSteps.Variant: Samples] = [:]
        var torch: TorchReference?
        var roundRatios: [TrainingSteps.Variant: [Double]] = [:]
        for _ in 0..<stepRounds {
            var round: [TrainingSteps.Variant: Samples] = [:]
            for (variant, step) in steps {
                round[variant] = try Samples.measure(warmup: stepWarmup, repetitions: stepRepetitions, step)
                ours[variant, default: Samples(seconds: [])].seconds += round[variant]!.seconds
            }
            guard torchUnavailable == nil else { continue }
            do {
                let reference = try TorchReference.run(threads: threads, warmup: stepWarmup, repetitions: stepRepetitions)
                torch = torch.map { $0.pooled(with: reference) } ?? reference
                for (variant, samples) in round {
                    if let theirs = reference.cases[variant.name] { roundRatios[variant, default: []].append(samples.median / theirs.median) }
                }
            } catch {
                torchUnavailable = "PyTorch run failed: \(error)"
                torch = nil
            }
        }
        let orthogonalisation = [
            OrthogonalisationThroughput.measure(rows: 512, cols: 512, warmup: 2, repetitions: 11),
            OrthogonalisationThroughput.measure(rows: 1024, cols: 4096, warmup: 1, repetitions: 5),
        ]
        runs.append(ThreadRun(threads: threads, variants: variants, ours: ours, torch: torch,
                              roundRatios: torch == nil ? [:] : roundRatios,
                              orthogonalisation: orthogonalisation))
    }
    BLAS.threads = 1
    let bandwidth = try Bandwidth.measureAll(warmup: 3, repetitions: 21)

    let report = BenchmarkReport(runs: runs, bandwidth: bandwidth, loadBefore: loadBefore,
                                 loadAfter: MachineFacts.loadAverage, torchUnavailable: torchUnavailable)
    print(report.markdown, terminator: "")
    try FileManager.default.createDirectory(atPath: "results", withIntermediateDirectories: true)
    try report.markdown.write(toFile: "results/benchmarks.md", atomically: true, encoding: .utf8)
    print("wrote results/benchmarks.md")
} catch {
    FileHandle.standardError.write(Data("repro-bench: \(error)\n".utf8))
    exit(1)
}
