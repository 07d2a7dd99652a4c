import Annotations
import Foundation
import ImagingCore

/// The two classes of the paper's classifier; the raw value is the network's class index.
public enum NoduleClass: Int, Sendable, CaseIterable, Codable {
    case benign = 0
    case malignant = 1

    /// `benign`/`malignant` (any case) or `0`/`1`.
    public init?(text: String) {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "benign", "0": self = .benign
        case "malignant", "1": self = .malignant
        default: return nil
        }
    }

    /// The label as `labels.csv` writes it.
    public var name: String { self == .benign ? "benign" : "malignant" }
}

/// Patient-level labels (the only labels hospital data has): a CSV with columns
/// `seriesuid,label` and an optional `patient` column grouping several series of one
/// patient (without it, each series is its own patient). `label` is benign/malignant or 0/1.
public struct PatientLabels: Sendable, Equatable {
    /// One labelled series.
    public struct Entry: Sendable, Equatable {
        public var seriesUID: String
        public var patient: String
        public var label: NoduleClass

        /// A series of `patient` with its label.
        public init(seriesUID: String, patient: String, label: NoduleClass) {
            self.seriesUID = seriesUID
            self.patient = patient
            self.label = label
        }
    }

    /// Entries by series UID.
    public private(set) var bySeries: [String: Entry]

    /// Labels given in code.
    public init(_ entries: [Entry]) {
        bySeries = Dictionary(entries.map { ($0.seriesUID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads a labels CSV; throws naming the line of a bad label, an empty or unsafe UID
    /// (one that could not name a file, see `UIDFileName`), a series
    /// labelled twice differently, or a patient whose series disagree.
    public init(contentsOf url: URL) throws {
        let table = try CSVTable(contentsOf: url)
        let uidColumn = try table.column("seriesuid"), labelColumn = try table.column("label")
        let patientColumn = try? table.column("patient")
        var entries: [String: Entry] = [:]
        for row in table.rows {
            let uid = row.fields[uidColumn].trimmingCharacters(in: .whitespaces)
            // The UID names the scan's files in the dataset (`UIDFileName`): refuse one that could not.
            guard UIDFileName.isSafeName(uid) else {
                throw AnnotationError.badField(file: table.source, line: row.line, column: "seriesuid", value: String(uid.prefix(96)),
                                               expected: "a series UID that can name a file (letters, digits, '.', '_', '-'; no '..', not starting with '.')")
            }
            guard let label = NoduleClass(text: row.fields[labelColumn]) else {
                throw AnnotationError.badField(file: table.source, line: row.line, column: "label", value: row.fields[labelColumn],
                                               expected: "benign, malignant, 0 or 1")
            }
            let patient = patientColumn.map { row.fields[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? uid
            let entry = Entry(seriesUID: uid, patient: patient, label: label)
            if let earlier = entries[uid], earlier != entry {
                throw AnnotationError.badField(file: table.source, line: row.line, column: "label", value: row.fields[labelColumn],
                                               expected: "the same label and patient as the series' earlier row")
            }
            if let other = entries.values.first(where: { $0.patient == patient && $0.label != label }) {
                throw AnnotationError.badField(file: table.source, line: row.line, column: "label", value: row.fields[labelColumn],
                                               expected: "\(other.label.name), the label of patient \(patient)'s series \(other.seriesUID)")
            }
            entries[uid] = entry
        }
        bySeries = entries
    }

    /// Every entry, sorted by series UID.
    public var entries: [Entry] { bySeries.values.sorted { $0.seriesUID < $1.seriesUID } }
}
