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

    /// Lifts the fields out of a dataset; throws `DICOMError.invalidValue` naming the file
    /// and tag when one present is malformed (not a number, the wrong count, not finite,
    /// a spacing not positive), so a slice is never dropped or misplaced silently:
    /// series discovery lists the file in `SeriesScan.skipped` with that reason.
    public init(url: URL, dataset ds: DICOMDataset) throws {
        let path = url.path
        self.url = url
        dataset = ds
        studyInstanceUID = ds.string(.studyInstanceUID) ?? ""
        seriesInstanceUID = ds.string(.seriesInstanceUID) ?? ""
        sopInstanceUID = ds.string(.sopInstanceUID) ?? ""
        sopClassUID = ds.string(.sopClassUID) ?? ""
        modality = ds.string(.modality) ?? ""
        instanceNumber = try ds.int(.instanceNumber, path: path)
        rows = try ds.int(.rows, path: path) ?? 0
        columns = try ds.int(.columns, path: path) ?? 0
        frames = max(1, try ds.int(.numberOfFrames, path: path) ?? 1)
        position = try Self.vector(ds, .imagePositionPatient, path: path).map { Vector3($0[0], $0[1], $0[2]) }
        let iop = try Self.numbers(ds, .imageOrientationPatient, count: 6, path: path)
        rowDirection = iop.map { Vector3($0[0], $0[1], $0[2]) }
        columnDirection = iop.map { Vector3($0[3], $0[4], $0[5]) }
        pixelSpacing = try Self.pixelSpacing(ds, path: path)
        rescaleSlope = try Self.number(ds, .rescaleSlope, path: path) ?? 1
        rescaleIntercept = try Self.number(ds, .rescaleIntercept, path: path) ?? 0
        gantryTilt = try Self.number(ds, .gantryDetectorTilt, path: path) ?? 0
        frame = 0
    }

    /// The `count` finite values of `tag`, nil when absent or empty; throws otherwise.
    static func numbers(_ ds: DICOMDataset, _ tag: DICOMTag, count: Int, path: String) throws -> [Double]? {
        let values = try ds.doubles(tag, path: path)
        if values.isEmpty { return nil }
        guard values.count == count, values.allSatisfy(\.isFinite) else {
            throw DICOMError.invalidValue(path: path, tag: tag, value: values.map { "\($0)" }.joined(separator: "\\"),
                                          expected: "\(count) finite numbers")
        }
        return values
    }

    /// A position triplet (ImagePositionPatient), nil when absent; throws when malformed.
    static func vector(_ ds: DICOMDataset, _ tag: DICOMTag, path: String) throws -> [Double]? {
        try numbers(ds, tag, count: 3, path: path)
    }

    /// PixelSpacing as (column spacing, row spacing), nil when absent; throws unless it is
    /// two positive finite numbers.
    static func pixelSpacing(_ ds: DICOMDataset, path: String) throws -> SIMD2<Double>? {
        guard let ps = try numbers(ds, .pixelSpacing, count: 2, path: path) else { return nil }
        guard ps[0] > 0, ps[1] > 0 else {
            throw DICOMError.invalidValue(path: path, tag: .pixelSpacing, value: "\(ps[0])\\\(ps[1])", expected: "two positive spacings in mm")
        }
        return SIMD2(ps[1], ps[0])
    }

    /// The first value of `tag` when finite, nil when absent; throws when malformed.
    static func number(_ ds: DICOMDataset, _ tag: DICOMTag, path: String) throws -> Double? {
        guard let v = try ds.double(tag, path: path) else { return nil }
        guard v.isFinite else { throw DICOMError.invalidValue(path: path, tag: tag, value: "\(v)", expected: "a finite number") }
        return v
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
