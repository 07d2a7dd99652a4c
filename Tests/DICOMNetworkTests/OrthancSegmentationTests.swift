import DICOM
import DICOMNetwork
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// The SEG NoduleKit writes goes to a real Orthanc with its source series, lands in the
/// source study, comes back by C-GET unchanged, and highdicom reads it there.
final class OrthancSegmentationTests: XCTestCase {
    struct Seg: Decodable {
        let segment_labels: [String]
        let source_series: [String]
        let source_instances: [String]
        let frame_sums: [String: Int]
    }

    func testSEGIsStoredUnderItsSourceStudyAndReadsBackInHighdicom() throws {
        let sample = TestEnvironment.repositoryRoot.appendingPathComponent("SampleData/dicom")
        let series = try SeriesScanner.scan(sample).onlySeries(in: sample.path)
        let geometry = try XCTUnwrap(series.stack?.geometry)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for j in 40..<46 { for i in 50..<55 { mask[i, j, 20] = 1; mask[i, j, 21] = 1 } }   // 30 voxels on each of k = 20, 21
        let folder = try TestEnvironment.temporaryDirectory(self)
        let segURL = folder.appendingPathComponent("seg.dcm")
        let segSOP = try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "nodule 1")], to: segURL)
        let seg = try DICOMFile(contentsOf: segURL).dataset
        let study = try XCTUnwrap(seg.string(.studyInstanceUID)), segSeries = try XCTUnwrap(seg.string(.seriesInstanceUID))

        let orthanc = try OrthancServer(self)
        let peer = DICOMPeer(host: "127.0.0.1", port: orthanc.dicomPort, calledAETitle: orthanc.aeTitle)
        let summary = try StoreSender.send(try StorePlan(paths: [sample, segURL]), to: peer, associations: 2)
        XCTAssertEqual(summary.sent.count, 49)
        XCTAssertTrue(summary.failed.isEmpty)
        let studies = try XCTUnwrap(try orthanc.rest("/studies?expand") as? [[String: Any]])
        XCTAssertEqual(studies.count, 1, "the SEG joins its source study")
        XCTAssertEqual((studies.first?["Series"] as? [String])?.count, 2)
        XCTAssertEqual(((studies.first?["MainDicomTags"] as? [String: Any])?["StudyInstanceUID"] as? String), study)

        var query = try DICOMQuery(level: .series)
        try query.set("StudyInstanceUID", study)
        try query.set("SeriesInstanceUID", segSeries)
        let back = try TestEnvironment.temporaryDirectory(self)
        XCTAssertEqual(try Retriever.get(query, from: peer, into: back).received, 1)
        let returned = back.appendingPathComponent("\(study)/\(segSeries)/\(segSOP).dcm")
        XCTAssertEqual(try DICOMFile(contentsOf: returned).value(of: .pixelData), try DICOMFile(contentsOf: segURL).value(of: .pixelData))
        let report = try DICOMValidator.verify(returned)
        XCTAssertEqual(report.errors, [], report.description)
        let read = try PythonOracle.json("highdicom_read_seg.py", [returned.path], as: Seg.self)
        XCTAssertEqual(read.segment_labels, ["nodule 1"])
        XCTAssertEqual(read.source_series, [series.seriesInstanceUID])
        XCTAssertEqual(read.source_instances.count, 48)
        XCTAssertEqual(read.frame_sums.values.sorted(), [30, 30])
    }
}
