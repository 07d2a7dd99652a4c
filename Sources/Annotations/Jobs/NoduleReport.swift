import Foundation
import ImagingCore

/// The rows of `nodules.csv` and `slices.csv`: one per annotation, with where it fell in
/// its scan and which slices it selects.
public enum NoduleReport {
    /// Columns of nodules.csv.
    public static let noduleHeader = [
        "seriesuid", "line", "label", "coordX", "coordY", "coordZ", "diameter_mm",
        "index_i", "index_j", "index_k", "voxel_i", "voxel_j", "voxel_k",
        "radius_i", "radius_j", "radius_k", "mask_voxels", "status",
    ]
    /// Columns of slices.csv.
    public static let sliceHeader = [
        "seriesuid", "line", "label", "nodule_first_slice", "nodule_last_slice", "first_slice", "last_slice",
    ]

    /// One annotation's report row, complete: the nodule columns then the slice columns.
    public struct Row: Codable, Sendable, Equatable {
        public var nodule: [String]
        public var slices: [String]
        /// The annotation file line, for ordering.
        public var line: Int
    }

    /// Rows for a scan that was processed.
    public static func rows(_ placements: [NodulePlacement], _ selections: [SliceSelection]) -> [Row] {
        zip(placements, selections).map { p, s in
            let a = p.annotation
            let nodule = [
                a.seriesUID, String(a.line), String(p.label), num(a.center.x), num(a.center.y), num(a.center.z),
                a.diameterMM.map(num) ?? "-1",
                fixed4(p.continuousIndex.x), fixed4(p.continuousIndex.y), fixed4(p.continuousIndex.z),
                String(p.nearestVoxel.i), String(p.nearestVoxel.j), String(p.nearestVoxel.k),
                fixed4(p.radiusInVoxels.x), fixed4(p.radiusInVoxels.y), fixed4(p.radiusInVoxels.z),
                String(p.maskVoxelCount), p.status.rawValue,
            ]
            let sl = [
                a.seriesUID, String(a.line), String(p.label),
                s.noduleSlices.map { String($0.lowerBound) } ?? "", s.noduleSlices.map { String($0.upperBound) } ?? "",
                s.selectedSlices.map { String($0.lowerBound) } ?? "", s.selectedSlices.map { String($0.upperBound) } ?? "",
            ]
            return Row(nodule: nodule, slices: sl, line: a.line)
        }
    }

    /// Rows for annotations that could not be placed (no scan, or the scan failed):
    /// the geometry columns stay empty and `status` says why.
    public static func unplacedRows(_ annotations: [NoduleAnnotation], status: String) -> [Row] {
        annotations.enumerated().map { n, a in
            var nodule = [a.seriesUID, String(a.line), String(n + 1), num(a.center.x), num(a.center.y), num(a.center.z),
                          a.diameterMM.map(num) ?? "-1"]
            nodule += Array(repeating: "", count: noduleHeader.count - nodule.count - 1) + [status]
            let sl = [a.seriesUID, String(a.line), String(n + 1), "", "", "", ""]
            return Row(nodule: nodule, slices: sl, line: a.line)
        }
    }

    /// Writes nodules and slices CSV files from rows (sorted by annotation line), atomically.
    public static func write(_ rows: [Row], nodulesURL: URL, slicesURL: URL) throws {
        let sorted = rows.sorted { ($0.line, $0.nodule[0]) < ($1.line, $1.nodule[0]) }
        var n = CSVWriter(header: noduleHeader)
        var s = CSVWriter(header: sliceHeader)
        for r in sorted { n.append(r.nodule); s.append(r.slices) }
        try AtomicFile.write(Data(n.text.utf8), to: nodulesURL)
        try AtomicFile.write(Data(s.text.utf8), to: slicesURL)
    }

    static func num(_ v: Double) -> String { "\(v)" }
    static func fixed4(_ v: Double) -> String {
        let r = (v * 10_000).rounded() / 10_000
        var text = String(format: "%.4f", r)
        if text == "-0.0000" { text = "0.0000" }
        return text
    }
}
