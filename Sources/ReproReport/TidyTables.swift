import ReproKit

/// `claims.csv` and `measurements.csv`: the verdicts and the per-seed values of one or several
/// experiments as tidy tables (one row per claim; one row per measurement per seed), made from
/// the same `CommittedResults` that `results.json` holds, so the three never disagree.
///
/// Empty fields are absent values (an open band end, no interval with one seed, a non-finite
/// value: its `non_finite` column then says "nan", "inf" or "-inf"). Rows are in experiment
/// order, then claim order (as the experiment states them) or measurement name and seed.
public enum TidyTables {
    public static let claimsFile = "claims.csv"
    public static let measurementsFile = "measurements.csv"

    public static let claimsHeader = [
        "experiment", "claim", "role", "measurement", "interval_kind", "value", "lower", "upper",
        "band_lower", "band_upper", "verdict", "basis", "paper_value", "source", "source_url", "preset", "seeds",
    ]

    public static let measurementsHeader = [
        "experiment", "measurement", "seed", "value", "non_finite", "unit", "exact", "timing",
        "standard_error", "successes", "trials", "preset",
    ]

    public static func claims(_ results: [CommittedResults]) -> String {
        var rows: [[String]] = []
        for r in results.sorted(by: { $0.experiment < $1.experiment }) {
            for c in r.claims {
                rows.append([r.experiment, c.id, c.role, c.measurement, c.interval, CSVWriter.optional(c.value),
                             CSVWriter.optional(c.lower), CSVWriter.optional(c.upper),
                             CSVWriter.optional(c.bandLower), CSVWriter.optional(c.bandUpper),
                             c.verdict, c.basis, c.paperValue, c.source, c.url, r.preset, String(r.seeds.count)])
            }
        }
        return CSVWriter.text(header: claimsHeader, rows: rows)
    }

    public static func measurements(_ results: [CommittedResults]) -> String {
        var rows: [[String]] = []
        for r in results.sorted(by: { $0.experiment < $1.experiment }) {
            for m in (r.measurements ?? []).sorted(by: { $0.name < $1.name }) {
                for s in m.perSeed.sorted(by: { $0.seed < $1.seed }) {
                    rows.append([r.experiment, m.name, String(s.seed), CSVWriter.optional(s.value), s.nonFinite ?? "",
                                 m.unit, m.exact ? "true" : "false", m.timing ? "true" : "false",
                                 CSVWriter.optional(s.standardError), s.successes.map(String.init) ?? "",
                                 s.trials.map(String.init) ?? "", r.preset])
                }
            }
        }
        return CSVWriter.text(header: measurementsHeader, rows: rows)
    }
}
