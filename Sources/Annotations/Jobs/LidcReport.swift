import Foundation
import ImagingCore

/// The rows of an LIDC masks run's `nodules.csv` (one per consensus nodule, or per reading
/// with `--reader`) and `slices.csv` (the same columns as a LUNA16 run's, with the label
/// in the `line` column).
public enum LidcReport {
    /// Columns of nodules.csv. `voxel_k` and `mask_voxels` are what `nodulekit overlay` reads.
    public static let noduleHeader = [
        "seriesuid", "label", "readers", "reader_ids", "agreement",
        "coordX", "coordY", "coordZ", "index_i", "index_j", "index_k", "voxel_i", "voxel_j", "voxel_k",
        "diameter_mm", "volume_mm3", "mask_voxels",
        "malignancy_median", "malignancy_label", "malignancy_scores",
    ] + LidcCharacteristics.names.filter { $0 != "malignancy" } + ["rois", "rois_off_grid", "status"]

    /// Rows for one scan's nodules.
    public static func rows(_ scan: LidcScanNodules, seriesUID: String, geometry: ImageGeometry, margin: Int) -> [NoduleReport.Row] {
        scan.nodules.map { n in
            let c = n.centreIndex, w = n.centreWorld
            let voxel = VoxelIndex(ImageGeometry.saturatingIndex(c.x.rounded()), ImageGeometry.saturatingIndex(c.y.rounded()),
                                   ImageGeometry.saturatingIndex(c.z.rounded()))
            let ratings = n.medianRatings
            let rois = n.readings.reduce(0) { $0 + $1.roiSlices.count }
            let offGrid = n.readings.reduce(0) { $0 + $1.offGridROICount }
            let voxels = n.consensus.count
            let status = voxels == 0 ? "empty-consensus" : (offGrid > 0 ? "clipped" : "inside")
            let scores = n.readings.compactMap { $0.reading.characteristics?.malignancy }.map(String.init).joined(separator: ";")
            var fields = [
                seriesUID, String(n.label), String(n.readings.count), n.readers.map(String.init).joined(separator: ";"),
                NoduleReport.fixed4(n.agreement),
                NoduleReport.fixed4(w.x), NoduleReport.fixed4(w.y), NoduleReport.fixed4(w.z),
                NoduleReport.fixed4(c.x), NoduleReport.fixed4(c.y), NoduleReport.fixed4(c.z),
                String(voxel.i), String(voxel.j), String(voxel.k),
                NoduleReport.fixed4(n.equivalentDiameterMM), NoduleReport.fixed4(n.volumeMM3), String(voxels),
                n.medianMalignancy.map { NoduleReport.fixed4($0) } ?? "", n.malignancyLabel.rawValue, scores,
            ]
            fields += ratings.prefix(8).map { $0.map { NoduleReport.fixed4($0) } ?? "" }
            fields += [String(rois), String(offGrid), status]
            let range = n.consensus.sliceRange
            let selected = range.map { max(0, $0.lowerBound - margin)...min(geometry.size.k - 1, $0.upperBound + margin) }
            let slices = [
                seriesUID, String(n.label), String(n.label),
                range.map { String($0.lowerBound) } ?? "", range.map { String($0.upperBound) } ?? "",
                selected.map { String($0.lowerBound) } ?? "", selected.map { String($0.upperBound) } ?? "",
            ]
            return NoduleReport.Row(nodule: fields, slices: slices, line: n.label)
        }
    }

    /// Writes both files, sorted by series then label, atomically.
    public static func write(_ rows: [NoduleReport.Row], nodulesURL: URL, slicesURL: URL) throws {
        let sorted = rows.sorted { ($0.nodule[0], $0.line) < ($1.nodule[0], $1.line) }
        var n = CSVWriter(header: noduleHeader)
        var s = CSVWriter(header: NoduleReport.sliceHeader)
        for r in sorted { n.append(r.nodule); s.append(r.slices) }
        try AtomicFile.write(Data(n.text.utf8), to: nodulesURL)
        try AtomicFile.write(Data(s.text.utf8), to: slicesURL)
    }
}
