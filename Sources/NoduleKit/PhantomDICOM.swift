import Foundation
import ImagingCore
import Annotations
import DICOM

extension PhantomSet {
    /// Writes each phantom as a DICOM CT series — `<folder>/<seriesuid>/slice-NNNNN.dcm`,
    /// SeriesInstanceUID = the phantom's UID, one study per patient — plus
    /// `<folder>/annotations.csv` (and `labels.csv` when the specs carry lesion kinds).
    @discardableResult
    public static func writeDICOM(_ specs: [PhantomSpec], to folder: URL,
                                  progress: ProgressReporter = SilentProgress()) throws -> [NoduleAnnotation] {
        var all: [NoduleAnnotation] = []
        var labels = CSVWriter(header: ["seriesuid", "label"])
        for (n, spec) in specs.enumerated() {
            let phantom = try ChestPhantom(spec)
            let identity = DICOMIdentity(patientName: "Phantom^\(spec.seed)", patientID: "PHANTOM-\(spec.seed)")
            _ = try CTSeriesWriter.write(phantom.render(), to: folder.appendingPathComponent(phantom.seriesUID),
                                         identity: identity, seriesDescription: "NoduleKit phantom",
                                         seriesInstanceUID: phantom.seriesUID)
            all += phantom.nodules
            if let kind = spec.lesionKind { labels.append([phantom.seriesUID, kind.rawValue]) }
            progress.update(completed: n + 1, total: specs.count, item: phantom.seriesUID)
        }
        for n in all.indices { all[n].line = n + 2 }
        try LUNA16CSV.writeAnnotations(all, to: folder.appendingPathComponent("annotations.csv"))
        if specs.contains(where: { $0.lesionKind != nil }) {
            try AtomicFile.write(Data(labels.text.utf8), to: folder.appendingPathComponent("labels.csv"))
        }
        return all
    }
}
