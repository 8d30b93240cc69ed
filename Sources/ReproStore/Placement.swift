import Foundation
import ReproKit

/// Where a trial ran: the host and, under SLURM, the job and array index.
///
/// Stored inside the row's provenance JSON object, beside `Provenance`'s own keys (whose
/// decoder ignores these), so every reader of the provenance sees it and rows written before
/// hosts were recorded read as `host == nil`. A `running` row's pid means something only on
/// its own host.
public struct Placement: Codable, Sendable, Equatable {
    public var host: String?
    /// The job id (of the array, for an array task).
    public var slurmJob: String?
    public var slurmArrayIndex: Int?

    public init(host: String? = nil, slurmJob: String? = nil, slurmArrayIndex: Int? = nil) {
        self.host = host; self.slurmJob = slurmJob; self.slurmArrayIndex = slurmArrayIndex
    }

    /// "12345_3" for an array task, "12345" for a plain job, nil outside SLURM.
    public var slurmLabel: String? {
        slurmJob.map { job in slurmArrayIndex.map { "\(job)_\($0)" } ?? job }
    }
}

/// A stored trial with where it ran.
public struct PlacedTrial: Sendable {
    public var record: TrialRecord
    public var placement: Placement
}

/// Provenance and placement as one JSON object (the `provenance` column).
struct StoredProvenance: Encodable {
    var provenance: Provenance
    var placement: Placement

    func encode(to encoder: any Encoder) throws {
        try provenance.encode(to: encoder)
        try placement.encode(to: encoder)
    }

    static func placement(from json: String) -> Placement {
        (try? JSONDecoder().decode(Placement.self, from: Data(json.utf8))) ?? Placement()
    }
}
