import Foundation
import ImagingCore

/// Writes screening findings as a DICOM Comprehensive 3D SR following TID 1500 "Imaging
/// Measurement Report" (PS3.16): the device observer NoduleKit, the source CT's instances
/// in its Image Library (TID 1600), and per finding a TID 1411 "Volumetric ROI
/// Measurements" group that names the finding (nodule or mass, SCT), its finding site
/// (lung, with laterality when known), references its segment of the SEG written over the
/// same series and the series itself, gives its centre of mass as a SCOORD3D point in the
/// series' frame of reference (LPS mm), and its long axis and equivalent diameter (mm),
/// volume (mm3) and probability of cancer (UCUM 1). Everything is checked before writing.
public enum MeasurementReportWriter {
    /// SOP Class UID of Comprehensive 3D SR Storage (SCOORD3D needs it).
    public static let sopClassUID = "1.2.840.10008.5.1.4.1.1.88.34"
    /// Device Observer UID of NoduleKit: the same device in every report.
    public static let deviceObserverUID = "2.25.323438627950108164265119116185321420697"
    static let segmentationSOPClassUID = "1.2.840.10008.5.1.4.1.1.66.4"

    /// Writes the report of `findings` over `source`, referencing the SEG at `segmentation`
    /// (one segment per finding, in the series' study), to `url`; returns its SOPInstanceUID.
    @discardableResult
    public static func write(_ findings: [MeasurementReportFinding], source: DICOMSeries, segmentation: URL, to url: URL,
                             seriesDescription: String = "NoduleKit findings", algorithmVersion: String = "1") throws -> String {
        let fail = { (why: String) in DICOMError.writeFailed(path: url.path, reason: why) }
        guard let stack = source.stack, let first = stack.slices.first else { throw fail("the source series has no usable geometry") }
        guard let frameOfReference = first.dataset.string(.frameOfReferenceUID) else {
            throw fail("the source series has no FrameOfReferenceUID, which the findings' LPS centres need")
        }
        let seg = try SegmentationSummary(url: segmentation)
        guard seg.studyInstanceUID == source.studyInstanceUID else {
            throw fail("the SEG \(segmentation.path) belongs to study \(seg.studyInstanceUID), the series to \(source.studyInstanceUID)")
        }
        try check(findings, against: seg, fail: fail)

        let root = SRContentItem(nil, MeasurementReportCode.imagingMeasurementReport, .container(template: "1500"),
                                 children: preamble() + [imageLibrary(stack.slices, frameOfReference: frameOfReference),
                                 SRContentItem(.contains, MeasurementReportCode.imagingMeasurements, .container(template: nil),
                                               children: findings.map { group($0, seg: seg, source: source, frameOfReference: frameOfReference,
                                                                              algorithmVersion: algorithmVersion) })])
        let evidence = DICOMDataset(elements: [
            .text(.studyInstanceUID, "UI", source.studyInstanceUID),
            .sequence(.referencedSeriesSequence, [
                seriesEvidence(source.seriesInstanceUID, stack.slices.map { ($0.sopClassUID, $0.sopInstanceUID) }),
                seriesEvidence(seg.seriesInstanceUID, [(segmentationSOPClassUID, seg.sopInstanceUID)]),
            ]),
        ])
        let sop = DICOMUID.make()
        let now = SegmentationWriter.contentDateTime(Date())
        var elements = DICOMDataset.patientAndStudyTags.map { first.dataset[$0] ?? .text($0, $0.dictionaryVR, "") }
        if let characterSet = first.dataset[.specificCharacterSet] { elements.append(characterSet) }
        elements += [
            .text(.sopClassUID, "UI", sopClassUID), .text(.sopInstanceUID, "UI", sop),
            .text(.seriesInstanceUID, "UI", DICOMUID.make()), .text(.modality, "CS", "SR"), .integers(.seriesNumber, [301]),
            .text(.seriesDescription, "LO", seriesDescription), .sequence(SRTag.referencedPerformedProcedureStepSequence, []),
            .text(.manufacturer, "LO", "NoduleKit"), .text(DICOMTag(0x0008, 0x1090), "LO", "NoduleKit"),
            .text(DICOMTag(0x0018, 0x1020), "LO", algorithmVersion), .text(DICOMTag(0x0018, 0x1000), "LO", "1"),
            .integers(.instanceNumber, [1]), .text(SRTag.completionFlag, "CS", "COMPLETE"), .text(SRTag.verificationFlag, "CS", "UNVERIFIED"),
            .text(.contentDate, "DA", now.date), .text(.contentTime, "TM", now.time),
            .sequence(SRTag.performedProcedureCodeSequence, []),
            .sequence(SRTag.currentRequestedProcedureEvidenceSequence, [evidence]),
        ]
        elements += root.elements
        try DICOMDataset(elements: elements).write(to: url)
        return sop
    }

    /// Findings must be at least one, each referencing a segment the SEG has, once, with
    /// finite sizes and a malignancy in [0, 1].
    private static func check(_ findings: [MeasurementReportFinding], against seg: SegmentationSummary,
                              fail: (String) -> DICOMError) throws {
        guard !findings.isEmpty else { throw fail("a measurement report needs at least one finding") }
        guard Set(findings.map(\.segmentNumber)).count == findings.count else { throw fail("two findings reference the same segment") }
        guard Set(findings.map(\.trackingUID)).count == findings.count else { throw fail("two findings share a tracking UID") }
        for f in findings {
            let name = "finding '\(f.trackingIdentifier)'"
            guard seg.segmentNumbers.contains(f.segmentNumber) else {
                throw fail("\(name) references segment \(f.segmentNumber); the SEG has segments \(seg.segmentNumbers.sorted())")
            }
            guard DICOMUID.isValid(f.trackingUID) else { throw fail("\(name) has tracking UID '\(f.trackingUID)', not a valid UID") }
            guard !f.trackingIdentifier.isEmpty else { throw fail("a finding has an empty tracking identifier") }
            let sizes = [f.longAxisMM, f.equivalentDiameterMM, f.volumeMM3]
            guard sizes.allSatisfy({ $0.isFinite && $0 >= 0 }), [f.centerLPS.x, f.centerLPS.y, f.centerLPS.z].allSatisfy(\.isFinite) else {
                throw fail("\(name) has a size or centre that is not a finite non-negative number")
            }
            if let m = f.malignancy, !(m >= 0 && m <= 1) { throw fail("\(name) has malignancy \(m), outside [0, 1]") }
        }
    }

    /// TID 1500 rows before the library: language, the device observer (TID 1004), the procedure.
    private static func preamble() -> [SRContentItem] {
        typealias C = MeasurementReportCode
        return [
            SRContentItem(.hasConceptModifier, C.languageOfContent, .code(C.englishUS)),
            SRContentItem(.hasObservationContext, C.observerType, .code(C.device)),
            SRContentItem(.hasObservationContext, C.deviceObserverUID, .uid(deviceObserverUID)),
            SRContentItem(.hasObservationContext, C.deviceObserverName, .text("NoduleKit")),
            SRContentItem(.hasObservationContext, C.deviceObserverManufacturer, .text("NoduleKit")),
            SRContentItem(.hasObservationContext, C.deviceObserverModelName, .text("NoduleKit screening cascade")),
            SRContentItem(.hasConceptModifier, C.procedureReported, .code(C.ctUnspecifiedBodyRegion)),
        ]
    }

    /// TID 1600: one group for the CT series (modality and frame of reference shared), an
    /// IMAGE item per instance.
    private static func imageLibrary(_ slices: [SliceHeader], frameOfReference: String) -> SRContentItem {
        typealias C = MeasurementReportCode
        let images = slices.map {
            SRContentItem(.contains, C.source, .image(sopClassUID: $0.sopClassUID, sopInstanceUID: $0.sopInstanceUID, segmentNumber: nil))
        }
        let group = SRContentItem(.contains, C.imageLibraryGroup, .container(template: nil), children: [
            SRContentItem(.hasAcquisitionContext, C.modality, .code(C.computedTomography)),
            SRContentItem(.hasAcquisitionContext, C.frameOfReferenceUID, .uid(frameOfReference)),
        ] + images)
        return SRContentItem(.contains, C.imageLibrary, .container(template: nil), children: [group])
    }

    /// TID 1411 for one finding.
    private static func group(_ f: MeasurementReportFinding, seg: SegmentationSummary, source: DICOMSeries,
                              frameOfReference: String, algorithmVersion: String) -> SRContentItem {
        typealias C = MeasurementReportCode
        var items: [SRContentItem] = [
            SRContentItem(.hasObservationContext, C.trackingIdentifier, .text(f.trackingIdentifier)),
            SRContentItem(.hasObservationContext, C.trackingUniqueIdentifier, .uid(f.trackingUID)),
            SRContentItem(.contains, C.findingCategory, .code(C.morphologicallyAbnormalStructure)),
            SRContentItem(.contains, C.finding, .code(f.kind.code)),
            SRContentItem(.hasConceptModifier, C.algorithmName, .text("NoduleKit screening cascade")),
            SRContentItem(.hasConceptModifier, C.algorithmVersion, .text(algorithmVersion)),
        ]
        if let site = f.site {
            let laterality = site.laterality.map { [SRContentItem(.hasConceptModifier, C.laterality, .code($0))] } ?? []
            items.append(SRContentItem(.hasConceptModifier, C.findingSite, .code(site.code), children: laterality))
        }
        items += [
            SRContentItem(.contains, C.referencedSegment, .image(sopClassUID: segmentationSOPClassUID, sopInstanceUID: seg.sopInstanceUID,
                                                                 segmentNumber: f.segmentNumber)),
            SRContentItem(.contains, C.sourceSeriesForSegmentation, .uid(source.seriesInstanceUID)),
            SRContentItem(.contains, C.centerOfMass, .coordinates3D(graphicType: "POINT", points: [f.centerLPS.x, f.centerLPS.y, f.centerLPS.z],
                                                                    frameOfReferenceUID: frameOfReference)),
            SRContentItem(.contains, C.longAxis, .number(f.longAxisMM, unit: C.millimetre)),
            SRContentItem(.contains, C.diameter, .number(f.equivalentDiameterMM, unit: C.millimetre)),
            SRContentItem(.contains, C.volume, .number(f.volumeMM3, unit: C.cubicMillimetre)),
        ]
        if let m = f.malignancy { items.append(SRContentItem(.contains, C.probabilityOfCancer, .number(m, unit: C.noUnits))) }
        return SRContentItem(.contains, C.measurementGroup, .container(template: "1411"), children: items)
    }

    private static func seriesEvidence(_ seriesUID: String, _ instances: [(sopClass: String, sopInstance: String)]) -> DICOMDataset {
        DICOMDataset(elements: [
            .text(.seriesInstanceUID, "UI", seriesUID),
            .sequence(SRTag.referencedSOPSequence, instances.map {
                DICOMDataset(elements: [.text(.referencedSOPClassUID, "UI", $0.sopClass), .text(.referencedSOPInstanceUID, "UI", $0.sopInstance)])
            }),
        ])
    }
}

/// What the report needs of the SEG it references, read from the file.
struct SegmentationSummary {
    let sopInstanceUID: String
    let seriesInstanceUID: String
    let studyInstanceUID: String
    let segmentNumbers: Set<Int>

    init(url: URL) throws {
        let ds = try DICOMFile.readDataset(at: url)
        let fail = { (why: String) in DICOMError.invalidSeries(url.path, reason: why) }
        guard ds.string(.sopClassUID) == MeasurementReportWriter.segmentationSOPClassUID else {
            throw fail("not a DICOM Segmentation (SOPClassUID \(ds.string(.sopClassUID) ?? "absent"))")
        }
        guard let sop = ds.string(.sopInstanceUID), let series = ds.string(.seriesInstanceUID), let study = ds.string(.studyInstanceUID) else {
            throw fail("the SEG lacks its SOP instance, series or study UID")
        }
        var numbers = Set<Int>()
        for item in ds.sequence(DICOMTag(0x0062, 0x0002)) {
            if let n = try item.int(DICOMTag(0x0062, 0x0004), path: url.path) { numbers.insert(n) }
        }
        sopInstanceUID = sop
        seriesInstanceUID = series
        studyInstanceUID = study
        segmentNumbers = numbers
    }
}

extension DICOMDataset {
    /// The Patient and General Study attributes a derived object (SEG, SR) copies from its
    /// source so that it joins the source's patient and study; absent ones are written empty.
    static let patientAndStudyTags: [DICOMTag] = [
        .patientName, .patientID, DICOMTag(0x0010, 0x0030), .patientSex, .studyInstanceUID, .studyDate, .studyTime,
        DICOMTag(0x0008, 0x0090), .studyID, DICOMTag(0x0008, 0x0050),
    ]
}
