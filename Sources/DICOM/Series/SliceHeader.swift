import Foundation
import ImagingCore

/// What series discovery and volume assembly need from one image file, read from its
/// header only (no pixels).
public struct SliceHeader: Sendable {
    /// The file.
    public let url: URL
    /// The whole header, for anything not lifted out below (PET dose, descriptions…).
    public let dataset: DICOMDataset
    /// StudyInstanceUID ("" when absent).
    public let studyInstanceUID: String
    /// SeriesInstanceUID ("" when absent).
    public let seriesInstanceUID: String
    /// SOPInstanceUID.
    public let sopInstanceUID: String
    /// SOPClassUID.
    public let sopClassUID: String
    /// Modality.
    public let modality: String
    /// InstanceNumber (never used for ordering).
    public let instanceNumber: Int?
    /// Rows (j extent).
    public let rows: Int
    /// Columns (i extent).
    public let columns: Int
    /// NumberOfFrames (1 for single-frame images).
    public let frames: Int
    /// ImagePositionPatient: LPS mm of the centre of the first pixel.
    public let position: Vector3?
    /// The first ImageOrientationPatient triplet: world direction of increasing column
    /// (the i axis).
    public let rowDirection: Vector3?
    /// The second triplet: world direction of increasing row (the j axis).
    public let columnDirection: Vector3?
    /// PixelSpacing as (i, j) = (column spacing, row spacing) in mm. DICOM lists the row
    /// spacing (between rows) first.
    public let pixelSpacing: SIMD2<Double>?
    /// RescaleSlope (1 when absent).
    public let rescaleSlope: Double
    /// RescaleIntercept (0 when absent).
    public let rescaleIntercept: Double
    /// GantryDetectorTilt in degrees (0 when absent).
    public let gantryTilt: Double
    /// The frame of the file this slice is (0 for single-frame files; the frame of an
    /// enhanced multi-frame file expanded by `frameSlices()`).
    public let frame: Int

    /// Lifts the fields out of a dataset; throws when one present is malformed.
    public init(url: URL, dataset ds: DICOMDataset) throws {
        let path = url.path
        self.url = url
        dataset = ds
        studyInstanceUID = ds.string(.studyInstanceUID) ?? ""
        seriesInstanceUID = ds.string(.seriesInstanceUID) ?? ""
        sopInstanceUID = ds.string(.sopInstanceUID) ?? ""
        sopClassUID = ds.string(.sopClassUID) ?? ""
        modality = ds.string(.modality) ?? ""
        instanceNumber = try? ds.int(.instanceNumber, path: path)
        rows = try ds.int(.rows, path: path) ?? 0
        columns = try ds.int(.columns, path: path) ?? 0
        frames = max(1, (try? ds.int(.numberOfFrames, path: path)) ?? 1)
        let ipp = try ds.doubles(.imagePositionPatient, path: path)
        position = ipp.count == 3 && ipp.allSatisfy(\.isFinite) ? Vector3(ipp[0], ipp[1], ipp[2]) : nil
        let iop = try ds.doubles(.imageOrientationPatient, path: path)
        if iop.count == 6, iop.allSatisfy(\.isFinite) {
            rowDirection = Vector3(iop[0], iop[1], iop[2])
            columnDirection = Vector3(iop[3], iop[4], iop[5])
        } else {
            rowDirection = nil
            columnDirection = nil
        }
        let ps = try ds.doubles(.pixelSpacing, path: path)
        pixelSpacing = ps.count == 2 && ps[0] > 0 && ps[1] > 0 ? SIMD2(ps[1], ps[0]) : nil
        rescaleSlope = try ds.double(.rescaleSlope, path: path) ?? 1
        rescaleIntercept = try ds.double(.rescaleIntercept, path: path) ?? 0
        gantryTilt = (try? ds.double(.gantryDetectorTilt, path: path)) ?? 0
        frame = 0
    }

    /// A copy describing frame `frame` with its own geometry and rescale.
    init(_ file: SliceHeader, frame: Int, position: Vector3?, rowDirection: Vector3?, columnDirection: Vector3?,
         pixelSpacing: SIMD2<Double>?, rescaleSlope: Double, rescaleIntercept: Double) {
        url = file.url; dataset = file.dataset
        studyInstanceUID = file.studyInstanceUID; seriesInstanceUID = file.seriesInstanceUID
        sopInstanceUID = file.sopInstanceUID; sopClassUID = file.sopClassUID; modality = file.modality
        instanceNumber = file.instanceNumber; rows = file.rows; columns = file.columns; frames = file.frames
        gantryTilt = file.gantryTilt
        self.frame = frame
        self.position = position; self.rowDirection = rowDirection; self.columnDirection = columnDirection
        self.pixelSpacing = pixelSpacing; self.rescaleSlope = rescaleSlope; self.rescaleIntercept = rescaleIntercept
    }

    /// The slice normal (row × column direction), unit length, or nil without IOP.
    public var normal: Vector3? {
        guard let r = rowDirection, let c = columnDirection else { return nil }
        let n = cross(r, c)
        let len = length(n)
        return len > 1e-6 ? n / len : nil
    }

    /// Whether the header describes an image (has rows, columns and pixel data).
    public var isImage: Bool { rows > 0 && columns > 0 && dataset[.pixelData] != nil }
}
