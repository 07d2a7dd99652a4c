import Foundation
import ImagingCore

/// The nodules of a finished masks run, read back from its `nodules.csv`.
public struct MaskRunReport: Sendable {
    /// One nodule row that drew voxels in an existing scan.
    public struct Nodule: Sendable, Equatable {
        public var seriesUID: String
        public var label: Int
        /// The slice nearest the nodule's centre.
        public var centreSlice: Int
        public var maskVoxels: Int
    }

    /// The nodules that drew at least one voxel.
    public var drawnNodules: [Nodule]

    /// Reads `folder/nodules.csv`; throws naming the line of a row whose series UID could
    /// not name a file (`UIDFileName`).
    public init(folder: URL) throws {
        let table = try CSVTable(contentsOf: folder.appendingPathComponent("nodules.csv"))
        let uid = try table.column("seriesuid"), label = try table.column("label")
        let k = try table.column("voxel_k"), count = try table.column("mask_voxels")
        drawnNodules = try table.rows.compactMap { row in
            guard !row.fields[count].isEmpty, try table.int(row, count) > 0 else { return nil }
            // The UID names the overlay and mask files read and written from this row.
            guard UIDFileName.isSafeName(row.fields[uid]) else {
                throw AnnotationError.badField(file: table.source, line: row.line, column: table.header[uid], value: String(row.fields[uid].prefix(96)),
                                               expected: "a series UID that can name a file (letters, digits, '.', '_', '-')")
            }
            return Nodule(seriesUID: row.fields[uid], label: try table.int(row, label),
                          centreSlice: try table.int(row, k), maskVoxels: try table.int(row, count))
        }
    }
}
