import ReproKit

/// The claims of one experiment with our measurement and the verdict, one row per claim:
/// claim id, statement (shortened for the terminal), the paper's value, ours, verdict.
public enum ClaimsTable {
    public static let header = ["claim", "statement", "paper", "ours", "interval", "verdict"]

    /// The verdict as tables print it: sanity checks read "sanity check: passed".
    public static func verdict(_ result: ClaimResult) -> String {
        verdict(result.verdict.rawValue, role: result.claim.role.rawValue)
    }

    /// The same for a verdict and role read back as text (a committed `results.json`): one
    /// wording whether the row comes from the store or from the committed file.
    public static func verdict(_ verdict: String, role: String) -> String {
        guard role == ClaimRole.sanityCheck.rawValue else { return verdict }
        switch verdict {
        case Verdict.reproduced.rawValue: return "sanity check: passed"
        case Verdict.notReproduced.rawValue: return "sanity check: failed"
        default: return "sanity check: \(verdict)"
        }
    }

    /// Our side of a claim: the formatted measurement across seeds, or "not measured".
    public static func ours(_ result: ClaimResult) -> String {
        result.summary.map { Format.summary($0, exact: result.exact) } ?? "not measured"
    }

    /// The table; statements and paper values longer than `statementWidth` and `paperWidth`
    /// Characters are cut with "…".
    public static func table(_ results: [ClaimResult], statementWidth: Int = .max, paperWidth: Int = .max) -> TextTable {
        TextTable(
            header: header,
            rows: results.map { r in
                [r.claim.id, TextTable.truncate(r.claim.statement, to: statementWidth),
                 TextTable.truncate(r.claim.paperValue, to: paperWidth),
                 ours(r), r.summary?.kind.rawValue ?? r.claim.interval.rawValue, verdict(r)]
            },
            alignments: [.left, .left, .left, .right, .left, .left]
        )
    }

    /// The preset whose verdicts are judgements; every other preset is a smoke test, sized to
    /// run fast, not to decide a claim.
    public static let verdictPreset = "full"

    /// For a terminal: statements cut to 48 Characters and paper values to 32, so a row fits
    /// a wide terminal line. For a smoke-test preset (anything but `full`) the verdict column
    /// says "smoke test" instead of a verdict, and a column shows the committed full-run verdict.
    public static func terminal(_ results: [ClaimResult], statementWidth: Int = 48, paperWidth: Int = 32,
                                preset: String = verdictPreset, committed: CommittedResults? = nil) -> String {
        var t = table(results, statementWidth: statementWidth, paperWidth: paperWidth)
        guard preset != verdictPreset else { return t.render() }
        t.header[t.header.count - 1] = "smoke test"
        t.header.append("committed \(verdictPreset) verdict")
        t.alignments.append(.left)
        for (i, r) in results.enumerated() {
            t.rows[i][t.header.count - 2] = r.verdict == .notMeasured ? verdict(r) : "—"
            t.rows[i].append(committed?.verdict(of: r.claim.id).map { verdict($0, role: r.claim.role.rawValue) }
                             ?? "none committed")
        }
        return t.render() + "\nPreset \(preset) is a smoke test: too few seeds and steps to judge a claim, so it prints no verdicts. "
            + "The committed verdicts come from `repro run <id> --preset \(verdictPreset)` (results/<id>/README.md).\n"
    }

    /// For Markdown pages: full statements.
    public static func markdown(_ results: [ClaimResult]) -> String {
        table(results).markdown()
    }
}
