import Foundation
import ImagingCore
import ImageFormats

/// Writes phantoms in LUNA16's layout: `<seriesuid>.mhd` (+ `.raw` or `.zraw`) per scan
/// and one `annotations.csv` listing every nodule; when the specs carry lesion kinds, also
/// `labels.csv` (seriesuid, label) with each patient's benign/malignant label; with
/// `truthMasks`, each scan's lesion label mask as `<seriesuid>_mask.mhd` (the lesions'
/// true shapes, which `dataset segmentation --masks` trains on); with real LIDC lesions,
/// `lesions.csv` naming the LIDC nodule behind each annotation.
public enum PhantomSet {
    /// Renders and writes each spec into `folder`; returns the annotations written.
    @discardableResult
    public static func write(_ specs: [PhantomSpec], to folder: URL, truthMasks: Bool = false,
                             progress: ProgressReporter = SilentProgress()) throws -> [NoduleAnnotation] {
        try write(specs, to: folder, truthMasks: truthMasks, progress: progress) { phantom, spec in
            try ImageFile.write(phantom.render(), to: folder.appendingPathComponent("\(phantom.seriesUID).mhd"),
                                options: ImageWriteOptions(compress: spec.compress))
        }
    }

    /// Renders each spec and hands it to `writeScan` (another format's writer), then
    /// writes `annotations.csv` and, with lesion kinds, `labels.csv` into `folder`.
    @discardableResult
    public static func write(_ specs: [PhantomSpec], to folder: URL, truthMasks: Bool = false,
                             progress: ProgressReporter = SilentProgress(),
                             writeScan: (ChestPhantom, PhantomSpec) throws -> Void) throws -> [NoduleAnnotation] {
        var all: [NoduleAnnotation] = []
        var labels = CSVWriter(header: ["seriesuid", "label"])
        var sources = CSVWriter(header: ["seriesuid", "nodule", "lidc_patient", "lidc_series", "lidc_nodule", "readers",
                                         "malignancy", "texture", "calcification", "label", "density", "diameter_mm"])
        for (n, spec) in specs.enumerated() {
            let phantom = try ChestPhantom(spec)
            try writeScan(phantom, spec)
            if truthMasks {
                try ImageFile.write(phantom.lesionMask(), to: folder.appendingPathComponent("\(phantom.seriesUID)_mask.mhd"),
                                    options: ImageWriteOptions(compress: true))
            }
            for (m, source) in phantom.lesionSources.enumerated() {
                guard let l = source else { continue }
                func rating(_ r: Double?) -> String { r.map { String($0) } ?? "" }
                sources.append([phantom.seriesUID, String(m + 1), l.patient, l.seriesUID, String(l.nodule), String(l.readerCount),
                                rating(l.medianRatings[8]), rating(l.medianRatings[7]), rating(l.medianRatings[2]),
                                l.label.rawValue, l.density.rawValue, String(format: "%.2f", l.equivalentDiameterMM)])
            }
            all += phantom.nodules
            if let kind = spec.lesionKind { labels.append([phantom.seriesUID, kind.rawValue]) }
            progress.update(completed: n + 1, total: specs.count, item: phantom.seriesUID)
        }
        // Line numbers as the file will have them (header on line 1).
        for n in all.indices { all[n].line = n + 2 }
        try LUNA16CSV.writeAnnotations(all, to: folder.appendingPathComponent("annotations.csv"))
        if specs.contains(where: { $0.lesionKind != nil }) {
            try AtomicFile.write(Data(labels.text.utf8), to: folder.appendingPathComponent("labels.csv"))
        }
        if specs.contains(where: { !$0.lidcLesions.isEmpty }) {
            try AtomicFile.write(Data(sources.text.utf8), to: folder.appendingPathComponent("lesions.csv"))
        }
        return all
    }
}
