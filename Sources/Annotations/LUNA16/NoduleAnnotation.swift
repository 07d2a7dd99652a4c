import Foundation
import ImagingCore

/// One nodule of a LUNA16-style annotation file: its scan, world centre (LPS mm) and
/// diameter in mm.
public struct NoduleAnnotation: Sendable, Equatable {
    /// The SeriesInstanceUID of the scan (LUNA16 names each scan `<seriesuid>.mhd`).
    public var seriesUID: String
    /// World centre, LPS millimetres (LUNA16's coordX, coordY, coordZ).
    public var center: Vector3
    /// Diameter in mm, or nil where the file marks it unknown (-1 in annotations_excluded.csv).
    public var diameterMM: Double?
    /// The 1-based line of the file this row came from (0 when built in code).
    public var line: Int

    /// Creates an annotation.
    public init(seriesUID: String, center: Vector3, diameterMM: Double?, line: Int = 0) {
        self.seriesUID = seriesUID
        self.center = center
        self.diameterMM = diameterMM
        self.line = line
    }
}

/// One row of LUNA16's candidates.csv: a candidate location and its class (1 = nodule).
public struct NoduleCandidate: Sendable, Equatable {
    public var seriesUID: String
    public var center: Vector3
    public var label: Int
    public var line: Int

    /// Creates a candidate.
    public init(seriesUID: String, center: Vector3, label: Int, line: Int = 0) {
        self.seriesUID = seriesUID
        self.center = center
        self.label = label
        self.line = line
    }
}

/// Reads and writes LUNA16 annotation and candidate files. Columns are found by their
/// header names, so extra columns (as in annotations_with_malignancy.csv) are ignored.
public enum LUNA16CSV {
    /// Reads an annotations file (seriesuid, coordX, coordY, coordZ, diameter_mm).
    public static func readAnnotations(_ url: URL) throws -> [NoduleAnnotation] {
        try annotations(from: CSVTable(contentsOf: url))
    }

    /// Parses annotations from CSV text; `source` names the file in errors.
    public static func readAnnotations(text: String, source: String) throws -> [NoduleAnnotation] {
        try annotations(from: CSVTable(text: text, source: source))
    }

    /// Reads a candidates file (seriesuid, coordX, coordY, coordZ, class).
    public static func readCandidates(_ url: URL) throws -> [NoduleCandidate] {
        let table = try CSVTable(contentsOf: url)
        let (uid, x, y, z) = try coordinateColumns(table)
        let cls = try table.column("class")
        return try table.rows.map { row in
            let label = try table.int(row, cls)
            guard label == 0 || label == 1 else {
                throw AnnotationError.badField(file: table.source, line: row.line, column: table.header[cls],
                                               value: row.fields[cls], expected: "a class of 0 or 1")
            }
            return NoduleCandidate(seriesUID: try seriesUID(table, row, uid),
                                   center: Vector3(try table.double(row, x), try table.double(row, y), try table.double(row, z)),
                                   label: label, line: row.line)
        }
    }

    /// Writes annotations in LUNA16's layout, atomically.
    public static func writeAnnotations(_ annotations: [NoduleAnnotation], to url: URL) throws {
        var csv = CSVWriter(header: ["seriesuid", "coordX", "coordY", "coordZ", "diameter_mm"])
        for a in annotations {
            csv.append([a.seriesUID, format(a.center.x), format(a.center.y), format(a.center.z),
                        a.diameterMM.map(format) ?? "-1"])
        }
        try AtomicFile.write(Data(csv.text.utf8), to: url)
    }

    /// Writes candidates in LUNA16's layout, atomically.
    public static func writeCandidates(_ candidates: [NoduleCandidate], to url: URL) throws {
        var csv = CSVWriter(header: ["seriesuid", "coordX", "coordY", "coordZ", "class"])
        for c in candidates {
            csv.append([c.seriesUID, format(c.center.x), format(c.center.y), format(c.center.z), String(c.label)])
        }
        try AtomicFile.write(Data(csv.text.utf8), to: url)
    }

    /// Shortest text that reads back to the same Double.
    static func format(_ v: Double) -> String { "\(v)" }

    static func annotations(from table: CSVTable) throws -> [NoduleAnnotation] {
        let (uid, x, y, z) = try coordinateColumns(table)
        let d = try table.column("diameter_mm")
        return try table.rows.map { row in
            let diameter = try table.double(row, d)
            // annotations_excluded.csv writes -1 for an unknown diameter; any other
            // negative or zero value is an error.
            guard diameter > 0 || diameter == -1 else {
                throw AnnotationError.badField(file: table.source, line: row.line, column: table.header[d],
                                               value: row.fields[d], expected: "a positive diameter in mm (or -1 for unknown)")
            }
            return NoduleAnnotation(seriesUID: try seriesUID(table, row, uid),
                                    center: Vector3(try table.double(row, x), try table.double(row, y), try table.double(row, z)),
                                    diameterMM: diameter > 0 ? diameter : nil, line: row.line)
        }
    }

    static func coordinateColumns(_ table: CSVTable) throws -> (Int, Int, Int, Int) {
        (try table.column("seriesuid"), try table.column("coordX"), try table.column("coordY"), try table.column("coordZ"))
    }

    static func seriesUID(_ table: CSVTable, _ row: CSVTable.Row, _ column: Int) throws -> String {
        let uid = row.fields[column]
        guard !uid.isEmpty, uid.allSatisfy({ $0.isNumber || $0 == "." || $0.isLetter || $0 == "-" || $0 == "_" }) else {
            throw AnnotationError.badField(file: table.source, line: row.line, column: table.header[column],
                                           value: uid, expected: "a series UID (digits and dots)")
        }
        return uid
    }
}
