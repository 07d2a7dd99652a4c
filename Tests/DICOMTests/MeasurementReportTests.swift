import DICOM
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// The TID 1500 measurement report SR: a valid Comprehensive 3D SR for dciodvfy, and
/// highdicom's SR parser finds in it what was written — per finding its tracking
/// identifiers, codes, site, SEG segment, source series, centre and measurements.
final class MeasurementReportTests: XCTestCase {
    /// A 10x8x6 oblique CT series, its SEG (segment 1 on k = 2, 3; segment 2 on k = 5).
    private func makeSeriesAndSEG(_ folder: URL) throws -> (series: DICOMSeries, written: CTSeriesWriter.Result, seg: URL) {
        let c = cos(0.2), s = sin(0.2)
        let direction = Matrix3(columns: Vector3(c, s, 0), Vector3(-s, c, 0), Vector3(0, 0, 1))
        let geometry = try ImageGeometry(size: GridSize(10, 8, 6), origin: Vector3(-20, 10, -50), spacing: Vector3(0.7, 0.7, 2), direction: direction)
        let written = try CTSeriesWriter.write(Volume<Int16>(geometry: geometry, repeating: -800), to: folder.appendingPathComponent("ct"),
                                               identity: DICOMIdentity(patientName: "Report^Test", patientID: "SR-1"))
        let series = try SeriesScanner.scan(folder.appendingPathComponent("ct")).onlySeries(in: folder.path)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for j in 1..<4 { for i in 2..<6 { mask[i, j, 2] = 1; mask[i, j, 3] = 1 } }
        mask[9, 7, 5] = 2
        let seg = folder.appendingPathComponent("seg.dcm")
        try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "nodule 1"),
                                                                      SegmentDescription(label: 2, name: "mass 2")], to: seg)
        return (series, written, seg)
    }

    private let findings = [
        MeasurementReportFinding(trackingIdentifier: "nodule 1", kind: .nodule, site: .rightLung, centerLPS: Vector3(-17.25, 12.5, -45.0),
                                 longAxisMM: 4.7381, equivalentDiameterMM: 3.9123456789, volumeMM3: 31.36, malignancy: 0.8125, segmentNumber: 1),
        MeasurementReportFinding(trackingIdentifier: "mass 2", kind: .mass, site: nil, centerLPS: Vector3(-13.0, 16.0, -40.0),
                                 longAxisMM: 0, equivalentDiameterMM: 1.2, volumeMM3: 0.98, malignancy: nil, segmentNumber: 2),
    ]

    func testReportPassesDciodvfyAndHighdicomReadsBackEveryFinding() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let (series, written, segURL) = try makeSeriesAndSEG(folder)
        let srURL = folder.appendingPathComponent("sr.dcm")
        let sop = try MeasurementReportWriter.write(findings, source: series, segmentation: segURL, to: srURL)

        let report = try DICOMValidator.verify(srURL)
        XCTAssertEqual(report.iod, "Comprehensive3DSR", report.description)
        XCTAssertEqual(report.errors, [], "dciodvfy:\n\(report)")
        if !report.warnings.isEmpty { print("dciodvfy warnings for the SR:\n" + report.warnings.joined(separator: "\n")) }

        let sr = try DICOMFile.readDataset(at: srURL)
        let seg = try DICOMFile.readDataset(at: segURL)
        XCTAssertEqual(sr.string(.sopInstanceUID), sop)
        XCTAssertEqual(sr.string(.studyInstanceUID), series.studyInstanceUID, "the SR joins its source's study")
        XCTAssertEqual(sr.string(.patientName), "Report^Test")
        XCTAssertEqual(sr.string(.modality), "SR")

        let read = try PythonOracle.json("highdicom_read_sr.py", [srURL.path], as: HighdicomSR.self)
        XCTAssertEqual(read.sop_class, "1.2.840.10008.5.1.4.1.1.88.34")
        XCTAssertEqual(read.template, "1500")
        XCTAssertEqual(read.title, "126000")
        XCTAssertEqual(read.device_observer, [["NoduleKit", MeasurementReportWriter.deviceObserverUID]])
        XCTAssertEqual(read.image_library, written.sopInstanceUIDs)
        XCTAssertEqual(Set(read.evidence), Set(written.sopInstanceUIDs + [try XCTUnwrap(seg.string(.sopInstanceUID))]))
        XCTAssertEqual(read.groups.count, 2)
        for (group, finding) in zip(read.groups, findings) {
            XCTAssertEqual(group.tracking_identifier, finding.trackingIdentifier)
            XCTAssertEqual(group.tracking_uid, finding.trackingUID)
            XCTAssertEqual(group.finding, finding.kind == .nodule ? "27925004" : "4147007")
            XCTAssertEqual(group.finding_category, "49755003")
            XCTAssertEqual(group.segmentation, seg.string(.sopInstanceUID))
            XCTAssertEqual(group.segment_numbers, [finding.segmentNumber])
            XCTAssertEqual(group.source_series, series.seriesInstanceUID)
            XCTAssertEqual(group.measurements["103339001"], [.number(finding.longAxisMM), .text("mm"), .text("UCUM")])
            XCTAssertEqual(group.measurements["81827009"], [.number(finding.equivalentDiameterMM), .text("mm"), .text("UCUM")],
                           "the exact value (FloatingPointValue), not the 16-character decimal string")
            XCTAssertEqual(group.measurements["118565006"], [.number(finding.volumeMM3), .text("mm3"), .text("UCUM")])
            XCTAssertEqual(group.measurements["111047"], finding.malignancy.map { [.number($0), .text("1"), .text("UCUM")] })
            let c = finding.centerLPS
            XCTAssertEqual(group.center, [[.text("POINT"), .numbers([c.x, c.y, c.z]), .text(try XCTUnwrap(seg.string(.frameOfReferenceUID)))]])
        }
        XCTAssertEqual(read.groups[0].finding_sites, [["39607008", "24028007"]], "lung, right")
        XCTAssertEqual(read.groups[1].finding_sites, [], "no site when the lungs are unknown")
        XCTAssertEqual(read.groups[1].measurements.count, 3, "no malignancy without a classifier")
    }

    func testBadFindingsAreRefusedNamingTheProblemAndNothingIsWritten() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let (series, _, segURL) = try makeSeriesAndSEG(folder)
        let srURL = folder.appendingPathComponent("sr.dcm")
        func refusal(_ findings: [MeasurementReportFinding], segmentation: URL? = nil) -> String {
            do {
                try MeasurementReportWriter.write(findings, source: series, segmentation: segmentation ?? segURL, to: srURL)
                return "written"
            } catch { return "\(error)" }
        }
        var third = findings[0]
        third.segmentNumber = 3
        XCTAssertTrue(refusal([third]).contains("references segment 3; the SEG has segments [1, 2]"), refusal([third]))
        var risky = findings[0]
        risky.malignancy = 1.5
        XCTAssertTrue(refusal([risky]).contains("malignancy 1.5, outside [0, 1]"), refusal([risky]))
        var twice = findings[1]
        twice.segmentNumber = 1
        XCTAssertTrue(refusal([findings[0], twice]).contains("two findings reference the same segment"))
        XCTAssertTrue(refusal([]).contains("at least one finding"))
        let ct = series.files[0].url
        XCTAssertTrue(refusal(findings, segmentation: ct).contains("not a DICOM Segmentation"), refusal(findings, segmentation: ct))
        XCTAssertFalse(FileManager.default.fileExists(atPath: srURL.path))
    }

    /// A SEG of another study cannot be the one the report references.
    func testASegmentationOfAnotherStudyIsRefused() throws {
        let first = try makeSeriesAndSEG(try TestEnvironment.temporaryDirectory(self))
        let other = try makeSeriesAndSEG(try TestEnvironment.temporaryDirectory(self))
        let srURL = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("sr.dcm")
        XCTAssertThrowsError(try MeasurementReportWriter.write(findings, source: first.series, segmentation: other.seg, to: srURL)) { error in
            XCTAssertTrue("\(error)".contains("belongs to study"), "\(error)")
        }
    }

    /// Over the real CPTAC CT: the study's identity is copied, the 99 slices are the
    /// library, and the file still validates.
    func testReportOverTheRealCTPassesDciodvfyAndListsItsSlices() throws {
        let source = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let series = try SeriesScanner.scan(source).onlySeries(in: source.path)
        let geometry = try XCTUnwrap(series.stack?.geometry)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for j in 250..<260 { for i in 250..<255 { mask[i, j, 40] = 1 } }
        let folder = try TestEnvironment.temporaryDirectory(self)
        let segURL = folder.appendingPathComponent("seg.dcm"), srURL = folder.appendingPathComponent("sr.dcm")
        try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "nodule 1")], to: segURL)
        let centre = geometry.continuousIndexToWorld(Vector3(252, 254.5, 40))
        try MeasurementReportWriter.write([MeasurementReportFinding(trackingIdentifier: "nodule 1", kind: .nodule, site: .leftLung, centerLPS: centre,
                                                                    longAxisMM: 7, equivalentDiameterMM: 5, volumeMM3: 60, malignancy: 0.25,
                                                                    segmentNumber: 1)],
                                          source: series, segmentation: segURL, to: srURL)
        let report = try DICOMValidator.verify(srURL)
        XCTAssertEqual(report.errors, [], "dciodvfy:\n\(report)")
        let read = try PythonOracle.json("highdicom_read_sr.py", [srURL.path], as: HighdicomSR.self)
        XCTAssertEqual(read.image_library.count, 99)
        XCTAssertEqual(read.groups.first?.finding_sites, [["39607008", "7771000"]])
        let sr = try DICOMFile.readDataset(at: srURL), ct = series.files[0].dataset
        for tag in [DICOMTag.patientID, .patientName, .studyInstanceUID, .studyDate] {
            XCTAssertEqual(sr.string(tag), ct.string(tag), "\(tag)")
        }
    }
}
