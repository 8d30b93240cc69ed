// swift-tools-version: 6.1
import PackageDescription

// MARK: - Experiments
// One line per paper. The folder `Experiments/<Name>/` holds the target; it must declare
// `public enum <Name>Experiment: Experiment`. The registry plugin picks it up from here.
let experiments: [Target] = [
    experiment("NewtonSchulz", uses: ["ReproOptim", "ReproData"]),
    experiment("MuonCompute", uses: ["ReproOptim", "ReproData", "ReproTraining"]),
    experiment("InContextGD", uses: ["ReproOptim", "ReproData"]),
    experiment("WeightDecay", uses: ["ReproOptim", "ReproData", "ReproTraining", "ReproMuP"]),
    experiment("CriticalBatch", uses: ["ReproOptim", "ReproData", "ReproTraining"]),
    experiment("ErrorBars", uses: []),
    experiment("MuonVariants", uses: ["ReproOptim", "ReproData", "ReproTraining"]),
    experiment("HPTransfer", uses: ["ReproOptim", "ReproData", "ReproTraining", "ReproMuP"]),
    experiment("Lipschitz", uses: ["ReproOptim", "ReproData", "ReproTraining"]),
]

// MARK: - Shared settings
let swiftSettings: [SwiftSetting] = [
    // Whole-module optimisation comes from `-c release`; this keeps debug builds checkable.
    .enableUpcomingFeature("ExistentialAny"),
    // Numeric loops over unsafe buffers must vectorise; debug builds of the numerics are
    // too slow to be useful, so the Makefile always builds with `-c release`.
    // Glibc's sqrtf may set errno, so without this the optimiser keeps a scalar call
    // beside every square root and cannot vectorise loops that take one (Adam's update ran
    // at 0.07× memcpy bandwidth). IEEE square roots are exact either way: results do not change.
    .unsafeFlags(["-Xcc", "-fno-math-errno"]),
]

let package = Package(
    name: "repro",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "repro", targets: ["repro"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // System libraries: a module map and a shim header each; apt names for `make deps`.
        .systemLibrary(name: "CReproBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CReproGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CReproZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The contract and the services around it.
        .target(name: "ReproStats", dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "ReproKit", dependencies: ["ReproStats"]),
        .target(name: "ReproStore", dependencies: ["ReproKit", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "ReproProvenance", dependencies: ["ReproKit", "CReproGit2", "CReproBLAS"]),
        .target(name: "ReproReport", dependencies: ["ReproKit", "ReproStats"]),
        .target(name: "ReproRunner", dependencies: ["ReproKit", "ReproStore", "ReproProvenance"]),

        // Numerics, optimisers and data that the experiments build on.
        .target(name: "ReproNumerics", dependencies: ["CReproBLAS", .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "ReproOptim", dependencies: ["ReproNumerics", "CReproBLAS", .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "ReproData", dependencies: ["ReproKit", "ReproNumerics", "CReproZlib"]),
        // μP (Microsoft's `mup` rules) for ReproNumerics' MLP, shared by weight-decay and hp-transfer.
        .target(name: "ReproMuP", dependencies: ["ReproNumerics", "ReproOptim"]),
        // The learning-rate (hyperparameter) sweep and the training loop the experiments share.
        .target(name: "ReproTraining", dependencies: ["ReproNumerics", "ReproOptim", "ReproData"]),

        // Registry: generated from the experiment targets by the build-tool plugin.
        .executableTarget(name: "RegistryGen", dependencies: ["CReproGit2"]),
        .plugin(name: "RegistryGenerator", capability: .buildTool(), dependencies: ["RegistryGen"]),
        .target(
            name: "ReproRegistry",
            dependencies: ["ReproKit"] + experiments.map { .target(name: $0.name) },
            plugins: ["RegistryGenerator"]
        ),

        .executableTarget(name: "repro", dependencies: [
            "ReproKit", "ReproRegistry", "ReproRunner", "ReproStore", "ReproProvenance", "ReproReport", "ReproStats",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "repro-bench", dependencies: ["ReproNumerics", "ReproOptim", "ReproData", "ReproStats", "CReproBLAS"], path: "Sources/ReproBench", exclude: ["torch_bench.py"]),

        // Tests: one target per module, plus quick-preset regressions for every experiment.
        .target(name: "ReproTestSupport", dependencies: ["ReproKit"], path: "Tests/ReproTestSupport"),
        .testTarget(name: "ReproStatsTests", dependencies: ["ReproStats", .product(name: "RealModule", package: "swift-numerics")]),
        .testTarget(name: "ReproKitTests", dependencies: ["ReproKit", "ReproStats", "ReproRegistry"]),
        .testTarget(name: "ReproStoreTests", dependencies: ["ReproStore", "ReproTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ReproProvenanceTests", dependencies: ["ReproProvenance", "ReproTestSupport"]),
        .testTarget(name: "ReproReportTests", dependencies: ["ReproReport", "ReproTestSupport"]),
        .testTarget(name: "ReproNumericsTests", dependencies: ["ReproNumerics"]),
        .testTarget(name: "ReproOptimTests", dependencies: ["ReproOptim", "ReproNumerics", "CReproBLAS", .product(name: "RealModule", package: "swift-numerics")]),
        .testTarget(name: "ReproTrainingTests", dependencies: ["ReproTraining", "ReproNumerics", "ReproOptim", .product(name: "RealModule", package: "swift-numerics")]),
        .testTarget(name: "ReproDataTests", dependencies: ["ReproData", "ReproKit", "ReproNumerics", "CReproZlib", .product(name: "RealModule", package: "swift-numerics")]),
        .testTarget(name: "CLITests", dependencies: ["ReproTestSupport"]),
        .testTarget(name: "ExperimentTests", dependencies: ["ReproRegistry", "ReproKit", "ReproNumerics", "ReproRunner", "ReproTestSupport", "ReproTraining", "ReproMuP"] + experiments.map { .target(name: $0.name) },
                    // Golden files are read from the source tree by path, not bundled.
                    exclude: ["Golden"]),
    ] + experiments
)

for target in package.targets where target.type != .system && target.type != .plugin {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}

/// An experiment target: `Experiments/<name>/`, built on the contract plus the modules it `uses`.
func experiment(_ name: String, uses: [String] = []) -> Target {
    .target(
        name: name,
        dependencies: (["ReproKit", "ReproStats", "ReproNumerics"] + uses).map { .target(name: $0) },
        path: "Experiments/\(name)"
    )
}
