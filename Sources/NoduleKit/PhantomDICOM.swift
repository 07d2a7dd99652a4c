import Foundation
import ImagingCore
import Annotations
import DICOM

extension PhantomSet {
    /// Writes each phantom as a DICOM CT series — `<folder>/<seriesuid>/slice-NNNNN.dcm`,
    /// SeriesInstanceUID = the phantom's UID, one study per patient — plus
    /// `<folder>/annotations.csv` (and `labels.csv` when the specs carry lesion kinds).
    @discardableResult
    public static func writeDICOM(_ specs: [PhantomSpec], to folder: URL, truthMasks: Bool = false,
                                  progress: ProgressReporter = SilentProgress()) throws -> [NoduleAnnotation] {
        try write(specs, to: folder, truthMasks: truthMasks, progress: progress) { phantom, spec in
            let identity = DICOMIdentity(patientName: "Phantom^\(spec.seed)", patientID: "PHANTOM-\(spec.seed)")
            // The UID names the series folder: refuse one that could leave `folder`.
            let seriesFolder = try UIDFileName.url(in: folder, uid: phantom.seriesUID, source: "phantom seed \(spec.seed)")
            _ = try CTSeriesWriter.write(phantom.render(), to: seriesFolder,
                                         identity: identity, seriesDescription: "NoduleKit phantom",
                                         seriesInstanceUID: phantom.seriesUID)
        }
    }
}
