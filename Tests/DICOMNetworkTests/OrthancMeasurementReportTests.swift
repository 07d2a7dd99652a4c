import DICOM
import DICOMNetwork
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// The round trip: a SEG and the measurement report SR referencing it go to a real
/// Orthanc with their source series, both land in the source study, come back by C-GET
/// byte-equal, and highdicom reads the returned SEG and SR, the SR's groups pointing at the
/// returned SEG's segments.
final class OrthancMeasurementReportTests: XCTestCase {
    struct Seg: Decodable {
        let segment_numbers: [Int]
        let segment_labels: [String]
    }

    func testSEGAndSRAreStoredInTheSourceStudyAndReadBackInHighdicom() throws {
        let sample = TestEnvironment.repositoryRoot.appendingPathComponent("SampleData/dicom")
        let series = try SeriesScanner.scan(sample).onlySeries(in: sample.path)
        let geometry = try XCTUnwrap(series.stack?.geometry)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for j in 40..<46 { for i in 50..<55 { mask[i, j, 20] = 1 } }
        for j in 10..<12 { for i in 10..<12 { mask[i, j, 30] = 2 } }
        let folder = try TestEnvironment.temporaryDirectory(self)
        let segURL = folder.appendingPathComponent("mask-seg.dcm"), srURL = folder.appendingPathComponent("findings-sr.dcm")
        let segSOP = try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "nodule 1"),
                                                                                   SegmentDescription(label: 2, name: "nodule 2")], to: segURL)
        let centres = [Vector3(52, 42.5, 20), Vector3(10.5, 10.5, 30)].map { geometry.continuousIndexToWorld($0) }
        let findings = [(1, 0.7, 30.0), (2, 0.1, 4.0)].map { n, malignancy, voxels in
            MeasurementReportFinding(trackingIdentifier: "nodule \(n)", kind: .nodule, site: .lung, centerLPS: centres[n - 1], longAxisMM: Double(n) * 3,
                                     equivalentDiameterMM: Double(n) * 2, volumeMM3: voxels, malignancy: malignancy, segmentNumber: n)
        }
        let srSOP = try MeasurementReportWriter.write(findings, source: series, segmentation: segURL, to: srURL)
        let sr = try DICOMFile.readDataset(at: srURL)
        let study = try XCTUnwrap(sr.string(.studyInstanceUID)), srSeries = try XCTUnwrap(sr.string(.seriesInstanceUID))
        let segSeries = try XCTUnwrap(try DICOMFile.readDataset(at: segURL).string(.seriesInstanceUID))

        let orthanc = try OrthancServer(self)
        let peer = DICOMPeer(host: "127.0.0.1", port: orthanc.dicomPort, calledAETitle: orthanc.aeTitle)
        let summary = try StoreSender.send(try StorePlan(paths: [sample, segURL, srURL]), to: peer)
        XCTAssertEqual(summary.sent.count, 50)
        XCTAssertTrue(summary.failed.isEmpty, "\(summary.failed)")
        let studies = try XCTUnwrap(try orthanc.rest("/studies?expand") as? [[String: Any]])
        XCTAssertEqual(studies.count, 1, "the SEG and the SR join their source study")
        XCTAssertEqual((studies.first?["Series"] as? [String])?.count, 3)
        let modalities = try XCTUnwrap(try orthanc.rest("/series?expand") as? [[String: Any]]).compactMap {
            ($0["MainDicomTags"] as? [String: Any])?["Modality"] as? String
        }
        XCTAssertEqual(modalities.sorted(), ["CT", "SEG", "SR"])

        let back = try TestEnvironment.temporaryDirectory(self)
        for seriesUID in [segSeries, srSeries] {
            var query = try DICOMQuery(level: .series)
            try query.set("StudyInstanceUID", study)
            try query.set("SeriesInstanceUID", seriesUID)
            XCTAssertEqual(try Retriever.get(query, from: peer, into: back).received, 1)
        }
        let returnedSR = back.appendingPathComponent("\(study)/\(srSeries)/\(srSOP).dcm")
        let returnedSEG = back.appendingPathComponent("\(study)/\(segSeries)/\(segSOP).dcm")
        XCTAssertEqual(try DICOMFile.readDataset(at: returnedSR), sr, "the SR comes back element for element")
        let report = try DICOMValidator.verify(returnedSR)
        XCTAssertEqual(report.errors, [], report.description)

        let seg = try PythonOracle.json("highdicom_read_seg.py", [returnedSEG.path], as: Seg.self)
        XCTAssertEqual(seg.segment_labels, ["nodule 1", "nodule 2"])
        let read = try PythonOracle.json("highdicom_read_sr.py", [returnedSR.path], as: HighdicomSR.self)
        XCTAssertEqual(read.image_library.count, 48)
        XCTAssertEqual(read.groups.map(\.tracking_identifier), ["nodule 1", "nodule 2"])
        XCTAssertEqual(read.groups.map(\.segmentation), [segSOP, segSOP])
        XCTAssertEqual(read.groups.map(\.segment_numbers), [[1], [2]])
        XCTAssertEqual(Set(read.groups.flatMap(\.segment_numbers)), Set(seg.segment_numbers), "every group names a segment the SEG has")
        XCTAssertEqual(read.groups.map(\.source_series), [series.seriesInstanceUID, series.seriesInstanceUID])
        XCTAssertEqual(read.groups.map { $0.measurements["111047"] }, [[.number(0.7), .text("1"), .text("UCUM")], [.number(0.1), .text("1"), .text("UCUM")]])
        XCTAssertEqual(read.groups.map { $0.measurements["118565006"]?.first }, [.number(30), .number(4)])
    }
}
