import Foundation
@testable import MuonVariants
import ReproKit
import ReproStats
import ReproTraining
import Testing

@Suite("muon-variants experiment, quick preset")
struct MuonVariantsExperimentTests {
    static let quick = MuonVariantsExperiment.presets.first { $0.name == "quick" }!
    static let measurements: Measurements = {
        // A failing run is a test failure; there is nothing to recover.
        try! MuonVariantsExperiment.run(Trial(preset: "quick", config: quick.config, seed: 1), .silent())
    }()

    @Test("Every claim on the main model is recorded, finite, and of the kind its claim asks for")
    func claimsMeasured() {
        // The quick preset has no width sweep and no cross-check model.
        for claim in MuonVariantsExperiment.claims where !claim.measurement.hasPrefix("mlp.") && !claim.measurement.hasPrefix("scion.transfer") {
            guard let scalar = Self.measurements.scalars[claim.measurement] else {
                Issue.record("missing \(claim.measurement)"); continue
            }
            #expect(scalar.value.isFinite, "\(claim.measurement) = \(scalar.value)")
            #expect(SeedData([scalar]).mismatch(claim.interval) == nil, "\(claim.id): kind does not fit its data")
        }
    }

    @Test("Every optimiser's sweep brackets its best rate and its basins are positive, the 10% one no narrower than the 5% one")
    func basinsAreSane() throws {
        for v in Variant.allCases {
            let five = try #require(Self.measurements.scalars["\(v.key).basin5_log2"]?.value)
            let ten = try #require(Self.measurements.scalars["\(v.key).basin10_log2"]?.value)
            #expect(five > 0 && ten >= five, "\(v.rawValue): 5% \(five), 10% \(ten)")
        }
    }

    @Test("Measurement keys are distinct per variant")
    func keys() {
        #expect(Set(Variant.allCases.map(\.key)).count == Variant.allCases.count)
        #expect(Variant.muonMaxMomo.key == "muonmax_momo")
    }
}
