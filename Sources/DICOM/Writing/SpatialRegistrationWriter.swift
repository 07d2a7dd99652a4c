import Foundation

/// One side of a registration: a DICOM series, its frame of reference and its instances.
public struct RegisteredSeries: Sendable {
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var frameOfReferenceUID: String
    /// (SOPClassUID, SOPInstanceUID) of each instance, once each.
    public var instances: [(sopClassUID: String, sopInstanceUID: String)]
    /// The first instance's dataset: patient and study attributes are copied from the
    /// fixed series' one.
    public var firstDataset: DICOMDataset

    /// The side of `series`; an error names the series when it has no FrameOfReferenceUID
    /// or an instance lacks its SOP UIDs.
    public init(_ series: DICOMSeries) throws {
        guard let first = series.files.first else { throw DICOMError.invalidSeries(series.id, reason: "has no instances") }
        guard let frame = first.dataset.string(.frameOfReferenceUID), !frame.isEmpty else {
            throw DICOMError.missingElement(path: first.url.path, tag: .frameOfReferenceUID, needed: "a Spatial Registration object")
        }
        var seen = Set<String>(), instances: [(String, String)] = []
        for file in series.files {
            guard let sopClass = file.dataset.string(.sopClassUID), let sop = file.dataset.string(.sopInstanceUID) else {
                throw DICOMError.missingElement(path: file.url.path, tag: .sopInstanceUID, needed: "a Spatial Registration object's references")
            }
            if seen.insert(sop).inserted { instances.append((sopClass, sop)) }
        }
        studyInstanceUID = series.studyInstanceUID
        seriesInstanceUID = series.seriesInstanceUID
        frameOfReferenceUID = frame
        self.instances = instances
        firstDataset = first.dataset
    }
}

/// Writes a rigid registration as a DICOM Spatial Registration object (SOP Class
/// 1.2.840.10008.5.1.4.1.1.66.1, PS3.3 A.39.1), in the fixed series' study and frame of
/// reference: the Registered RCS is the fixed frame. Its Registration Sequence has two
/// items, each registering one series' frame to the fixed frame (PS3.3 C.20.2): the fixed
/// series with the identity, the moving series with `movingToFixed`, the 4×4 matrix (row
/// major) that maps a point of the moving frame to the fixed frame (PS3.3 C.20.2.1.1:
/// the Frame of Reference Transformation Matrix maps the Source RCS to the Registered RCS).
public enum SpatialRegistrationWriter {
    public static let sopClassUID = "1.2.840.10008.5.1.4.1.1.66.1"

    /// Writes the object to `url`; returns its SOPInstanceUID. `movingToFixed` must hold 16
    /// finite values whose last row is 0 0 0 1.
    @discardableResult
    public static func write(fixed: RegisteredSeries, moving: RegisteredSeries, movingToFixed matrix: [Double], to url: URL,
                             description: String = "NoduleKit rigid registration", date: Date = Date()) throws -> String {
        guard matrix.count == 16, matrix.allSatisfy(\.isFinite), Array(matrix[12...]) == [0, 0, 0, 1] else {
            throw DICOMError.writeFailed(path: url.path, reason: "the registration matrix must be 16 finite values ending 0 0 0 1")
        }
        let sop = DICOMUID.make()
        let (day, time) = DICOMClock.dateAndTime(date)
        let source = fixed.firstDataset
        func copied(_ tag: DICOMTag, _ vr: String) -> DICOMElement { .text(tag, vr, source.string(tag) ?? "") }
        let identity: [Double] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        let ds = DICOMDataset(elements: [
            .text(.specificCharacterSet, "CS", "ISO_IR 192"),
            .text(.sopClassUID, "UI", sopClassUID), .text(.sopInstanceUID, "UI", sop),
            .text(.studyDate, "DA", source.string(.studyDate) ?? ""), .text(.studyTime, "TM", source.string(.studyTime) ?? ""),
            .text(.contentDate, "DA", day), .text(.contentTime, "TM", time),
            copied(DICOMTag(0x0008, 0x0050), "SH"),                       // AccessionNumber
            .text(.modality, "CS", "REG"), .text(.manufacturer, "LO", "NoduleKit"),
            copied(DICOMTag(0x0008, 0x0090), "PN"),                       // ReferringPhysicianName
            .text(.seriesDescription, "LO", description),
            .text(DICOMTag(0x0020, 0x0060), "CS", ""),                    // Laterality (Type 2C; no paired body part)
            .sequence(.referencedSeriesSequence, [seriesReference(fixed)] + (moving.studyInstanceUID == fixed.studyInstanceUID ? [seriesReference(moving)] : [])),
            .text(.patientName, "PN", source.string(.patientName) ?? ""), .text(.patientID, "LO", source.string(.patientID) ?? ""),
            copied(DICOMTag(0x0010, 0x0030), "DA"), copied(.patientSex, "CS"),  // PatientBirthDate, PatientSex
            .text(.studyInstanceUID, "UI", fixed.studyInstanceUID), .text(.seriesInstanceUID, "UI", DICOMUID.make()),
            copied(.studyID, "SH"), .integers(.seriesNumber, [900]), .integers(.instanceNumber, [1]),
            .text(.frameOfReferenceUID, "UI", fixed.frameOfReferenceUID), .text(.positionReferenceIndicator, "LO", ""),
            .text(DICOMTag(0x0070, 0x0080), "CS", "REGISTRATION"),        // ContentLabel
            .text(DICOMTag(0x0070, 0x0081), "LO", description),           // ContentDescription
            .text(DICOMTag(0x0070, 0x0084), "PN", ""),                    // ContentCreatorName
            .sequence(DICOMTag(0x0070, 0x0308), [registrationItem(fixed, matrix: identity, comment: "fixed series: identity"),
                                                 registrationItem(moving, matrix: matrix, comment: "moving series to the fixed frame")]),
        ] + (moving.studyInstanceUID == fixed.studyInstanceUID ? [] : [
            .sequence(DICOMTag(0x0008, 0x1200), [DICOMDataset(elements: [     // StudiesContainingOtherReferencedInstancesSequence
                .sequence(.referencedSeriesSequence, [seriesReference(moving)]),
                .text(.studyInstanceUID, "UI", moving.studyInstanceUID),
            ])]),
        ]))
        try ds.write(to: url)
        return sop
    }

    /// A Registration Sequence item: the series' images, its frame and one RIGID matrix.
    static func registrationItem(_ series: RegisteredSeries, matrix: [Double], comment: String) -> DICOMDataset {
        DICOMDataset(elements: [
            .sequence(DICOMTag(0x0008, 0x1140), series.instances.map(instanceReference)),   // ReferencedImageSequence
            .text(.frameOfReferenceUID, "UI", series.frameOfReferenceUID),
            .sequence(DICOMTag(0x0070, 0x0309), [DICOMDataset(elements: [                 // MatrixRegistrationSequence
                .sequence(DICOMTag(0x0070, 0x030A), [DICOMDataset(elements: [             // MatrixSequence
                    .text(DICOMTag(0x0070, 0x030C), "CS", "RIGID"),                        // FrameOfReferenceTransformationMatrixType
                    .decimals(DICOMTag(0x3006, 0x00C6), matrix),                          // FrameOfReferenceTransformationMatrix
                ])]),
                .sequence(DICOMTag(0x0070, 0x030D), []),                                   // RegistrationTypeCodeSequence (Type 2)
                .text(DICOMTag(0x3006, 0x00C8), "LO", comment),                            // FrameOfReferenceTransformationComment
            ])]),
        ])
    }

    static func instanceReference(_ instance: (sopClassUID: String, sopInstanceUID: String)) -> DICOMDataset {
        DICOMDataset(elements: [.text(.referencedSOPClassUID, "UI", instance.sopClassUID),
                                .text(.referencedSOPInstanceUID, "UI", instance.sopInstanceUID)])
    }

    /// A Common Instance Reference Module series item (PS3.3 C.12.2).
    static func seriesReference(_ series: RegisteredSeries) -> DICOMDataset {
        DICOMDataset(elements: [.sequence(.referencedInstanceSequence, series.instances.map(instanceReference)),
                                .text(.seriesInstanceUID, "UI", series.seriesInstanceUID)])
    }
}
