import ReproKit

/// Categorical x values, declared by a figure's x label that ends in a numbered list:
/// `"optimiser (1 SGD+momentum, 2 AdamW, 3 Muon)"` says that x = 1, 2, 3 are the categories
/// SGD+momentum, AdamW and Muon. (Series store numbers; the label carries the names, so
/// experiments declare categories without a change to the `Series` contract.)
///
/// A categorical figure is drawn with one tick per category, named, and points with their
/// interval instead of lines joining unrelated categories; its CSV writes the names.
public struct Categories: Sendable, Equatable {
    /// The x label without the list ("optimiser").
    public var axisLabel: String
    /// Category index → name, in index order.
    public var names: [(index: Int, name: String)]

    public static func == (a: Categories, b: Categories) -> Bool {
        a.axisLabel == b.axisLabel && a.names.map(\.index) == b.names.map(\.index) && a.names.map(\.name) == b.names.map(\.name)
    }

    /// Nil unless the label ends in "(i name, j name, …)" with at least two integer-led items.
    public init?(xLabel: String) {
        guard xLabel.hasSuffix(")"), let open = xLabel.lastIndex(of: "(") else { return nil }
        let inner = xLabel[xLabel.index(after: open)..<xLabel.index(before: xLabel.endIndex)]
        var names: [(Int, String)] = []
        for item in inner.split(separator: ",") {
            let t = item.trimmingCharacters(in: .whitespaces)
            let digits = t.prefix { $0.isASCII && $0.isNumber }
            let rest = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
            guard let i = Int(digits), !rest.isEmpty else { return nil }
            names.append((i, rest))
        }
        guard names.count >= 2, Set(names.map(\.0)).count == names.count else { return nil }
        axisLabel = xLabel[..<open].trimmingCharacters(in: .whitespaces)
        self.names = names.sorted { $0.0 < $1.0 }.map { (index: $0.0, name: $0.1) }
    }

    /// The name of category `x`, nil when `x` is not one.
    public func name(_ x: Double) -> String? {
        guard x == x.rounded() else { return nil }
        return names.first { Double($0.index) == x }?.name
    }

    /// The categories a figure declares for `series`, if any figure showing it does.
    static func of(series: [String], figures: [Figure]) -> Categories? {
        figures.first { f in f.series.contains { series.contains($0) } }.flatMap { Categories(xLabel: $0.xLabel) }
    }
}
