import ReproStats

/// What one trial measured: named scalars, named series and small tables.
public struct Measurements: Codable, Sendable, Equatable {
    public var scalars: [String: Scalar]
    public var series: [String: Series]
    public var tables: [String: Table]

    public init(scalars: [String: Scalar] = [:], series: [String: Series] = [:], tables: [String: Table] = [:]) {
        self.scalars = scalars; self.series = series; self.tables = tables
    }

    /// Record a scalar. `exact` marks values that do not depend on the seed (closed forms,
    /// deterministic searches): the report shows them without a seed interval.
    public mutating func record(_ name: String, _ value: Double, unit: String = "", exact: Bool = false, note: String = "") {
        scalars[name] = Scalar(value: value, unit: unit, exact: exact, note: note)
    }

    /// Record a Monte Carlo estimate (a mean over sampled tasks, batches, draws) with its own
    /// standard error, so that the interval across seeds includes the within-trial error
    /// (`IntervalKind.monteCarlo`). `sampleShared`: every seed evaluates on the same sample, so
    /// its error is common to all seeds and does not average out.
    public mutating func record(_ name: String, estimate: Double, standardError: Double, sampleShared: Bool = false,
                                unit: String = "", note: String = "") {
        scalars[name] = Scalar(value: estimate, unit: unit, note: note, standardError: standardError, sampleShared: sampleShared)
    }

    /// Record a proportion: `successes` of `trials` (judged with `IntervalKind.proportion`, the
    /// counts pooled over seeds). The value is successes / trials.
    public mutating func record(_ name: String, successes: Int, trials: Int, note: String = "") {
        let count = Count(successes: successes, trials: trials)
        scalars[name] = Scalar(value: Double(successes) / Double(trials), note: note, count: count)
    }

    /// Record a machine-dependent quantity (a wall time, a GFLOP/s rate). Reported like any
    /// other scalar but never part of the regression golden files.
    public mutating func recordTiming(_ name: String, _ value: Double, unit: String, note: String = "") {
        scalars[name] = Scalar(value: value, unit: unit, exact: false, note: note, timing: true)
    }

    public mutating func record(_ series: Series) { self.series[series.name] = series }
    public mutating func record(_ table: Table) { tables[table.name] = table }
}

public struct Scalar: Codable, Sendable, Equatable {
    public var value: Double
    public var unit: String
    public var exact: Bool
    public var note: String
    /// Machine-dependent (timings, rates): excluded from golden-file regression checks.
    public var timing: Bool
    /// The value's own Monte Carlo standard error, when it is an estimate from samples.
    public var standardError: Double?
    /// With `standardError`: the sample is the same for every seed.
    public var sampleShared: Bool
    /// When the value is a proportion: its successes and trials.
    public var count: Count?

    public init(value: Double, unit: String = "", exact: Bool = false, note: String = "", timing: Bool = false,
                standardError: Double? = nil, sampleShared: Bool = false, count: Count? = nil) {
        self.value = value; self.unit = unit; self.exact = exact; self.note = note; self.timing = timing
        self.standardError = standardError; self.sampleShared = sampleShared; self.count = count
    }

    // NaN and ±inf are legitimate outcomes (a diverged run); JSON cannot hold them as numbers.
    enum CodingKeys: String, CodingKey { case value, unit, exact, note, timing, standardError, sampleShared, count }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try c.decode(JSONDouble.self, forKey: .value).value
        unit = try c.decode(String.self, forKey: .unit)
        exact = try c.decode(Bool.self, forKey: .exact)
        note = try c.decodeIfPresent(String.self, forKey: .note) ?? ""
        timing = try c.decodeIfPresent(Bool.self, forKey: .timing) ?? false
        standardError = try c.decodeIfPresent(JSONDouble.self, forKey: .standardError)?.value
        sampleShared = try c.decodeIfPresent(Bool.self, forKey: .sampleShared) ?? false
        count = try c.decodeIfPresent(Count.self, forKey: .count)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(JSONDouble(value), forKey: .value)
        try c.encode(unit, forKey: .unit)
        try c.encode(exact, forKey: .exact)
        if !note.isEmpty { try c.encode(note, forKey: .note) }
        if timing { try c.encode(timing, forKey: .timing) }
        try c.encodeIfPresent(standardError.map(JSONDouble.init), forKey: .standardError)
        if sampleShared { try c.encode(sampleShared, forKey: .sampleShared) }
        try c.encodeIfPresent(count, forKey: .count)
    }
}

/// Columns sharing one x axis: a loss curve, a sweep, a composed map sampled on a grid.
public struct Series: Codable, Sendable, Equatable {
    public var name: String
    public var x: Column
    public var ys: [Column]

    public init(name: String, x: Column, ys: [Column]) {
        precondition(ys.allSatisfy { $0.values.count == x.values.count }, "series \(name): columns differ in length")
        self.name = name; self.x = x; self.ys = ys
    }

    public struct Column: Codable, Sendable, Equatable {
        public var label: String
        public var values: [Double]
        public init(_ label: String, _ values: [Double]) { self.label = label; self.values = values }

        enum CodingKeys: String, CodingKey { case label, values }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            label = try c.decode(String.self, forKey: .label)
            values = try c.decode([JSONDouble].self, forKey: .values).map(\.value)
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(label, forKey: .label)
            try c.encode(values.map(JSONDouble.init), forKey: .values)
        }
    }
}

/// A small table of text cells (a coefficient table, a sweep summary).
public struct Table: Codable, Sendable, Equatable {
    public var name: String
    public var header: [String]
    public var rows: [[String]]
    public init(name: String, header: [String], rows: [[String]]) {
        self.name = name; self.header = header; self.rows = rows
    }
}

/// A Double that survives JSON: finite values as numbers, others as "nan", "inf", "-inf".
public struct JSONDouble: Codable, Sendable {
    public var value: Double
    public init(_ value: Double) { self.value = value }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) { value = d; return }
        switch try c.decode(String.self) {
        case "nan": value = .nan
        case "inf": value = .infinity
        case "-inf": value = -.infinity
        case let s: throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a number: \(s)")
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if value.isFinite { try c.encode(value) }
        else if value.isNaN { try c.encode("nan") }
        else { try c.encode(value > 0 ? "inf" : "-inf") }
    }
}
