import Foundation
import DICOM
import ImageFormats
import ImagingCore
import Registration

/// An image read for registration or resampling.
public struct RegistrationInput: Sendable {
    /// The voxels (SUV body weight for a PET series).
    public var volume: AnyVolume
    /// Whether a PET DICOM series was converted to SUV.
    public var isSUV: Bool
    /// The DICOM FrameOfReferenceUID (nil for MetaImage/NIfTI input).
    public var frameOfReferenceUID: String?
    /// The DICOM series read (nil for MetaImage/NIfTI input), for a Spatial Registration object.
    public var series: DICOMSeries?
}

extension ImageInput {
    /// An input for registration or resampling, as `read` finds it, with a PET DICOM
    /// series (Modality PT) converted to SUV body weight.
    public static func readForRegistration(_ url: URL, seriesUID: String? = nil,
                                           progress: ProgressReporter = SilentProgress()) throws -> RegistrationInput {
        if ImageFile.isSupported(url) { return RegistrationInput(volume: try ImageFile.read(url), isSUV: false, frameOfReferenceUID: nil, series: nil) }
        let scan = try SeriesScanner.scan(files: try candidateFiles(url), progress: progress)
        let series = try seriesUID.map { try scan.series(withUID: $0) } ?? scan.onlySeries(in: url.path)
        let frame = series.files.first?.dataset.string(.frameOfReferenceUID).flatMap { $0.isEmpty ? nil : $0 }
        if series.modality == "PT" {
            return RegistrationInput(volume: AnyVolume(try series.loadSUVVolume()), isSUV: true, frameOfReferenceUID: frame, series: series)
        }
        return RegistrationInput(volume: try series.loadVolume(), isSUV: false, frameOfReferenceUID: frame, series: series)
    }
}

extension RegistrationInput {
    /// Writes `transform` (fixed world → moving world, as `RigidRegistration` returns it)
    /// as a DICOM Spatial Registration object in the fixed series' study and frame: its
    /// matrix for the moving series is `transform.inverse`, which carries moving-frame
    /// points onto the fixed frame (PS3.3 C.20.2.1.1). Both inputs must be DICOM series.
    public static func writeSpatialRegistration(fixed: RegistrationInput, moving: RegistrationInput, transform: RigidTransform,
                                                to url: URL) throws {
        guard let f = fixed.series, let m = moving.series else {
            throw DICOMError.writeFailed(path: url.path, reason: "a Spatial Registration object needs both inputs as DICOM series (\(fixed.series == nil ? "the fixed" : "the moving") image is not)")
        }
        try SpatialRegistrationWriter.write(fixed: try RegisteredSeries(f), moving: try RegisteredSeries(m),
                                            movingToFixed: transform.inverse.homogeneousMatrix, to: url)
    }
}
