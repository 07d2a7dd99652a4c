import Annotations
import Foundation
import ImagingCore

/// `run.json` in a training folder: fingerprints of the data the run trains and validates on,
/// so `resume` refuses to continue a run on data that changed since it started (its weights,
/// history and best checkpoint would otherwise mix two datasets without a word).
struct TrainingRunRecord: Codable, Equatable {
    /// Fingerprint by split name (`training`, `validation`).
    var datasets: [String: String]

    static func url(in folder: URL) -> URL { folder.appendingPathComponent("run.json") }

    /// The record in `folder`, or nil when the run predates run.json.
    static func read(in folder: URL) throws -> TrainingRunRecord? {
        let url = url(in: folder)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(TrainingRunRecord.self, from: Data(contentsOf: url))
        } catch {
            throw NoduleModelsError.invalidTraining(path: url.path, reason: "unreadable run record: \(error)")
        }
    }

    func write(in folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: Self.url(in: folder))
    }

    /// Throws, naming each split whose data differs, unless `current` matches this record.
    func check(resumingWith current: TrainingRunRecord, in folder: URL) throws {
        let changed = Set(datasets.keys).union(current.datasets.keys).sorted().filter { datasets[$0] != current.datasets[$0] }
        guard !changed.isEmpty else { return }
        let detail = changed.map { "\($0) \(datasets[$0] ?? "none") -> \(current.datasets[$0] ?? "none")" }.joined(separator: ", ")
        throw NoduleModelsError.invalidTraining(
            path: Self.url(in: folder).path,
            reason: "cannot resume: the data changed since this run started (\(detail)); resume on the same dataset or train into a new folder")
    }
}

/// A content fingerprint of a dataset split: FNV-1a over the bit patterns of its arrays and
/// the extra values (labels), in order. The same samples in the same order give the same text
/// on every machine.
func datasetFingerprint(_ arrays: [[Float]], extra: [Int] = []) -> String {
    var hash = FNV1a()
    for array in arrays {
        hash.add(UInt64(array.count))
        array.withUnsafeBufferPointer { values in
            for v in values { hash.add(UInt64(v.bitPattern)) }
        }
    }
    for v in extra { hash.add(UInt64(bitPattern: Int64(v))) }
    return String(hash.value, radix: 16)
}
