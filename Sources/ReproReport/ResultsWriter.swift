import Foundation
import ReproKit

/// The committed pages under `results/`, as text keyed by path relative to the `results/`
/// folder (`"README.md"`, `"<id>/README.md"`, `"<id>/<series>.csv"`, `"<id>/fig-<figure>.svg"`).
///
/// Pure and deterministic: the same experiments and trials give byte-identical text. Nothing
/// depends on the clock or on the order of the trials; no timestamps are written, only the
/// commits the trials ran at and their recorded timings, so a diff of `results/` shows what
/// the measurements changed.
public enum ResultsWriter {
    /// Every file of one experiment's folder. `trials`: the stored records of `preset`; only
    /// `ok` records with measurements count, one per seed (see `SeedRuns(trials:)`).
    public static func experimentFiles(experiment: AnyExperiment, preset: String, trials: [TrialRecord]) -> [String: String] {
        let id = experiment.paper.id
        let runs = SeedRuns(trials: trials)
        var files: [String: String] = [:]
        let data = CSVWriter.dataFiles(runs, figures: experiment.figures)
        for f in data { files["\(id)/\(f.name)"] = f.text }
        for figure in experiment.figures where hasData(figure, runs) {
            files["\(id)/\(figureFile(figure))"] = SVGPlot.render(figure, runs: runs)
        }
        let results = committed(experiment: experiment, preset: preset, runs: runs)
        files["\(id)/README.md"] = ExperimentPage(experiment: experiment, preset: preset, runs: runs,
                                                   dataFiles: data, hasTables: results != nil).markdown()
        if let results {
            files["\(id)/\(CommittedResults.fileName)"] = results.json()
            files["\(id)/\(TidyTables.claimsFile)"] = TidyTables.claims([results])
            files["\(id)/\(TidyTables.measurementsFile)"] = TidyTables.measurements([results])
        }
        return files
    }

    /// What `results/<id>/results.json` holds for these trials; nil when none is usable.
    public static func committed(experiment: AnyExperiment, preset: String, trials: [TrialRecord]) -> CommittedResults? {
        committed(experiment: experiment, preset: preset, runs: SeedRuns(trials: trials))
    }

    static func committed(experiment: AnyExperiment, preset: String, runs: SeedRuns) -> CommittedResults? {
        runs.isEmpty ? nil : CommittedResults(experiment: experiment, preset: preset, runs: runs,
                                              evaluation: runs.evaluation(claims: experiment.claims))
    }

    /// The files of `results/` that span every experiment: `claims.csv` and `measurements.csv`
    /// (the scoreboard is `scoreboard(_:committed:)`).
    public static func overallFiles(_ results: [CommittedResults]) -> [String: String] {
        [TidyTables.claimsFile: TidyTables.claims(results), TidyTables.measurementsFile: TidyTables.measurements(results)]
    }

    /// The verdict columns of the scoreboard: paper claims only (sanity checks and controls
    /// are counted apart).
    static let judged: [Verdict] = [.reproduced, .notReproduced, .inconclusive, .notMeasured]

    /// `results/README.md`: every claim of every experiment with its verdict, and verdict
    /// counts per experiment. An entry without usable trials keeps the rows of its committed
    /// `results.json` (marked "committed") when there is one, and is listed as "not run" only
    /// when there is none: a report never drops a committed result.
    public static func scoreboard(_ entries: [(experiment: AnyExperiment, preset: String, trials: [TrialRecord])],
                                  committed: [String: CommittedResults] = [:]) -> String {
        let sorted = entries.sorted { $0.experiment.paper.id < $1.experiment.paper.id }
        var overview: [[String]] = [], claimRows: [[String]] = []
        var totals: [String: Int] = [:]
        var checksPassed = 0, checks = 0, controls = 0
        for entry in sorted {
            let paper = entry.experiment.paper
            let runs = SeedRuns(trials: entry.trials)
            let link = "[\(paper.id)](\(paper.id)/README.md)"
            if runs.isEmpty, let old = committed[paper.id] {
                let judgedRows = old.claims.filter { $0.role == ClaimRole.claim.rawValue }
                let counts = Dictionary(grouping: judgedRows, by: \.verdict).mapValues(\.count)
                for (v, c) in counts { totals[v, default: 0] += c }
                let oldChecks = old.claims.filter { $0.role == ClaimRole.sanityCheck.rawValue }
                checks += oldChecks.count
                checksPassed += oldChecks.filter { $0.verdict == Verdict.reproduced.rawValue }.count
                controls += old.claims.filter { $0.role == ClaimRole.control.rawValue }.count
                let oldPassed = oldChecks.filter { $0.verdict == Verdict.reproduced.rawValue }.count
                let cells: [String] = judged.map { v in String(counts[v.rawValue] ?? 0) }
                overview.append([link, paper.title, "\(old.preset) (committed)", String(old.seeds.count)] + cells
                                + ["\(oldPassed)/\(oldChecks.count)"])
                for c in old.claims {
                    let source = c.url.isEmpty ? TextTable.truncate(c.source, to: 60) : "[\(TextTable.truncate(c.source, to: 60))](\(c.url))"
                    claimRows.append([link, c.id, source, c.paperValue, c.ours, ClaimsTable.verdict(c.verdict, role: c.role) + " (committed)"])
                }
                continue
            }
            guard !runs.isEmpty else {
                overview.append([link, paper.title, entry.preset, "not run"] + judged.map { _ in "" } + [""])
                for claim in entry.experiment.claims {
                    claimRows.append([link, claim.id, sourceLink(claim.source, limit: 60), claim.paperValue, "not run", "not run"])
                }
                continue
            }
            let evaluation = runs.evaluation(claims: entry.experiment.claims)
            let judgedRows = evaluation.claims.filter { $0.claim.role == .claim }
            let counts = Dictionary(grouping: judgedRows, by: \.verdict).mapValues(\.count)
            for (v, c) in counts { totals[v.rawValue, default: 0] += c }
            let myChecks = evaluation.claims.filter { $0.claim.role == .sanityCheck }
            let passed = myChecks.filter { $0.verdict == .reproduced }.count
            checks += myChecks.count; checksPassed += passed
            controls += evaluation.claims.filter { $0.claim.role == .control }.count
            let cells: [String] = judged.map { v in String(counts[v] ?? 0) }
            overview.append([link, paper.title, entry.preset, String(runs.seeds.count)] + cells + ["\(passed)/\(myChecks.count)"])
            for r in evaluation.claims {
                claimRows.append([link, r.claim.id, sourceLink(r.claim.source, limit: 60), r.claim.paperValue, ClaimsTable.ours(r),
                                  ClaimsTable.verdict(r)])
            }
        }
        let verdictHeader = judged.map(\.rawValue)
        var out = """
        # Results

        Every claim of every experiment, our measurement and the verdict. Verdicts are computed \
        from the per-seed values, never typed in: a claim is *reproduced* when the whole 95% \
        interval of our measurement lies inside the claim's acceptance band, *not reproduced* \
        when it lies wholly outside (or a seed diverged), *inconclusive* otherwise (including a \
        single seed). The interval fits the statistic, and each claim names its kind: Student-t \
        for the mean of a continuous per-seed value, paired t or a log-ratio t for A-vs-B on shared \
        seeds, a Beta posterior for proportions, a Monte Carlo interval that includes each trial's \
        own sampling error, a percentile bootstrap for skewed or point-mass values, and "every seed" \
        for bounds that must hold in every run. Seed-independent (exact) values are compared \
        directly. *Sanity checks* (true by construction of our code) and *controls* (reference \
        measurements, no verdict) are listed but not counted as reproductions.

        Regenerate with `make all-results`; each experiment's page has its setup, figures, data and provenance, \
        and `<id>/results.json` the same verdicts for other tools. For pandas, R or a spreadsheet: \
        [claims.csv](claims.csv) (one row per claim) and [measurements.csv](measurements.csv) (one row per \
        measurement per seed) cover every experiment; each folder has its own, and its series as tidy CSVs \
        (docs/json.md describes every file).

        """
        if !totals.isEmpty {
            out += "\nOverall: " + judged.compactMap { v in totals[v.rawValue].map { "\($0) \(v.rawValue)" } }.joined(separator: ", ")
            out += "; \(checksPassed)/\(checks) sanity checks passed; \(controls) controls.\n"
        }
        out += "\n## Experiments\n\n"
        out += TextTable(header: ["experiment", "paper", "preset", "seeds"] + verdictHeader + ["checks passed"], rows: overview).markdown()
        out += "\n## Claims\n\n"
        out += TextTable(header: ["experiment", "claim", "source", "paper", "ours", "verdict"], rows: claimRows,
                         alignments: [.left, .left, .left, .left, .right, .left]).markdown()
        return out
    }

    /// "[Doe 2025, Table 2](url)", or the plain text when there is no URL; text beyond
    /// `limit` Characters is cut with "…" (the experiment page has it whole).
    static func sourceLink(_ source: Source, limit: Int = .max) -> String {
        let text = TextTable.truncate("\(source.citation), \(source.location)", to: limit)
        return source.url.isEmpty ? text : "[\(text)](\(source.url))"
    }

    /// Whether any seed recorded any of the figure's series; figures without are not drawn.
    static func hasData(_ figure: Figure, _ runs: SeedRuns) -> Bool {
        runs.measurements.contains { m in figure.series.contains { m.series[$0] != nil } }
    }

    /// `fig-<figure id>.svg`.
    public static func figureFile(_ figure: Figure) -> String {
        "fig-" + String(CSVWriter.fileName(series: figure.id).dropLast(4)) + ".svg"
    }
}

/// The Markdown page of one experiment: paper, setup, claims, measurements, tables, figures,
/// data files and provenance.
struct ExperimentPage {
    let experiment: AnyExperiment
    let preset: String
    let runs: SeedRuns
    let dataFiles: [CSVWriter.DataFile]
    /// Whether results.json, claims.csv and measurements.csv are written beside the page.
    var hasTables = false

    /// The records behind `runs` (ok, one per seed), in seed order.
    var used: [TrialRecord] { runs.records }

    func markdown() -> String {
        var s = header()
        s += section("Setup", experiment.setup.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                     ? "_No setup description._\n" : experiment.setup.trimmingCharacters(in: .whitespacesAndNewlines) + "\n")
        guard !runs.isEmpty else {
            return s + section("Results", "Not run: no finished trials of preset `\(preset)`.\n")
        }
        let evaluation = runs.evaluation(claims: experiment.claims)
        s += section("Claims", claims(evaluation))
        s += section("Measurements", measurements(evaluation))
        if let t = tables() { s += section("Tables", t) }
        if !experiment.figures.isEmpty { s += section("Figures", figures()) }
        s += section("Data", data())
        s += section("Provenance", provenance())
        return s
    }

    func section(_ title: String, _ body: String) -> String { "\n## \(title)\n\n\(body)" }

    func header() -> String {
        let p = experiment.paper
        var s = "# \(p.title)\n\n"
        let byline = [p.authors.isEmpty ? nil : p.authors, "\(p.year)"].compactMap { $0 }.joined(separator: ", ")
        s += "**Paper:** \(byline)" + (p.url.isEmpty ? "" : " — <\(p.url)>") + "\n\n"
        s += "**Names:** " + experiment.names.map { "`\($0)`" }.joined(separator: ", ") + "\n\n"
        if runs.isEmpty {
            s += "**Preset:** `\(preset)`, not run.\n"
        } else {
            let seeds = runs.seeds.map(String.init).joined(separator: ", ")
            s += "**Preset:** `\(preset)`, \(runs.seeds.count) seed\(runs.seeds.count == 1 ? "" : "s") (\(seeds)).\n\n"
            let commits = commits()
            s += commits == ["unversioned"] ? "Generated from trials run outside a git repository (unversioned).\n"
                : "Generated from commit\(commits.count > 1 ? "s" : "") \(commits.joined(separator: ", ")).\n"
        }
        return s
    }

    func commits() -> [String] {
        Array(Set(used.map { $0.provenance.versionLabel })).sorted()
    }

    func claims(_ evaluation: Evaluation) -> String {
        guard !evaluation.claims.isEmpty else { return "_This experiment states no claims._\n" }
        var s = "Verdicts: \(evaluation.verdictSummary).\n\n" + ClaimsTable.markdown(evaluation.claims)
        for r in evaluation.claims {
            let c = r.claim
            s += "\n### \(c.id)\n\n"
            s += "> \(TextTable.singleLine(c.statement))\n\n"
            s += "- **Source:** \(ResultsWriter.sourceLink(c.source))\n"
            s += "- **Paper value:** \(c.paperValue); acceptance band \(Format.band(lower: c.band.lower, upper: c.band.upper)) on `\(c.measurement)`\n"
            s += "- **Ours:** \(ClaimsTable.ours(r))\n"
            s += "- **Interval:** \(r.summary?.kind.description ?? c.interval.description)\n"
            s += "- **Verdict:** \(ClaimsTable.verdict(r)) (\(r.basis))\n"
            s += "- **Tolerance:** \(TextTable.singleLine(c.tolerance))\n"
            s += "- **What differs:** \(TextTable.singleLine(c.differences))\n"
        }
        return s
    }

    func measurements(_ evaluation: Evaluation) -> String {
        guard !evaluation.measurements.isEmpty else { return "_No scalar measurements._\n" }
        let rows = evaluation.measurements.map { m -> [String] in
            // Exact values are shown with the digits they have; seed-dependent ones to 4 digits.
            let show: (Double) -> String = m.exact ? { Format.precise($0) } : { Format.number($0) }
            let perSeed = runs.values(of: m.name).map { "\($0.seed): \(show($0.value))" }.joined(separator: ", ")
            let interval: String
            if !m.summary.values.allSatisfy(\.isFinite) { interval = "diverged" }
            else if m.exact { interval = "exact" }
            else if let ci = m.summary.interval { interval = Format.interval(ci) }
            else { interval = "—" }
            let notes = Set(runs.measurements.compactMap { $0.scalars[m.name]?.note }.filter { !$0.isEmpty })
            return [m.name, m.unit, show(m.summary.mean), interval, m.summary.kind.rawValue, perSeed,
                    notes.sorted().joined(separator: "; ")]
        }
        let withNotes = rows.contains { !$0[6].isEmpty }
        return "Point estimate and 95% interval across seeds, of the kind named (the kind of the claim that judges the "
            + "measurement, else the kind its data imply: exact, Monte Carlo, proportion or Student-t); per-seed values as seed: value.\n\n"
            + TextTable(header: ["measurement", "unit", "estimate", "95% interval", "interval kind", "per seed"] + (withNotes ? ["note"] : []),
                        rows: rows.map { withNotes ? $0 : Array($0.prefix(6)) },
                        alignments: [.left, .left, .right, .right, .left, .left] + (withNotes ? [.left] : [])).markdown()
    }

    /// Each table once when every seed recorded the same, else once per seed.
    func tables() -> String? {
        let names = Set(runs.measurements.flatMap(\.tables.keys)).sorted()
        guard !names.isEmpty else { return nil }
        var blocks: [String] = []
        for name in names {
            let versions = zip(runs.seeds, runs.measurements).compactMap { seed, m in m.tables[name].map { (seed, $0) } }
            let allSame = versions.allSatisfy { $0.1 == versions[0].1 } && versions.count == runs.seeds.count
            for (seed, table) in allSame ? [versions[0]] : versions {
                blocks.append("### \(name)" + (allSame ? "" : " (seed \(seed))") + "\n\n"
                              + TextTable(header: table.header, rows: table.rows).markdown())
            }
        }
        return blocks.joined(separator: "\n")
    }

    func figures() -> String {
        experiment.figures.map { f in
            guard ResultsWriter.hasData(f, runs) else {
                return "_\(f.title): not drawn, preset `\(preset)` records none of its series (\(f.series.joined(separator: ", ")))._\n"
            }
            let file = ResultsWriter.figureFile(f)
            let names = dataFiles.filter { file in f.series.contains { file.series.contains($0) } }.map(\.name)
            let data = names.map { "[\($0)](\($0))" }.joined(separator: ", ")
            return "![\(f.title)](\(file))\n\n" + (data.isEmpty ? "" : "Data: \(data).\n")
        }.joined(separator: "\n")
    }

    /// The machine-readable files: the tables of every claim and measurement, then one line per series file.
    func data() -> String {
        var lines: [String] = []
        if hasTables {
            lines.append("- [\(CommittedResults.fileName)](\(CommittedResults.fileName)): claims, measurements, config and provenance (schema \(CommittedResults.currentSchema))")
            lines.append("- [\(TidyTables.claimsFile)](\(TidyTables.claimsFile)): one row per claim")
            lines.append("- [\(TidyTables.measurementsFile)](\(TidyTables.measurementsFile)): one row per measurement per seed")
        }
        for f in dataFiles {
            var notes: [String] = []
            if f.series.count > 1 { notes.append("series \(f.series.joined(separator: ", ")), by `\(f.parameter ?? "")`") }
            notes.append(f.seedIndependent ? "seed-independent: written once" : "one row per x per seed")
            lines.append("- [\(f.name)](\(f.name)): " + notes.joined(separator: "; "))
        }
        return lines.isEmpty ? "_No data files._\n" : lines.joined(separator: "\n") + "\n"
    }

    func provenance() -> String {
        let t = used
        func distinct(_ values: [String]) -> String { Array(Set(values)).sorted().joined(separator: "; ") }
        var rows: [[String]] = []
        rows.append(["commit", distinct(t.map { p in
            p.provenance.versionLabel + (p.provenance.diffHash.map { ", diff \($0.prefix(10))" } ?? "")
        })])
        rows.append(["source hash", distinct(t.map(\.sourceHash))])
        rows.append(["toolchain", distinct(t.map(\.provenance.toolchain))])
        rows.append(["OS", distinct(t.map(\.provenance.os))])
        rows.append(["CPU", distinct(t.map(\.provenance.cpu))])
        rows.append(["BLAS", distinct(t.map(\.provenance.blas))])
        rows.append(["BLAS threads", distinct(t.map { "\($0.blasThreads)" })])
        let walls = t.compactMap(\.wallSeconds)
        if !walls.isEmpty {
            rows.append(["wall time", "\(Format.duration(walls.reduce(0, +))) total; per seed "
                + t.compactMap { r in r.wallSeconds.map { "\(r.seed): \(Format.duration($0))" } }.joined(separator: ", ")])
        }
        let cpus = t.compactMap(\.cpuSeconds)
        if !cpus.isEmpty { rows.append(["CPU time", "\(Format.duration(cpus.reduce(0, +))) total"]) }
        if let peak = t.compactMap(\.peakMemoryBytes).max() { rows.append(["peak memory", "\(Format.bytes(peak)) (largest trial)"]) }
        return TextTable(header: ["fact", "value"], rows: rows, alignments: [.left, .left]).markdown()
    }
}
