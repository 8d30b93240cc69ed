import Foundation

/// PyTorch CPU timings of the same training steps, from `torch_bench.py` run in the throw-away
/// virtual environment `.venv-bench/` that `make bench-torch` creates.
struct TorchReference: Decodable {
    var torch: String
    /// "MKL" when PyTorch's matrix products go through MKL.
    var blas: String
    var threads: Int
    var cases: [String: Samples]

    static let python = ".venv-bench/bin/python"
    /// The script sits next to this file in the source tree.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("torch_bench.py").path

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: python) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// This run's samples with `other`'s appended, case by case.
    func pooled(with other: TorchReference) -> TorchReference {
        var result = self
        for (name, samples) in other.cases { result.cases[name, default: Samples(seconds: [])].seconds += samples.seconds }
        return result
    }

    /// Runs the script with `threads` intra-op threads and the given warm-up and repetition counts.
    static func run(threads: Int, warmup: Int, repetitions: Int) throws -> TorchReference {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, String(threads), String(warmup), String(repetitions)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(python) \(script) exited with status \(process.terminationStatus)")
        }
        return try JSONDecoder().decode(TorchReference.self, from: data)
    }
}
