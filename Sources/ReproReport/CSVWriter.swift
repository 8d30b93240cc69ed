import ReproKit

/// The series of one experiment as tidy CSV files: deterministic text, RFC 4180 quoting (fields
/// holding a comma, quote or line break are quoted, quotes doubled), lines ending in "\n".
///
/// Long form, one row per x value per seed:
///
/// ```
/// [parameter,]seed,<x label>,<y label 1>,<y label 2>,…
/// ```
///
/// - Only points a seed recorded are written (no padding of one seed's grid to another's); a
///   y column that seed did not record is an empty field.
/// - A series that every seed recorded identically (seed-independent: closed forms, grids,
///   deterministic searches) is written once, without the `seed` column.
/// - Series whose names differ only in a last component of the form `<letters><number>`
///   (`sweep.lambda.N1000`, `sweep.lambda.N2000`) or `<n>x<m>` (`orthogonality.64x64`) share
///   one file named after the rest (`sweep.lambda.csv`) with the parameter as its first column
///   (`N` = 1000, 2000; `shape` = 64x64), when they share the x label, the seed dependence and
///   their y labels (or have one y column each: it is then named after the figure's y label).
/// - A figure whose x label declares categories (`Categories`) gets their names in the x column.
/// - x and parameter values that are integers print as integers ("64", not "64.0"); other
///   numbers as the shortest text that reads back to the same Double; non-finite values as
///   "nan", "inf", "-inf" (pandas reads all three).
public enum CSVWriter {
    /// One data file and the series it holds.
    public struct DataFile: Sendable, Equatable {
        public var name: String
        public var text: String
        public var series: [String]
        /// Written once: every seed recorded the same values.
        public var seedIndependent: Bool
        /// The column that tells the grouped series apart, if any.
        public var parameter: String?
    }

    /// Every series in `runs` as data files, in file-name order. `figures` name the y column of
    /// grouped one-column series (their y label).
    public static func dataFiles(_ runs: SeedRuns, figures: [Figure] = []) -> [DataFile] {
        let names = Set(runs.measurements.flatMap(\.series.keys)).sorted()
        var recorded: [String: [(seed: UInt64, series: Series)]] = [:]
        for name in names {
            recorded[name] = zip(runs.seeds, runs.measurements).compactMap { seed, m in m.series[name].map { (seed, $0) } }
        }
        func independent(_ name: String) -> Bool {
            let r = recorded[name]!
            return r.count > 1 && r.dropFirst().allSatisfy { same($0.series, r[0].series) }
        }

        // Group by the name without its last component, when that component is a parameter.
        var groups: [String: [(name: String, value: String, param: String)]] = [:]
        for name in names {
            guard let dot = name.lastIndex(of: "."), let p = parameter(String(name[name.index(after: dot)...])) else { continue }
            groups[String(name[..<dot]), default: []].append((name, p.value, p.name))
        }
        var files: [DataFile] = []
        var grouped = Set<String>()
        for (prefix, members) in groups.sorted(by: { $0.key < $1.key }) {
            let series = members.map { recorded[$0.name]![0].series }
            let labels = series.map { $0.ys.map(\.label) }
            let sameLabels = labels.allSatisfy { $0 == labels[0] }
            let oneColumn = labels.allSatisfy { $0.count == 1 }
            guard members.count >= 2, recorded[prefix] == nil,
                  Set(members.map(\.param)).count == 1,
                  series.allSatisfy({ $0.x.label == series[0].x.label }),
                  Set(members.map { independent($0.name) }).count == 1,
                  sameLabels || oneColumn,
                  !names.contains(where: { fileName(series: $0) == fileName(series: prefix) })
            else { continue }
            let yLabel = figures.first { f in members.contains { f.series.contains($0.name) } }?.yLabel ?? "value"
            let ys = sameLabels ? labels[0] : [yLabel]
            var param = members[0].param
            if param == series[0].x.label || param == "seed" || ys.contains(param) { param += " (series)" }
            let seedIndependent = independent(members[0].name)
            // Members in numeric order of their parameter where it is numeric.
            let ordered = members.sorted { a, b in
                switch (Double(a.value), Double(b.value)) {
                case let (x?, y?): x != y ? x < y : a.name < b.name
                default: a.name < b.name
                }
            }
            var rows: [[String]] = []
            for m in ordered {
                rows += body(recorded[m.name]!, seedIndependent: seedIndependent, columns: sameLabels ? ys : nil)
                    .map { [m.value] + $0 }
            }
            let header = [param] + (seedIndependent ? [] : ["seed"]) + [series[0].x.label] + ys
            files.append(DataFile(name: fileName(series: prefix), text: text(header: header, rows: rows),
                                  series: ordered.map(\.name), seedIndependent: seedIndependent, parameter: param))
            grouped.formUnion(members.map(\.name))
        }
        for name in names where !grouped.contains(name) {
            let r = recorded[name]!
            let seedIndependent = independent(name)
            var labels: [String] = []
            for (_, s) in r { for c in s.ys where !labels.contains(c.label) { labels.append(c.label) } }
            let categories = Categories.of(series: [name], figures: figures)
            var rows = body(r, seedIndependent: seedIndependent, columns: labels)
            let xColumn = seedIndependent ? 0 : 1
            if let categories {
                // Category names instead of their indices (x = 1, 2 → "AdamW", "Muon").
                for i in rows.indices { if let x = Double(rows[i][xColumn]), let n = categories.name(x) { rows[i][xColumn] = n } }
            }
            let header = (seedIndependent ? [] : ["seed"]) + [categories?.axisLabel ?? r[0].series.x.label] + labels
            files.append(DataFile(name: fileName(series: name),
                                  text: text(header: header, rows: rows),
                                  series: [name], seedIndependent: seedIndependent, parameter: nil))
        }
        return files.sorted { $0.name < $1.name }
    }

    /// Every data file's text keyed by file name (see `dataFiles`).
    public static func files(_ runs: SeedRuns, figures: [Figure] = []) -> [String: String] {
        Dictionary(uniqueKeysWithValues: dataFiles(runs, figures: figures).map { ($0.name, $0.text) })
    }

    /// Rows `[seed,] x, y…` of one series across seeds. `columns`: the y labels to write, in
    /// order (a seed lacking one writes an empty field); nil: each seed's single y column.
    static func body(_ recorded: [(seed: UInt64, series: Series)], seedIndependent: Bool, columns: [String]?) -> [[String]] {
        var rows: [[String]] = []
        for (seed, s) in seedIndependent ? Array(recorded.prefix(1)) : recorded {
            let ys: [[Double]?] = columns.map { labels in labels.map { l in s.ys.first { $0.label == l }?.values } }
                ?? [s.ys.first?.values]
            for j in s.x.values.indices {
                rows.append((seedIndependent ? [] : [String(seed)]) + [key(s.x.values[j])]
                            + ys.map { $0.map { number($0[j]) } ?? "" })
            }
        }
        return rows
    }

    static func text(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A parameter in a series name's last component: `N1000` → (N, 1000), `w128` → (w, 128),
    /// `64x64` → (shape, 64x64); nil for anything else (`adamw`, `steps`).
    static func parameter(_ component: String) -> (name: String, value: String)? {
        let letters = component.prefix { $0.isASCII && ($0.isLetter || $0 == "_") }
        let rest = component.dropFirst(letters.count)
        if !letters.isEmpty, !rest.isEmpty, rest.first!.isNumber, Double(rest) != nil {
            return (String(letters), String(rest))
        }
        let parts = component.split(separator: "x", omittingEmptySubsequences: false)
        if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) { return ("shape", component) }
        return nil
    }

    /// Equal x and y columns, bit for bit (NaN equals NaN).
    static func same(_ a: Series, _ b: Series) -> Bool {
        func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }
        return a.x.label == b.x.label && bits(a.x.values) == bits(b.x.values) && a.ys.count == b.ys.count
            && zip(a.ys, b.ys).allSatisfy { $0.label == $1.label && bits($0.values) == bits($1.values) }
    }

    /// A file-safe name: letters, digits, ".", "_" and "-" kept, anything else becomes "-".
    public static func fileName(series: String) -> String {
        let safe = series.map { c -> String in
            c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? String(c) : "-"
        }.joined()
        return (safe.isEmpty ? "series" : safe) + ".csv"
    }

    /// RFC 4180: quote a field that contains a comma, a double quote, CR or LF.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        var out = "\""
        for c in text { if c == "\"" { out += "\"\"" } else { out.append(c) } }
        return out + "\""
    }

    /// The shortest round-trip text; "nan", "inf", "-inf" for non-finite values.
    static func number(_ x: Double) -> String { Format.nonFinite(x) ?? x.description }

    /// An x or parameter value: integers without ".0" (a category index, a step, a batch size).
    static func key(_ x: Double) -> String {
        x.isFinite && x == x.rounded() && x.magnitude < 9e15 ? String(Int64(x)) : number(x)
    }

    /// A value for a tidy table: empty when absent.
    static func optional(_ x: Double?) -> String { x.map(number) ?? "" }
}
