import Annotations
import Foundation

/// Which patients of a split reached the classifier. The discriminator keeps only slices above
/// its threshold, so a patient with none has no pair and is absent from every classifier
/// figure; this says who, from the dataset's `splits.csv` (every labelled patient) and its
/// manifest (the patients with pairs).
public struct ClassificationCoverage: Sendable, Equatable {
    /// The split described.
    public var split: DatasetSplit
    /// Every patient the dataset assigned to the split.
    public var patients: [String]
    /// Those without a single pair: the cascade found nothing suspicious in their scans.
    public var unscreened: [String]

    /// Reads `splits.csv` and `manifest.csv` of a `ClassificationDatasetBuilder` folder.
    public init(folder: URL, split: DatasetSplit) throws {
        let table = try CSVTable(contentsOf: folder.appendingPathComponent("splits.csv"))
        let (patientColumn, splitColumn) = (try table.column("patient"), try table.column("split"))
        var patients: [String] = []
        for r in table.rows {
            guard let s = DatasetSplit(rawValue: r.fields[splitColumn]) else {
                throw AnnotationError.badField(file: table.source, line: r.line, column: "split", value: r.fields[splitColumn],
                                               expected: "train, validation or test")
            }
            if s == split { patients.append(r.fields[patientColumn]) }
        }
        let withPairs = Set(try ClassificationManifest.read(folder: folder).filter { $0.split == split }.map(\.patient))
        self.split = split
        self.patients = patients.sorted()
        self.unscreened = self.patients.filter { !withPairs.contains($0) }
    }

    /// One line for a terminal or a report, e.g. "2 of 10 test patients had no slice above the
    /// discriminator's threshold and are in no classifier figure: a, b".
    public var summary: String {
        guard !unscreened.isEmpty else {
            return "every one of the \(patients.count) \(split.rawValue) patients has a slice above the discriminator's threshold"
        }
        return "\(unscreened.count) of \(patients.count) \(split.rawValue) patients had no slice above the discriminator's threshold "
            + "and are in no classifier figure: \(unscreened.joined(separator: ", "))"
    }
}
