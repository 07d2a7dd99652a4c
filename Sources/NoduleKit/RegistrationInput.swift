import Foundation
import DICOM
import ImageFormats
import ImagingCore

extension ImageInput {
    /// An input for registration or resampling, as `read` finds it, with a PET DICOM
    /// series (Modality PT) converted to SUV body weight; `isSUV` says when that happened.
    public static func readForRegistration(_ url: URL, seriesUID: String? = nil,
                                           progress: ProgressReporter = SilentProgress()) throws -> (volume: AnyVolume, isSUV: Bool) {
        if ImageFile.isSupported(url) { return (try ImageFile.read(url), false) }
        let scan = try SeriesScanner.scan(files: try candidateFiles(url), progress: progress)
        let series = try seriesUID.map { try scan.series(withUID: $0) } ?? scan.onlySeries(in: url.path)
        if series.modality == "PT" { return (AnyVolume(try series.loadSUVVolume()), true) }
        return (try series.loadVolume(), false)
    }
}
