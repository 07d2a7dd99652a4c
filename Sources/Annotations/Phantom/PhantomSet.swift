import Foundation
import ImagingCore
import ImageFormats

/// Writes phantoms in LUNA16's layout: `<seriesuid>.mhd` (+ `.raw` or `.zraw`) per scan
/// and one `annotations.csv` listing every nodule; when the specs carry lesion kinds, also
/// `labels.csv` (seriesuid, label) with each patient's benign/malignant label.
public enum PhantomSet {
    /// Renders and writes each spec into `folder`; returns the annotations written.
    @discardableResult
    public static func write(_ specs: [PhantomSpec], to folder: URL,
                             progress: ProgressReporter = SilentProgress()) throws -> [NoduleAnnotation] {
        try write(specs, to: folder, progress: progress) { phantom, spec in
            try ImageFile.write(phantom.render(), to: folder.appendingPathComponent("\(phantom.seriesUID).mhd"),
                                options: ImageWriteOptions(compress: spec.compress))
        }
    }

    /// Renders each spec and hands it to `writeScan` (another format's writer), then
    /// writes `annotations.csv` and, with lesion kinds, `labels.csv` into `folder`.
    @discardableResult
    public static func write(_ specs: [PhantomSpec], to folder: URL, progress: ProgressReporter = SilentProgress(),
                             writeScan: (ChestPhantom, PhantomSpec) throws -> Void) throws -> [NoduleAnnotation] {
        var all: [NoduleAnnotation] = []
        var labels = CSVWriter(header: ["seriesuid", "label"])
        for (n, spec) in specs.enumerated() {
            let phantom = try ChestPhantom(spec)
            try writeScan(phantom, spec)
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
        return all
    }
}
