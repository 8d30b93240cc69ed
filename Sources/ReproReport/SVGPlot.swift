import ReproKit

/// Draws a `Figure` as a self-contained SVG (no external fonts, CSS or scripts), 720×440.
///
/// Every y column of every series the figure names becomes one line (one `<path
/// class="line">`). With several seeds the line is the pointwise mean across the seeds that
/// have the point, and a translucent band spans the 95% Student-t interval of that mean (the
/// interval most claims are judged with; `<path class="band">`); the caption says so. A point
/// that fewer seeds recorded than the rest is drawn hollow with its seed count beside it. A
/// column identical in every seed is drawn once, without a band, and the caption calls it
/// seed-independent. Points that are non-finite (in any seed) or not positive on a log axis
/// are skipped and break the line. Reference lines are dashed and labelled. Long titles wrap.
///
/// The text is deterministic: coordinates carry two decimals, elements follow the order of
/// the figure's series and their columns.
public enum SVGPlot {
    public static let width = 720.0
    public static let height = 440.0

    /// Colour-blind-safe palette (Okabe & Ito, 2008), without its yellow (too pale on white).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]
    static let font = "DejaVu Sans, Helvetica, Arial, sans-serif"

    public static func render(_ figure: Figure, seeds: [UInt64: Measurements]) -> String {
        render(figure, runs: SeedRuns(seeds))
    }

    /// `seeds` in order, numbered 1…n.
    public static func render(_ figure: Figure, seeds: [Measurements]) -> String {
        render(figure, runs: SeedRuns(seeds))
    }

    public static func render(_ figure: Figure, runs: SeedRuns) -> String {
        let ensembles = figure.series.compactMap { SeriesEnsemble(name: $0, runs: runs) }
        let missing = figure.series.filter { name in !ensembles.contains { $0.name == name } }
        var lines: [Line] = []
        // Legends show the column labels ("N=1000"); the series id is added only where two
        // series share a label and the legend would otherwise be ambiguous.
        let allLabels = ensembles.flatMap { $0.columns.map(\.label) }
        let unique = Set(allLabels).count == allLabels.count
        for e in ensembles {
            for c in e.columns {
                let label = figure.series.count > 1 && !unique ? "\(e.name): \(c.label)" : c.label
                lines.append(Line(label: label, x: e.x, column: c, seeds: e.seeds))
            }
        }
        let seeds = Set(ensembles.flatMap(\.seeds)).sorted()
        return Canvas(figure: figure, lines: lines, seeds: seeds, missing: missing).svg()
    }

    struct Line {
        var label: String
        var x: [Double]
        var column: SeriesEnsemble.Column
        var seeds: [UInt64]
        var hasBand: Bool { seeds.count > 1 && !column.seedIndependent && !isReference }
        /// A y column labelled "reference: …" or "fit: …" is a reference curve (a slope, a fitted
        /// law), drawn dashed grey without points or band, not as data.
        var isReference: Bool { SVGPlot.isReference(label) }
        /// Points some seeds lack: drawn hollow, with their seed count.
        var partial: [Int] { column.count.indices.filter { column.count[$0] > 0 && column.count[$0] < seeds.count } }
    }

    /// Layout and drawing of one figure.
    struct Canvas {
        let figure: Figure
        let lines: [Line]
        let seeds: [UInt64]
        let missing: [String]
        let left = 74.0
        let top: Double
        let title: [String]
        let titleSize: Double
        let bottom: Double, right: Double
        let legendLabels: [String]
        /// Palette slot of each line; -1 for reference curves.
        let colorIndex: [Int]
        let caption: [String]
        let xAxis: Axis?, yAxis: Axis?
        /// Declared by the x label (`Categories`): named ticks, points with interval bars, no joining lines.
        let categories: Categories?

        init(figure: Figure, lines: [Line], seeds: [UInt64], missing: [String]) {
            self.figure = figure; self.lines = lines; self.seeds = seeds; self.missing = missing
            // Bold glyphs average about 0.58 em: wrap at the width, at 15 px (13 px past two lines).
            var size = 15.0
            var wrapped = Self.wrap(figure.title, width: Int((SVGPlot.width - 24) / (0.58 * size)))
            if wrapped.count > 2 {
                size = 13
                wrapped = Self.wrap(figure.title, width: Int((SVGPlot.width - 24) / (0.58 * size)))
            }
            title = wrapped; titleSize = size
            top = 46 + (size + 3) * Double(wrapped.count - 1)
            legendLabels = lines.map { TextTable.truncate($0.label.replacingOccurrences(of: "reference: ", with: ""), to: 30) }
            var next = 0
            colorIndex = lines.map { line in
                guard !line.isReference else { return -1 }
                next += 1
                return next - 1
            }
            let longest = Double(legendLabels.map(\.count).max() ?? 0)
            // 6.8 px per character: the average advance of DejaVu Sans at 11 px, the widest of the fonts named.
            let legendWidth = lines.isEmpty ? 0 : min(220, max(90, 34 + 6.8 * longest))
            right = SVGPlot.width - 18 - legendWidth
            categories = Categories(xLabel: figure.xLabel)
            caption = Self.caption(figure: figure, seeds: seeds, missing: missing, lines: lines, categorical: categories != nil)
            bottom = SVGPlot.height - 56 - 14 * Double(caption.count)

            func usable(_ v: Double, _ scale: Figure.Scale) -> Bool { v.isFinite && (scale == .linear || v > 0) }
            func axis(_ values: [Double], _ scale: Figure.Scale) -> Axis? {
                let kept = values.filter { usable($0, scale) }
                guard let lo = kept.min(), let hi = kept.max() else { return nil }
                return scale == .log ? Axis.log(covering: lo, hi) : Axis.linear(covering: lo, hi)
            }
            // The y range covers only the points that are drawn (x shown too), plus the references.
            var ys: [Double] = [], xs: [Double] = []
            for line in lines {
                for j in line.x.indices where usable(line.x[j], figure.xScale) {
                    let c = line.column
                    // The data set the range; an interval wider than the seeds' spread (few
                    // seeds) runs to the plot's edge, clipped, rather than flattening the lines.
                    let drawn = (line.hasBand ? [c.mean[j], c.min[j], c.max[j]] : [c.mean[j]]).filter { usable($0, figure.yScale) }
                    if !drawn.isEmpty { xs.append(line.x[j]); ys += drawn }
                }
            }
            if let categories, figure.xScale == .linear {
                let indices = categories.names.map { Double($0.index) }
                xAxis = Axis(scale: .linear, lower: indices.min()! - 0.5, upper: indices.max()! + 0.5,
                             ticks: categories.names.map { Axis.Tick(value: Double($0.index), label: $0.name) })
            } else {
                xAxis = axis(xs, figure.xScale)
            }
            yAxis = axis(ys.isEmpty ? [] : ys + figure.references.map(\.value), figure.yScale)
        }

        func px(_ v: Double) -> Double? { xAxis?.fraction(v).map { left + $0 * (right - left) } }
        func py(_ v: Double) -> Double? { yAxis?.fraction(v).map { bottom - $0 * (bottom - top) } }

        func svg() -> String {
            var out: [String] = []
            out.append(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(n(SVGPlot.width))" height="\##(n(SVGPlot.height))" viewBox="0 0 \##(n(SVGPlot.width)) \##(n(SVGPlot.height))" font-family="\##(SVGPlot.font)" font-size="11">"##)
            out.append("<title>\(escape(figure.title))</title>")
            out.append("<desc>\(escape(caption.joined(separator: " ")))</desc>")
            out.append(##"<rect x="0" y="0" width="\##(n(SVGPlot.width))" height="\##(n(SVGPlot.height))" fill="#ffffff"/>"##)
            for (i, line) in title.enumerated() {
                out.append(##"<text x="\##(n(SVGPlot.width / 2))" y="\##(n(26 + (titleSize + 3) * Double(i)))" text-anchor="middle" font-size="\##(n(titleSize))" font-weight="bold">\##(escape(line))</text>"##)
            }
            out += axes()
            out += data()
            out += references()
            out += legend()
            out += captionLines()
            out.append("</svg>")
            return out.joined(separator: "\n") + "\n"
        }

        var clipID: String { "plot-\(figure.id.map { $0.isLetter || $0.isNumber ? $0 : "-" }.map(String.init).joined())" }

        func axes() -> [String] {
            var out: [String] = []
            out.append(##"<defs><clipPath id="\##(clipID)"><rect x="\##(n(left))" y="\##(n(top))" width="\##(n(right - left))" height="\##(n(bottom - top))"/></clipPath></defs>"##)
            if let xAxis {
                for t in xAxis.ticks {
                    guard let x = px(t.value) else { continue }
                    if t.major {
                        out.append(##"<line x1="\##(n(x))" y1="\##(n(top))" x2="\##(n(x))" y2="\##(n(bottom))" stroke="#e6e6e6" stroke-width="1"/>"##)
                    }
                    out.append(##"<line x1="\##(n(x))" y1="\##(n(bottom))" x2="\##(n(x))" y2="\##(n(bottom + (t.major ? 5 : 3)))" stroke="#333333" stroke-width="1"/>"##)
                    if let label = t.label {
                        out.append(##"<text x="\##(n(x))" y="\##(n(bottom + 18))" text-anchor="middle">\##(tickText(label))</text>"##)
                    }
                }
            }
            if let yAxis {
                for t in yAxis.ticks {
                    guard let y = py(t.value) else { continue }
                    if t.major {
                        out.append(##"<line x1="\##(n(left))" y1="\##(n(y))" x2="\##(n(right))" y2="\##(n(y))" stroke="#e6e6e6" stroke-width="1"/>"##)
                    }
                    out.append(##"<line x1="\##(n(left - (t.major ? 5 : 3)))" y1="\##(n(y))" x2="\##(n(left))" y2="\##(n(y))" stroke="#333333" stroke-width="1"/>"##)
                    if let label = t.label {
                        out.append(##"<text x="\##(n(left - 8))" y="\##(n(y + 4))" text-anchor="end">\##(tickText(label))</text>"##)
                    }
                }
            }
            out.append(##"<rect x="\##(n(left))" y="\##(n(top))" width="\##(n(right - left))" height="\##(n(bottom - top))" fill="none" stroke="#333333" stroke-width="1"/>"##)
            let scaleNote = { (s: Figure.Scale) in s == .log ? " (log scale)" : "" }
            out.append(##"<text x="\##(n((left + right) / 2))" y="\##(n(bottom + 40))" text-anchor="middle" font-size="12">\##(escape((categories?.axisLabel ?? figure.xLabel) + scaleNote(figure.xScale)))</text>"##)
            let cy = (top + bottom) / 2
            // A label longer than the plot is tall (12 px text, about 6.6 px a character) takes two
            // rotated lines, and is cut with "…" only beyond that.
            var yLines = Self.wrap(figure.yLabel + scaleNote(figure.yScale), width: max(10, Int((bottom - top) / 6.6)))
            if yLines.count > 2 { yLines = [yLines[0], TextTable.truncate(yLines[1...].joined(separator: " "), to: max(10, Int((bottom - top) / 6.6)))] }
            for (i, line) in yLines.enumerated() {
                let x = yLines.count == 1 ? 18.0 : 12.0 + 14.0 * Double(i)
                out.append(##"<text x="\##(n(x))" y="\##(n(cy))" text-anchor="middle" font-size="12" transform="rotate(-90 \##(n(x)) \##(n(cy)))">\##(escape(line))</text>"##)
            }
            if xAxis == nil || yAxis == nil {
                out.append(##"<text x="\##(n((left + right) / 2))" y="\##(n(cy))" text-anchor="middle" font-size="13" fill="#666666">no finite data to plot</text>"##)
            }
            return out
        }

        func data() -> [String] {
            guard xAxis != nil, yAxis != nil else { return [] }
            var out = [##"<g clip-path="url(#\##(clipID))">"##]
            if categories != nil { return out + categoricalData() + ["</g>"] }
            for (i, line) in lines.enumerated() where line.hasBand {
                let band = bandPath(line)
                if !band.isEmpty {
                    out.append(##"<path class="band" d="\##(band)" fill="\##(color(i))" fill-opacity="0.18" stroke="none"/>"##)
                }
            }
            for (i, line) in lines.enumerated() {
                let points = line.x.indices.map { j in pair(line.x[j], line.column.mean[j]) }
                out.append(##"<path class="line" d="\##(linePath(points))" fill="none" stroke="\##(color(i))" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"\##(dash(i))/>"##)
                // Sparse series (sweeps) get a dot per point so single points stay visible; a
                // point fewer seeds have is hollow, with its seed count.
                let partial = Set(line.partial)
                for (j, p) in points.enumerated() {
                    guard let p, !line.isReference, points.count <= 40 || partial.contains(j) else { continue }
                    if partial.contains(j) {
                        out.append(##"<circle class="partial" cx="\##(n(p.0))" cy="\##(n(p.1))" r="3.5" fill="#ffffff" stroke="\##(color(i))" stroke-width="1.5"/>"##)
                        out.append(##"<text x="\##(n(p.0 + 5))" y="\##(n(p.1 - 5))" font-size="9" fill="\##(color(i))">\##(line.column.count[j])/\##(line.seeds.count)</text>"##)
                    } else {
                        out.append(##"<circle cx="\##(n(p.0))" cy="\##(n(p.1))" r="2.5" fill="\##(color(i))"/>"##)
                    }
                }
            }
            out.append("</g>")
            return out
        }

        /// Per category: each line's mean as a dot, offset sideways so lines do not overlap, with
        /// a bar for its 95% interval; nothing joins categories.
        func categoricalData() -> [String] {
            var out: [String] = []
            let step = min(12, 60 / Double(max(1, lines.count)))
            for (i, line) in lines.enumerated() {
                let offset = (Double(i) - Double(lines.count - 1) / 2) * step
                var dots = ""
                for j in line.x.indices {
                    guard let p = pair(line.x[j], line.column.mean[j]) else { continue }
                    let x = p.0 + offset
                    let lower = line.column.lower[j], upper = line.column.upper[j]
                    // A lower end at or below zero on a log axis runs to the bottom edge.
                    let lowerY = py(lower) ?? (figure.yScale == .log && lower <= 0 && upper.isFinite ? bottom : nil)
                    if line.hasBand, let lo = lowerY, let hi = py(upper) {
                        out.append(##"<path class="interval" d="M\##(n(x)),\##(n(lo))L\##(n(x)),\##(n(hi))M\##(n(x - 4)),\##(n(lo))L\##(n(x + 4)),\##(n(lo))M\##(n(x - 4)),\##(n(hi))L\##(n(x + 4)),\##(n(hi))" stroke="\##(color(i))" stroke-width="1.5" fill="none"/>"##)
                    }
                    dots += "M" + n(x) + "," + n(p.1) + "l0,0"
                    if line.column.count[j] < line.seeds.count {
                        out.append(##"<circle class="partial" cx="\##(n(x))" cy="\##(n(p.1))" r="3.5" fill="#ffffff" stroke="\##(color(i))" stroke-width="1.5"/>"##)
                        out.append(##"<text x="\##(n(x + 5))" y="\##(n(p.1 - 5))" font-size="9" fill="\##(color(i))">\##(line.column.count[j])/\##(line.seeds.count)</text>"##)
                    }
                }
                out.append(##"<path class="line" d="\##(dots)" fill="none" stroke="\##(color(i))" stroke-width="7" stroke-linecap="round"/>"##)
            }
            return out
        }

        func references() -> [String] {
            guard xAxis != nil else { return [] }
            var out: [String] = []
            for r in figure.references {
                guard let y = py(r.value), y >= top - 0.5, y <= bottom + 0.5 else { continue }
                out.append(##"<line class="reference" x1="\##(n(left))" y1="\##(n(y))" x2="\##(n(right))" y2="\##(n(y))" stroke="#555555" stroke-width="1.2" stroke-dasharray="5 4"/>"##)
                out.append(##"<text x="\##(n(right - 4))" y="\##(n(y - 4))" text-anchor="end" fill="#555555" stroke="#ffffff" stroke-width="3" paint-order="stroke">\##(escape(r.label))</text>"##)
            }
            return out
        }

        /// One entry per line while they fit beside the plot; past that, a last entry counts the rest.
        func legend() -> [String] {
            guard !lines.isEmpty else { return [] }
            var out: [String] = []
            let x = right + 14
            let fit = max(1, Int((bottom - top) / 18))
            let shown = lines.count <= fit ? lines.count : fit - 1
            if shown < lines.count {
                out.append(##"<text x="\##(n(x))" y="\##(n(top + 14 + Double(shown) * 18))">… \##(lines.count - shown) more</text>"##)
            }
            for (i, label) in legendLabels.prefix(shown).enumerated() {
                let y = top + 10 + Double(i) * 18
                if lines[i].hasBand {
                    out.append(##"<rect x="\##(n(x))" y="\##(n(y - 6))" width="24" height="12" fill="\##(color(i))" fill-opacity="0.18"/>"##)
                }
                out.append(##"<line x1="\##(n(x))" y1="\##(n(y))" x2="\##(n(x + 24))" y2="\##(n(y))" stroke="\##(color(i))" stroke-width="1.8"\##(dash(i))/>"##)
                out.append(##"<text x="\##(n(x + 30))" y="\##(n(y + 4))">\##(escape(label))</text>"##)
            }
            return out
        }

        /// What the picture shows, in words: seeds, aggregation, what was left out.
        static func caption(figure: Figure, seeds: [UInt64], missing: [String], lines: [Line] = [], categorical: Bool = false) -> [String] {
            var parts: [String] = []
            let list = seeds.map(String.init).joined(separator: ", ")
            let data = lines.filter { !$0.isReference }
            let independent = data.filter(\.column.seedIndependent)
            switch seeds.count {
            case 0: parts.append("No data recorded.")
            case 1: parts.append("One seed (\(list)); \(categorical ? "points" : "lines") are its values.")
            case _ where !data.isEmpty && independent.count == data.count:
                parts.append("Seed-independent: every line is identical in all \(seeds.count) seeds (\(list)), drawn once.")
            default:
                parts.append(categorical
                    ? "Points: mean across \(seeds.count) seeds (\(list)); bars: 95% Student-t interval of that mean."
                    : "Lines: mean across \(seeds.count) seeds (\(list)); shaded bands: 95% Student-t interval of that mean.")
                if !independent.isEmpty {
                    parts.append("Seed-independent (identical in every seed, no band): "
                                 + TextTable.truncate(independent.map(\.label).joined(separator: ", "), to: 80) + ".")
                }
            }
            if lines.contains(where: \.isReference) {
                parts.append("Dashed grey: reference curves (not data).")
            }
            if lines.contains(where: { !$0.partial.isEmpty && !$0.isReference }) {
                parts.append("Hollow points: recorded by fewer seeds (count beside them); the mean there is over those seeds.")
            }
            var skipped = "Non-finite points" + (seeds.count > 1 ? " (in any seed)" : "")
            if figure.xScale == .log || figure.yScale == .log { skipped += " and non-positive values on a log axis" }
            parts.append(skipped + " are left out and break the line.")
            if !missing.isEmpty { parts.append("Not recorded: \(missing.joined(separator: ", ")).") }
            // 10.5 px text at about 5.9 px a character: 105 characters fill the width left of the legend.
            return parts.flatMap { wrap($0, width: 105) }
        }

        func captionLines() -> [String] {
            // Bottom-aligned: the last line sits 12 px above the lower edge.
            caption.enumerated().map { i, text in
                let y = SVGPlot.height - 12 - Double(caption.count - 1 - i) * 14
                return ##"<text x="\##(n(left))" y="\##(n(y))" fill="#444444" font-size="10.5">\##(escape(text))</text>"##
            }
        }

        func pair(_ x: Double, _ y: Double) -> (Double, Double)? {
            guard let a = px(x), let b = py(y) else { return nil }
            return (a, b)
        }

        /// "M x,y L x,y …", a new subpath after every gap; a lone point is a zero-length stroke
        /// that the round cap draws as a dot.
        func linePath(_ points: [(Double, Double)?]) -> String {
            var d = "", open = false, runLength = 0
            for p in points {
                guard let p else {
                    if open, runLength == 1 { d += "l0,0" }
                    open = false; continue
                }
                d += (open ? "L" : "M") + n(p.0) + "," + n(p.1)
                runLength = open ? runLength + 1 : 1
                open = true
            }
            if open, runLength == 1 { d += "l0,0" }
            return d
        }

        /// One closed polygon per contiguous run where both min and max can be drawn.
        func bandPath(_ line: Line) -> String {
            var d = "", run: [(Double, Double, Double)] = []
            func flush() {
                if run.count >= 2 {
                    d += "M" + run.map { n($0.0) + "," + n($0.2) }.joined(separator: "L")
                    d += "L" + run.reversed().map { n($0.0) + "," + n($0.1) }.joined(separator: "L") + "Z"
                }
                run.removeAll()
            }
            for j in line.x.indices {
                let lower = line.column.lower[j], upper = line.column.upper[j]
                // A lower end at or below zero on a log axis runs to the bottom edge.
                let lowerY = py(lower) ?? (figure.yScale == .log && lower <= 0 && upper.isFinite ? bottom + 1 : nil)
                if let x = px(line.x[j]), let lo = lowerY, let hi = py(upper) {
                    run.append((x, lo, hi))
                } else {
                    flush()
                }
            }
            flush()
            return d
        }

        func color(_ i: Int) -> String {
            colorIndex[i] < 0 ? "#555555" : SVGPlot.palette[colorIndex[i] % SVGPlot.palette.count]
        }

        /// Words packed greedily into lines of at most `width` Characters (a longer word stands alone).
        static func wrap(_ text: String, width: Int) -> [String] {
            var lines: [String] = [], current = ""
            for word in text.split(separator: " ") {
                if current.isEmpty { current = String(word) }
                else if current.count + 1 + word.count <= width { current += " " + word }
                else { lines.append(current); current = String(word) }
            }
            if !current.isEmpty || lines.isEmpty { lines.append(current) }
            return lines
        }
        /// Past the palette, lines repeat colours with a dash pattern so they stay distinct.
        func dash(_ i: Int) -> String {
            colorIndex[i] < 0 ? ##" stroke-dasharray="6 4""## : colorIndex[i] >= SVGPlot.palette.count ? ##" stroke-dasharray="7 3""## : ""
        }

        /// "10^-5" drawn as 10 with a raised exponent; other labels as text.
        func tickText(_ label: String) -> String {
            guard label.hasPrefix("10^") else { return escape(label) }
            return ##"10<tspan dy="-5" font-size="8">\##(escape(String(label.dropFirst(3))))</tspan>"##
        }

        func n(_ v: Double) -> String { Format.fixed(v, decimals: 2) }
    }

    /// Whether a y label names a reference curve rather than data: "reference: …", "fit: …", or
    /// a power law "slope …" ("slope ½", as critical-batch labels B^½ through its first point).
    static func isReference(_ label: String) -> Bool {
        let column = label.components(separatedBy: ": ").last ?? label
        return [label, column].contains { l in l.hasPrefix("reference: ") || l.hasPrefix("fit: ") || l.hasPrefix("slope ") }
    }

    /// XML text and attribute escaping.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}

private func escape(_ text: String) -> String { SVGPlot.escape(text) }
