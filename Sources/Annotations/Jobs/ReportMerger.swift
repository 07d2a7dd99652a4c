import Foundation
import ImagingCore

/// Joins the per-shard reports of a masks run (`nodules.shard-I-of-N.csv`,
/// `slices.shard-I-of-N.csv`) into `nodules.csv` and `slices.csv`.
public enum ReportMerger {
    /// What a merge found and wrote.
    public struct Result: Sendable {
        /// N of the `shard-I-of-N` names.
        public var shardCount: Int
        /// Shard reports found.
        public var foundShards: Int
        public var rowCount: Int
        /// Shard indices absent from the folder; when any is, nothing was written.
        public var missingShards: [Int]
    }

    /// Merges every shard report in `folder`. Rows are ordered by annotation line (an LIDC
    /// run's by series, then label, as the unsharded run writes them).
    public static func merge(folder: URL) throws -> Result {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw AnnotationError.unreadable(file: folder.path, reason: error.localizedDescription)
        }
        var shardCount = 0
        var present = Set<Int>()
        var nodules: [(line: Int, fields: [String])] = []
        var slices: [(line: Int, fields: [String])] = []
        // A LUNA16 run's reports or an LIDC run's (`masks --lidc`), told by the first header.
        var layout: Layout?
        for name in names.sorted() {
            guard let (index, count) = shardName(name, prefix: "nodules") else { continue }
            if shardCount != 0 && count != shardCount {
                throw AnnotationError.headerMismatch(file: name, expected: ["of-\(shardCount)"], found: ["of-\(count)"])
            }
            shardCount = count
            present.insert(index)
            let url = folder.appendingPathComponent(name)
            let kind = try layout ?? Layout(firstReport: url)
            layout = kind
            nodules += try rows(url, header: kind.noduleHeader, order: kind.orderColumn)
            let sliceName = "slices" + name.dropFirst("nodules".count)
            slices += try rows(folder.appendingPathComponent(sliceName), header: NoduleReport.sliceHeader, order: "line")
        }
        guard shardCount > 0, let layout else {
            throw AnnotationError.unreadable(file: folder.path, reason: "no nodules.shard-I-of-N.csv files to merge")
        }
        // With shards missing, write nothing under the final names: a partial
        // nodules.csv would look whole to everything downstream.
        let missing = (0..<shardCount).filter { !present.contains($0) }
        if missing.isEmpty {
            try write(nodules, header: layout.noduleHeader, seriesFirst: layout.seriesFirst, to: folder.appendingPathComponent("nodules.csv"))
            try write(slices, header: NoduleReport.sliceHeader, seriesFirst: layout.seriesFirst, to: folder.appendingPathComponent("slices.csv"))
        }
        return Result(shardCount: shardCount, foundShards: present.count, rowCount: nodules.count, missingShards: missing)
    }

    static func shardName(_ name: String, prefix: String) -> (Int, Int)? {
        guard name.hasPrefix(prefix + ".shard-"), name.hasSuffix(".csv") else { return nil }
        let core = name.dropFirst(prefix.count + 7).dropLast(4)
        let parts = core.components(separatedBy: "-of-")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), i >= 0, i < n else { return nil }
        return (i, n)
    }

    /// Which run wrote the reports: its nodules header, the column rows are ordered by,
    /// and whether the series UID comes first in that order (as `LidcReport` writes).
    struct Layout {
        var noduleHeader: [String]
        var orderColumn: String
        var seriesFirst: Bool

        init(firstReport url: URL) throws {
            let header = try CSVTable(contentsOf: url).header
            if header == LidcReport.noduleHeader {
                (noduleHeader, orderColumn, seriesFirst) = (LidcReport.noduleHeader, "label", true)
            } else {
                (noduleHeader, orderColumn, seriesFirst) = (NoduleReport.noduleHeader, "line", false)
            }
        }
    }

    static func rows(_ url: URL, header: [String], order: String) throws -> [(line: Int, fields: [String])] {
        let table = try CSVTable(contentsOf: url)
        guard table.header == header else {
            throw AnnotationError.headerMismatch(file: url.path, expected: header, found: table.header)
        }
        let lineColumn = try table.column(order)
        return try table.rows.map { (try table.int($0, lineColumn), $0.fields) }
    }

    static func write(_ rows: [(line: Int, fields: [String])], header: [String], seriesFirst: Bool, to url: URL) throws {
        var csv = CSVWriter(header: header)
        let sorted = rows.sorted { a, b in
            seriesFirst ? (a.fields[0], a.line) < (b.fields[0], b.line) : (a.line, a.fields[0]) < (b.line, b.fields[0])
        }
        for r in sorted { csv.append(r.fields) }
        try AtomicFile.write(Data(csv.text.utf8), to: url)
    }
}
