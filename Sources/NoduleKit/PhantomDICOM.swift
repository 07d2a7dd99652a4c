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
            _ = try CTSeriesWriter.write(phantom.render(), to: folder.appendingPathComponent(phantom.seriesUID),
                                         identity: identity, seriesDescription: "NoduleKit phantom",
                                         seriesInstanceUID: phantom.seriesUID)
        }
    }
}
