import Foundation
import ReproNumerics

// `make bench`: our training-step times next to PyTorch CPU's at 1 and 2 threads, Newton–Schulz
// against plain sgemm, and element-wise loops against memcpy. Everything runs in this one
// process, one measurement after another, so no two timings compete for the cores.
//
// `repro-bench profile CASE [STEPS [THREADS]]` only runs STEPS (default 20) steps of one training
// case, or of the 10⁶-parameter AdamW step ("adamw-1e6"), at THREADS threads (default 1), for
// `perf record` or `valgrind --tool=callgrind`.

if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "profile" {
    let name = CommandLine.arguments[2]
    let count = CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) ?? 20 : 20
    BLAS.threads = CommandLine.arguments.count > 4 ? Int(CommandLine.arguments[4]) ?? 1 : 1
    guard let step = name == "adamw-1e6" ? Bandwidth.adamWStep() : TrainingSteps.make(name) else {
        FileHandle.standardError.write(Data("repro-bench: unknown case \(name); one of \(TrainingSteps.names + ["adamw-1e6"])\n".utf8))
        exit(2)
    }
    do { for _ in 0..<count { try step() } } catch {
        FileHandle.standardError.write(Data("repro-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}

let threadCounts = [1, 2]
let (stepWarmup, stepRepetitions) = (5, 21)

let loadBefore = MachineFacts.loadAverage
var runs: [ThreadRun] = []
var torchUnavailable: String? = TorchReference.isAvailable
    ? nil : "PyTorch columns need `make bench-torch` (no \(TorchReference.python))."

do {
    for threads in threadCounts {
        BLAS.threads = threads
        var ours: [String: Samples] = [:]
        for name in TrainingSteps.names {
            ours[name] = try Samples.measure(warmup: stepWarmup, repetitions: stepRepetitions, TrainingSteps.make(name)!)
        }
        var torch: TorchReference?
        if torchUnavailable == nil {
            do {
                torch = try TorchReference.run(threads: threads, warmup: stepWarmup, repetitions: stepRepetitions)
            } catch {
                torchUnavailable = "PyTorch run failed: \(error)"
            }
        }
        let orthogonalisation = [
            OrthogonalisationThroughput.measure(rows: 512, cols: 512, warmup: 2, repetitions: 11),
            OrthogonalisationThroughput.measure(rows: 1024, cols: 4096, warmup: 1, repetitions: 5),
        ]
        runs.append(ThreadRun(threads: threads, ours: ours, torch: torch, orthogonalisation: orthogonalisation))
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
