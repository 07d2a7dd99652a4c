import Foundation
import ImagingCore

/// One segment of a binary DICOM Segmentation: the voxels of a mask equal to `label`.
public struct SegmentDescription: Sendable {
    /// The mask value that marks this segment.
    public var label: UInt8
    /// SegmentLabel.
    public var name: String
    /// Segmented property type (SNOMED CT by default: 27925004 "Nodule").
    public var typeCode: (value: String, scheme: String, meaning: String)
    /// Segmented property category (default: 49755003 "Morphologically abnormal structure").
    public var categoryCode: (value: String, scheme: String, meaning: String)

    /// A segment for `label` named `name`, coded as a nodule unless told otherwise.
    public init(label: UInt8, name: String,
                typeCode: (value: String, scheme: String, meaning: String) = ("27925004", "SCT", "Nodule"),
                categoryCode: (value: String, scheme: String, meaning: String) = ("49755003", "SCT", "Morphologically abnormal structure")) {
        self.label = label
        self.name = name
        self.typeCode = typeCode
        self.categoryCode = categoryCode
    }
}

/// Writes a mask `Volume<UInt8>` as a binary DICOM Segmentation (SEG) that references
/// its source series. Everything is checked before writing (highdicom's rule): the mask
/// must lie on the series grid, segments must be distinct non-zero labels.
public enum SegmentationWriter {
    /// Writes the SEG for `mask` over `source` to `url`; returns its SOPInstanceUID.
    /// Frames are written for the slices where a segment has voxels (all slices when
    /// the mask is empty); each frame names its source slice.
    @discardableResult
    public static func write(_ mask: Volume<UInt8>, source: DICOMSeries, segments: [SegmentDescription], to url: URL,
                             seriesDescription: String = "NoduleKit segmentation") throws -> String {
        let fail = { (why: String) in DICOMError.writeFailed(path: url.path, reason: why) }
        guard let stack = source.stack else { throw fail("the source series has no usable geometry") }
        let g = stack.geometry, m = mask.geometry
        guard m.size == g.size else { throw fail("mask size \(m.size) differs from the series' \(g.size)") }
        let close = length(m.origin - g.origin) < 1e-3 && length(m.spacing - g.spacing) < 1e-4 && m.direction.maxAbsDifference(g.direction) < 1e-4
        guard close else { throw fail("the mask's origin, spacing or direction differ from the series' (\(m) vs \(g))") }
        guard !segments.isEmpty, Set(segments.map(\.label)).count == segments.count, !segments.contains(where: { $0.label == 0 }) else {
            throw fail("segments need distinct non-zero labels")
        }
        let first = stack.slices[0].dataset
        let perSlice = g.size.sliceCount
        let row = g.direction.column(0), column = g.direction.column(1), normal = g.direction.column(2)
        // Frames: (segment number, k) for every slice holding that segment.
        var frames: [(segment: Int, k: Int)] = []
        for (n, segment) in segments.enumerated() {
            for k in 0..<g.size.k where mask.voxels[(k * perSlice)..<((k + 1) * perSlice)].contains(segment.label) {
                frames.append((n + 1, k))
            }
        }
        if frames.isEmpty { frames = (0..<g.size.k).map { (1, $0) } }
        // Bits packed across frames, least significant bit first (PS3.5 8.1.1).
        var bits = [UInt8](repeating: 0, count: (frames.count * perSlice + 7) / 8)
        for (f, frame) in frames.enumerated() {
            let label = segments[frame.segment - 1].label
            for p in 0..<perSlice where mask.voxels[frame.k * perSlice + p] == label {
                let b = f * perSlice + p
                bits[b / 8] |= UInt8(1 << (b % 8))
            }
        }
        var kToInstance: [Int: SliceHeader] = [:]
        for (k, slot) in stack.slots.enumerated() { if case .file(let i) = slot { kToInstance[k] = stack.slices[i] } }
        let perFrame = frames.map { frame -> DICOMDataset in
            let position = g.origin + normal * (Double(frame.k) * g.spacing.z)
            var items: [DICOMElement] = [
                .sequence(DICOMTag(0x0020, 0x9111), [DICOMDataset(elements: [.binary(DICOMTag(0x0020, 0x9157), "UL", [UInt32(frame.segment), UInt32(frame.k + 1)].flatMap(le32))])]),
                .sequence(.planePositionSequence, [DICOMDataset(elements: [.decimals(.imagePositionPatient, [position.x, position.y, position.z])])]),
                .sequence(DICOMTag(0x0062, 0x000A), [DICOMDataset(elements: [.uint16(DICOMTag(0x0062, 0x000B), [UInt16(frame.segment)])])]),
            ]
            if let instance = kToInstance[frame.k] {
                let sourceImage = DICOMDataset(elements: [
                    .text(.referencedSOPClassUID, "UI", instance.sopClassUID), .text(.referencedSOPInstanceUID, "UI", instance.sopInstanceUID),
                    .code(DICOMTag(0x0040, 0xA170), value: "121322", scheme: "DCM", meaning: "Source image for image processing operation"),
                    // SpatialLocationsPreserved: the frame lies on its source slice's grid
                    // (checked above), which lets readers index frames by source instance.
                    .text(DICOMTag(0x0028, 0x135A), "CS", "YES"),
                ])
                items.append(.sequence(DICOMTag(0x0008, 0x9124), [DICOMDataset(elements: [
                    .sequence(DICOMTag(0x0008, 0x2112), [sourceImage]),
                    .code(DICOMTag(0x0008, 0x9215), value: "113076", scheme: "DCM", meaning: "Segmentation"),
                ])]))
            }
            return DICOMDataset(elements: items)
        }
        let segmentItems = segments.enumerated().map { n, s in
            DICOMDataset(elements: [
                .uint16(DICOMTag(0x0062, 0x0004), [UInt16(n + 1)]), .text(DICOMTag(0x0062, 0x0005), "LO", s.name),
                .text(DICOMTag(0x0062, 0x0008), "CS", "AUTOMATIC"), .text(DICOMTag(0x0062, 0x0009), "LO", "NoduleKit"),
                .code(DICOMTag(0x0062, 0x0003), value: s.categoryCode.value, scheme: s.categoryCode.scheme, meaning: s.categoryCode.meaning),
                .code(DICOMTag(0x0062, 0x000F), value: s.typeCode.value, scheme: s.typeCode.scheme, meaning: s.typeCode.meaning),
            ])
        }
        let dimensionUID = DICOMUID.make()
        let referenced = DICOMDataset(elements: [
            .text(.seriesInstanceUID, "UI", source.seriesInstanceUID),
            .sequence(.referencedInstanceSequence, stack.slices.map { s in
                DICOMDataset(elements: [.text(.referencedSOPClassUID, "UI", s.sopClassUID), .text(.referencedSOPInstanceUID, "UI", s.sopInstanceUID)])
            }),
        ])
        let sop = DICOMUID.make()
        // ContentDate/ContentTime are Type 1 in the multi-frame functional groups module.
        let now = contentDateTime(Date())
        let copied = DICOMDataset.patientAndStudyTags + [.frameOfReferenceUID, .positionReferenceIndicator]
        var elements = copied.map { first[$0] ?? .text($0, $0.dictionaryVR, "") }
        elements += [
            .text(.sopClassUID, "UI", "1.2.840.10008.5.1.4.1.1.66.4"), .text(.sopInstanceUID, "UI", sop),
            .text(.seriesInstanceUID, "UI", DICOMUID.make()), .text(.modality, "CS", "SEG"), .integers(.seriesNumber, [300]),
            .integers(.instanceNumber, [1]), .text(.seriesDescription, "LO", seriesDescription),
            .text(.manufacturer, "LO", "NoduleKit"), .text(DICOMTag(0x0008, 0x1090), "LO", "NoduleKit"),
            .text(DICOMTag(0x0018, 0x1020), "LO", "1"), .text(DICOMTag(0x0018, 0x1000), "LO", "1"),
            .text(.imageType, "CS", ["DERIVED", "PRIMARY"]), .text(.contentDate, "DA", now.date), .text(.contentTime, "TM", now.time),
            .text(DICOMTag(0x0070, 0x0080), "CS", "SEGMENTATION"), .text(DICOMTag(0x0070, 0x0081), "LO", ""),
            .text(DICOMTag(0x0070, 0x0084), "PN", ""), .text(DICOMTag(0x0028, 0x2110), "CS", "00"),
            .text(DICOMTag(0x0062, 0x0001), "CS", "BINARY"), .sequence(DICOMTag(0x0062, 0x0002), segmentItems),
            .sequence(.referencedSeriesSequence, [referenced]),
            .uint16(.samplesPerPixel, [1]), .text(.photometricInterpretation, "CS", "MONOCHROME2"),
            .integers(.numberOfFrames, [frames.count]), .uint16(.rows, [UInt16(clamping: g.size.j)]), .uint16(.columns, [UInt16(clamping: g.size.i)]),
            .uint16(.bitsAllocated, [1]), .uint16(.bitsStored, [1]), .uint16(.highBit, [0]), .uint16(.pixelRepresentation, [0]),
            .sequence(DICOMTag(0x0020, 0x9221), [DICOMDataset(elements: [.text(DICOMTag(0x0020, 0x9164), "UI", dimensionUID)])]),
            .sequence(DICOMTag(0x0020, 0x9222), [
                DICOMDataset(elements: [.text(DICOMTag(0x0020, 0x9164), "UI", dimensionUID),
                                        .binary(DICOMTag(0x0020, 0x9165), "AT", tagBytes(DICOMTag(0x0062, 0x000B))),
                                        .binary(DICOMTag(0x0020, 0x9167), "AT", tagBytes(DICOMTag(0x0062, 0x000A)))]),
                DICOMDataset(elements: [.text(DICOMTag(0x0020, 0x9164), "UI", dimensionUID),
                                        .binary(DICOMTag(0x0020, 0x9165), "AT", tagBytes(.imagePositionPatient)),
                                        .binary(DICOMTag(0x0020, 0x9167), "AT", tagBytes(.planePositionSequence))]),
            ]),
            .sequence(.sharedFunctionalGroupsSequence, [DICOMDataset(elements: [
                .sequence(.planeOrientationSequence, [DICOMDataset(elements: [.decimals(.imageOrientationPatient, [row.x, row.y, row.z, column.x, column.y, column.z])])]),
                .sequence(.pixelMeasuresSequence, [DICOMDataset(elements: [.decimals(.pixelSpacing, [g.spacing.y, g.spacing.x]),
                                                                           .decimals(.sliceThickness, [g.spacing.z]),
                                                                           .decimals(.spacingBetweenSlices, [g.spacing.z])])]),
            ])]),
            .sequence(.perFrameFunctionalGroupsSequence, perFrame),
            .binary(.pixelData, "OB", bits),
        ]
        try DICOMDataset(elements: elements).write(to: url)
        return sop
    }

    /// DA and TM text of `date` in UTC.
    static func contentDateTime(_ date: Date) -> (date: String, time: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let d = String(format: "%04d%02d%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
        return (d, String(format: "%02d%02d%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0))
    }

    private static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
    private static func tagBytes(_ t: DICOMTag) -> [UInt8] { [UInt8(t.group & 0xFF), UInt8(t.group >> 8), UInt8(t.element & 0xFF), UInt8(t.element >> 8)] }
}
