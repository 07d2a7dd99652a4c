import Annotations
import Foundation
import ImagingCore

/// Each annotated nodule's own label, for judging a classifier per nodule where a patient
/// holds nodules of both kinds: a CSV with columns `seriesuid`, `nodule` (the nodule's
/// 1-based row within its scan in the annotations, as a classification set's `nodule`
/// column counts it) and `label` (benign/malignant or 0/1), as `nodulekit phantom --lesions
/// lidc` writes `lesions.csv`. Training still sees only patient labels, as in the paper.
public struct NoduleLabels: Sendable, Equatable {
    /// Labels by series UID, then nodule row.
    public private(set) var bySeries: [String: [Int: NoduleClass]]

    /// Labels given in code.
    public init(_ bySeries: [String: [Int: NoduleClass]]) { self.bySeries = bySeries }

    /// Reads a nodule-labels CSV; throws naming the file, line and column of an empty series
    /// UID, a nodule row that is not a positive integer, a bad label, or a nodule labelled
    /// twice differently.
    public init(contentsOf url: URL) throws {
        let table = try CSVTable(contentsOf: url)
        let uidColumn = try table.column("seriesuid"), noduleColumn = try table.column("nodule")
        let labelColumn = try table.column("label")
        var labels: [String: [Int: NoduleClass]] = [:]
        for row in table.rows {
            let uid = row.fields[uidColumn].trimmingCharacters(in: .whitespaces)
            guard !uid.isEmpty else {
                throw AnnotationError.badField(file: table.source, line: row.line, column: "seriesuid", value: "", expected: "a series UID")
            }
            guard let nodule = Int(row.fields[noduleColumn].trimmingCharacters(in: .whitespaces)), nodule >= 1 else {
                throw AnnotationError.badField(file: table.source, line: row.line, column: "nodule", value: row.fields[noduleColumn],
                                               expected: "a nodule's 1-based row within its scan")
            }
            guard let label = NoduleClass(text: row.fields[labelColumn]) else {
                throw AnnotationError.badField(file: table.source, line: row.line, column: "label", value: row.fields[labelColumn],
                                               expected: "benign, malignant, 0 or 1")
            }
            if let earlier = labels[uid]?[nodule], earlier != label {
                throw AnnotationError.badField(file: table.source, line: row.line, column: "label", value: row.fields[labelColumn],
                                               expected: "\(earlier.name), as the nodule's earlier row")
            }
            labels[uid, default: [:]][nodule] = label
        }
        bySeries = labels
    }

    /// The label of nodule `nodule` (1-based row) of `seriesUID`, nil when not listed.
    public func label(seriesUID: String, nodule: Int) -> NoduleClass? { bySeries[seriesUID]?[nodule] }

    /// How many nodules sit in patients whose label differs from theirs (patients from
    /// `patientLabel`, by series UID).
    public func nodulesUnlikeTheirPatient(_ patientLabel: (String) -> NoduleClass?) -> Int {
        bySeries.reduce(0) { sum, entry in
            guard let patient = patientLabel(entry.key) else { return sum }
            return sum + entry.value.values.filter { $0 != patient }.count
        }
    }
}
