import Foundation
import NoduleKit

/// A scan given on the command line: a MetaImage/NIfTI file or a DICOM series folder.
struct ScanInput {
    /// The voxels and geometry.
    var volume: AnyVolume
    /// A name for tables: the series UID (DICOM) or the file name without extension.
    var seriesUID: String
    /// The DICOM series, when the input is one.
    var dicomSeries: DICOMSeries?

    /// Reads `url`; `series` picks a SeriesInstanceUID when a folder holds several.
    static func read(_ url: URL, series: String?) throws -> ScanInput {
        if ImageFile.isSupported(url) {
            var name = url.deletingPathExtension().lastPathComponent
            if name.hasSuffix(".nii") { name = String(name.dropLast(4)) }
            return ScanInput(volume: try ImageFile.read(url), seriesUID: name, dicomSeries: nil)
        }
        let scan = try SeriesScanner.scan(files: try ImageInput.candidateFiles(url))
        let chosen = try series.map { try scan.series(withUID: $0) } ?? scan.onlySeries(in: url.path)
        return ScanInput(volume: try chosen.loadVolume(), seriesUID: chosen.seriesInstanceUID, dicomSeries: chosen)
    }
}
