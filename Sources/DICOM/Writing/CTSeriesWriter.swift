import Foundation
import ImagingCore

/// Patient and study identity written into new DICOM objects.
public struct DICOMIdentity: Sendable {
    /// PatientName (PN).
    public var patientName: String
    /// PatientID.
    public var patientID: String
    /// StudyInstanceUID shared by everything written with this identity.
    public var studyInstanceUID: String
    /// FrameOfReferenceUID: the world coordinates the geometry is in.
    public var frameOfReferenceUID: String
    /// StudyDate (YYYYMMDD, may be empty).
    public var studyDate: String

    /// New identity with fresh UIDs.
    public init(patientName: String = "Anonymous", patientID: String = "NODULEKIT", studyInstanceUID: String = DICOMUID.make(),
                frameOfReferenceUID: String = DICOMUID.make(), studyDate: String = "") {
        self.patientName = patientName
        self.patientID = patientID
        self.studyInstanceUID = studyInstanceUID
        self.frameOfReferenceUID = frameOfReferenceUID
        self.studyDate = studyDate
    }

    var elements: [DICOMElement] {
        [.text(.patientName, "PN", patientName), .text(.patientID, "LO", patientID),
         .text(.studyInstanceUID, "UI", studyInstanceUID), .text(.frameOfReferenceUID, "UI", frameOfReferenceUID),
         .text(.studyDate, "DA", studyDate), .text(.studyTime, "TM", ""), .text(DICOMTag(0x0008, 0x0090), "PN", ""),
         .text(DICOMTag(0x0020, 0x0010), "SH", ""), .text(DICOMTag(0x0008, 0x0050), "SH", ""),
         .text(DICOMTag(0x0010, 0x0030), "DA", ""), .text(.patientSex, "CS", ""),
         .text(.positionReferenceIndicator, "LO", "")]   // Frame of Reference module, Type 2
    }
}

/// Writes an Int16 volume (Hounsfield units) as a CT series: one file per k-slice,
/// ImagePositionPatient = origin + direction · (0, 0, k · spacing.z), orientation from
/// the direction's first two columns, stored as signed 16-bit with RescaleSlope 1 and
/// RescaleIntercept 0, so reading the series back gives the same volume.
public enum CTSeriesWriter {
    /// What was written.
    public struct Result: Sendable {
        /// The new series' UID.
        public let seriesInstanceUID: String
        /// The files, slice k at index k.
        public let files: [URL]
        /// SOPInstanceUID of slice k at index k.
        public let sopInstanceUIDs: [String]
    }

    /// Writes `volume` into `folder` as `slice-00000.dcm`…; throws before writing when
    /// the direction is left-handed (readers sort slices along row × column). The files
    /// pass dciodvfy (dicom3tools) without errors; `bodyPartExamined` must name an
    /// unpaired part (no Laterality is written).
    public static func write(_ volume: Volume<Int16>, to folder: URL, identity: DICOMIdentity = DICOMIdentity(),
                             seriesDescription: String = "NoduleKit CT", seriesNumber: Int = 1,
                             seriesInstanceUID: String = DICOMUID.make(), bodyPartExamined: String = "CHEST") throws -> Result {
        let g = volume.geometry
        try g.validate()
        let row = g.direction.column(0), column = g.direction.column(1), normal = g.direction.column(2)
        guard dot(cross(row, column), normal) > 0 else {
            throw DICOMError.writeFailed(path: folder.path, reason: "the direction matrix is left-handed; DICOM readers would reverse k")
        }
        guard g.size.i <= 65535, g.size.j <= 65535 else { throw DICOMError.writeFailed(path: folder.path, reason: "slices larger than 65535 pixels") }
        guard volume.channelCount == 1 else { throw DICOMError.writeFailed(path: folder.path, reason: "only single-channel volumes are CT series") }
        let seriesUID = seriesInstanceUID
        var files: [URL] = [], uids: [String] = []
        let perSlice = g.size.sliceCount
        // Into a temporary folder renamed onto `folder` at the end (AtomicFolder): an
        // interrupted write never leaves a series that looks whole.
        try AtomicFolder.write(to: folder) { partial in
            for k in 0..<g.size.k {
                let sop = DICOMUID.make()
                let position = g.origin + normal * (Double(k) * g.spacing.z)
                let pixels = volume.voxels[(k * perSlice)..<((k + 1) * perSlice)].flatMap { v -> [UInt8] in
                    let u = UInt16(bitPattern: v)
                    return [UInt8(u & 0xFF), UInt8(u >> 8)]
                }
                let ds = DICOMDataset(elements: identity.elements + [
                    .text(.sopClassUID, "UI", "1.2.840.10008.5.1.4.1.1.2"), .text(.sopInstanceUID, "UI", sop),
                    .text(.seriesInstanceUID, "UI", seriesUID), .text(.modality, "CS", "CT"),
                    .text(.seriesDescription, "LO", seriesDescription), .integers(.seriesNumber, [seriesNumber]),
                    // Type 2 and 2C elements of General Series/Equipment and CT Image (PS3.3 C.7.3.1,
                    // C.7.5.1, C.8.2.1): present, empty where NoduleKit knows no value.
                    // BodyPartExamined CHEST (unpaired) makes Laterality (2C) absent rather than empty.
                    .text(DICOMTag(0x0018, 0x0015), "CS", bodyPartExamined), .text(.patientPosition, "CS", "HFS"),
                    .text(.manufacturer, "LO", "NoduleKit"), .text(DICOMTag(0x0018, 0x0060), "DS", ""),
                    .text(.acquisitionNumber, "IS", ""),
                    .integers(.instanceNumber, [k + 1]), .text(.imageType, "CS", ["DERIVED", "SECONDARY", "AXIAL"]),
                    .decimals(.imagePositionPatient, [position.x, position.y, position.z]),
                    .decimals(.imageOrientationPatient, [row.x, row.y, row.z, column.x, column.y, column.z]),
                    .decimals(.pixelSpacing, [g.spacing.y, g.spacing.x]), .decimals(.sliceThickness, [g.spacing.z]),
                    .uint16(.samplesPerPixel, [1]), .text(.photometricInterpretation, "CS", "MONOCHROME2"),
                    .uint16(.rows, [UInt16(clamping: g.size.j)]), .uint16(.columns, [UInt16(clamping: g.size.i)]),
                    .uint16(.bitsAllocated, [16]), .uint16(.bitsStored, [16]), .uint16(.highBit, [15]), .uint16(.pixelRepresentation, [1]),
                    .decimals(.rescaleIntercept, [0]), .decimals(.rescaleSlope, [1]), .text(.rescaleType, "LO", "HU"),
                    .binary(.pixelData, "OW", pixels),
                ])
                let name = String(format: "slice-%05d.dcm", k)
                try ds.write(to: partial.appendingPathComponent(name))
                files.append(folder.appendingPathComponent(name))
                uids.append(sop)
            }
        }
        return Result(seriesInstanceUID: seriesUID, files: files, sopInstanceUIDs: uids)
    }
}
