import Foundation
import ImagingCore

/// A printable, encodable description of a scan: what `nodulekit series` shows.
public struct SeriesScanSummary: Sendable, Codable, Equatable {
    /// One series.
    public struct Entry: Sendable, Codable, Equatable {
        /// `DICOMSeries.id`.
        public let id: String
        /// StudyInstanceUID.
        public let studyInstanceUID: String
        /// Modality (CT, PT, MR…).
        public let modality: String
        /// SeriesDescription.
        public let description: String
        /// Number of files.
        public let files: Int
        /// [i, j, k] of the assembled volume, when the geometry is known.
        public let size: [Int]?
        /// [i, j, k] spacing in mm.
        public let spacing: [Double]?
        /// LPS origin in mm.
        public let origin: [Double]?
        /// Problems, one sentence each.
        public let problems: [String]
    }

    public let series: [Entry]
    /// Files skipped, with the reason.
    public let skipped: [String]

    /// Summarizes `scan`.
    public init(_ scan: SeriesScan) {
        series = scan.series.map { s in
            let g = s.geometry
            return Entry(id: s.id, studyInstanceUID: s.studyInstanceUID, modality: s.modality, description: s.seriesDescription,
                         files: s.fileCount, size: g.map { [$0.size.i, $0.size.j, $0.size.k] },
                         spacing: g.map { [$0.spacing.x, $0.spacing.y, $0.spacing.z] },
                         origin: g.map { [$0.origin.x, $0.origin.y, $0.origin.z] }, problems: s.problems.map(\.description))
        }
        skipped = scan.skipped.map { "\($0.path): \($0.reason)" }
    }

    /// Human-readable lines: one block per series, then the skipped files.
    public var text: String {
        func f(_ v: Double) -> String { String(format: "%.6g", v) }
        var lines: [String] = []
        for s in series {
            lines.append("\(s.id)  \(s.modality)  \(s.files) file(s)" + (s.description.isEmpty ? "" : "  \"\(s.description)\""))
            if let size = s.size, let spacing = s.spacing {
                lines.append("  size \(size.map(String.init).joined(separator: " x ")), spacing \(spacing.map(f).joined(separator: " x ")) mm")
            }
            for p in s.problems { lines.append("  problem: \(p)") }
        }
        if series.isEmpty { lines.append("no DICOM image series found") }
        if !skipped.isEmpty {
            lines.append("skipped \(skipped.count) file(s):")
            lines += skipped.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

extension SUVBodyWeight {
    /// Every input and the factor, one per line, for the command line.
    public var text: String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.10g", $0) } ?? "-" }
        var lines = ["suvbw_factor:   \(f(factor))  (SUVbw = rescaled value x factor, g/ml)", "rule:           \(rule)", "units:          \(units)"]
        lines.append("patient weight: \(f(patientWeightKg)) kg")
        if injectedDoseBq != nil {
            lines += ["injected dose:  \(f(injectedDoseBq)) Bq", "half-life:      \(f(halfLifeSeconds)) s",
                      "injection:      \(injectionDateTime ?? "-") (\(injectionTimeSource ?? "-"))",
                      "scan time:      \(scanDateTime ?? "-") (\(scanTimeRule ?? "-"))",
                      "decay time:     \(f(decayTimeSeconds)) s", "decayed dose:   \(f(decayedDoseBq)) Bq"]
        }
        if let p = philipsSUVScaleFactor { lines.append("Philips (7053,1000): \(f(p))") }
        if let p = philipsActivityConcentrationScaleFactor { lines.append("Philips (7053,1009): \(f(p))") }
        if let all = perInstanceFactors { lines.append("per instance:   \(all.map { f($0) }.joined(separator: " "))") }
        return lines.joined(separator: "\n")
    }

    /// The same as sorted-key JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
