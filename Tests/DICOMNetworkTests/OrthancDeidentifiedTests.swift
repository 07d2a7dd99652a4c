import DICOM
import DICOMNetwork
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// De-identified output is still usable DICOM: the CPTAC CT (real patient identity), a SEG
/// and a TID 1500 SR written over it by the toolkit are de-identified together; highdicom
/// reads the de-identified SEG and SR with every reference resolving to the de-identified
/// CT (and SEG); a real Orthanc stores all 101 files, gives them back by C-GET element for
/// element with pixel data byte-equal, and no original UID or patient identifier comes back.
final class OrthancDeidentifiedTests: XCTestCase {
    struct Seg: Decodable {
        let segment_labels: [String]
        let source_series: [String]
        let source_instances: [String]
        let frame_sums: [String: Int]
    }

    func testDeidentifiedSEGAndSRReadInHighdicomAndRoundTripThroughOrthanc() throws {
        let source = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let series = try SeriesScanner.scan(source).onlySeries(in: source.path)
        let geometry = try XCTUnwrap(series.stack?.geometry)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for j in 250..<260 { for i in 250..<255 { mask[i, j, 40] = 1 } }   // 50 voxels on k = 40
        let folder = try TestEnvironment.temporaryDirectory(self)
        let findings = folder.appendingPathComponent("findings")
        try FileManager.default.createDirectory(at: findings, withIntermediateDirectories: true)
        let segURL = findings.appendingPathComponent("seg.dcm"), srURL = findings.appendingPathComponent("sr.dcm")
        let segSOP = try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "nodule 1")], to: segURL)
        let center = geometry.continuousIndexToWorld(Vector3(252, 255, 40))
        try MeasurementReportWriter.write([MeasurementReportFinding(trackingIdentifier: "nodule 1", kind: .nodule, site: .rightLung, centerLPS: center,
                                                                    longAxisMM: 7, equivalentDiameterMM: 5, volumeMM3: 50, malignancy: 0.7, segmentNumber: 1)],
                                          source: series, segmentation: segURL, to: srURL)

        let deid = Deidentifier(secret: "orthanc-round-trip")
        let out = folder.appendingPathComponent("deidentified")
        let ct = try deid.deidentify(from: source, to: out), derived = try deid.deidentify(from: findings, to: out)
        XCTAssertEqual(ct.failed.map(\.error), []); XCTAssertEqual(derived.failed.map(\.error), [])
        XCTAssertEqual(ct.written.count, 99); XCTAssertEqual(derived.written.count, 2)
        let outputs = ct.written + derived.written
        let deidSeries = deid.replacementUID(for: series.seriesInstanceUID)
        let deidCT = Set(try ct.written.map { try XCTUnwrap(DICOMFile.readDataset(at: $0.output).string(.sopInstanceUID)) })
        XCTAssertEqual(deidCT.count, 99)
        func output(_ input: URL) throws -> URL { try XCTUnwrap(derived.written.first { $0.input == input }?.output) }

        // (a) highdicom on the de-identified SEG and SR.
        let seg = try PythonOracle.json("highdicom_read_seg.py", [try output(segURL).path], as: Seg.self)
        XCTAssertEqual(seg.segment_labels, ["nodule 1"])
        XCTAssertEqual(seg.source_series, [deidSeries], "the SEG's source is the de-identified CT series")
        XCTAssertEqual(Set(seg.source_instances), deidCT, "every SEG source reference is a de-identified CT instance")
        XCTAssertEqual(seg.frame_sums.values.sorted(), [50], "the segment's voxels sit on a de-identified CT slice")
        XCTAssertTrue(seg.frame_sums.keys.allSatisfy { deidCT.contains(String($0.split(separator: "/")[0])) })
        let sr = try PythonOracle.json("highdicom_read_sr.py", [try output(srURL).path], as: HighdicomSR.self)
        XCTAssertEqual(Set(sr.image_library), deidCT, "the SR's image library lists the de-identified CT")
        XCTAssertEqual(sr.groups.map(\.tracking_identifier), ["nodule 1"])
        XCTAssertEqual(sr.groups.map(\.segmentation), [deid.replacementUID(for: segSOP)], "the SR points at the de-identified SEG")
        XCTAssertEqual(sr.groups.map(\.segment_numbers), [[1]])
        XCTAssertEqual(sr.groups.map(\.source_series), [deidSeries])

        // (b) Orthanc: store the de-identified files, C-GET the study back.
        let orthanc = try OrthancServer(self)
        let peer = DICOMPeer(host: "127.0.0.1", port: orthanc.dicomPort, calledAETitle: orthanc.aeTitle)
        let sent = try StoreSender.send(try StorePlan(paths: [out]), to: peer, associations: 2)
        XCTAssertEqual(sent.sent.count, 101); XCTAssertEqual(sent.failed.count, 0, "\(sent.failed)")
        let studies = try XCTUnwrap(try orthanc.rest("/studies?expand") as? [[String: Any]])
        let study = deid.replacementUID(for: series.studyInstanceUID)
        XCTAssertEqual(studies.count, 1, "the de-identified SEG and SR join the de-identified CT's study")
        XCTAssertEqual((studies.first?["MainDicomTags"] as? [String: Any])?["StudyInstanceUID"] as? String, study)
        XCTAssertEqual((studies.first?["Series"] as? [String])?.count, 3)
        let patient = studies.first?["PatientMainDicomTags"] as? [String: Any]
        XCTAssertEqual(patient?["PatientID"] as? String ?? "", "", "Orthanc holds no patient ID")
        XCTAssertEqual(patient?["PatientName"] as? String ?? "", "")

        let back = try TestEnvironment.temporaryDirectory(self)
        var key = try DICOMQuery(level: .study)
        try key.set("StudyInstanceUID", study)
        let got = try Retriever.get(key, from: peer, into: back)
        XCTAssertEqual(got.received, 101); XCTAssertEqual(got.failed, 0)

        let original = try identifiers(of: outputs.map(\.input))
        XCTAssertGreaterThanOrEqual(original.count, 107, "UIDs of 101 instances, 3 series, the study and frame of reference, the patient")
        for outcome in outputs {
            let relative = String(outcome.output.path.dropFirst(out.path.count + 1))
            let returned = back.appendingPathComponent(relative)
            let a = try DICOMFile(contentsOf: outcome.output), b = try DICOMFile(contentsOf: returned)
            XCTAssertEqual(b.transferSyntaxUID, a.transferSyntaxUID, relative)
            XCTAssertEqual(b.dataset, a.dataset, "\(relative) comes back element for element")
            if a.dataset.contains(.pixelData) { XCTAssertEqual(try b.value(of: .pixelData), try a.value(of: .pixelData), relative) }
            let leaked = try identifiers(of: [returned]).intersection(original)
            XCTAssertEqual(leaked, [], "\(relative) carries original identifiers")
            let bytes = try Data(contentsOf: returned)
            XCTAssertNil(bytes.range(of: Data("C3N-00247".utf8)), "\(relative) holds the patient's name or ID")
        }
        let seriesBack = try FileManager.default.contentsOfDirectory(atPath: back.appendingPathComponent(study).path)
        XCTAssertEqual(Set(seriesBack), Set(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(study).path)))
    }

    /// Every instance UID (anything but a class, a coding scheme or a context: the CT
    /// references a Siemens private SOP class, 1.3.12.2.1107.5.9.1, which identifies no
    /// one and stays), patient ID, name and accession number anywhere in the files.
    private func identifiers(of files: [URL]) throws -> Set<String> {
        let classes: Set<DICOMTag> = [DICOMTag(0x0008, 0x0016), DICOMTag(0x0008, 0x1150), DICOMTag(0x0008, 0x010C), DICOMTag(0x0008, 0x0117)]
        var found: Set<String> = []
        func walk(_ dataset: DICOMDataset) {
            for e in dataset.elements where !classes.contains(e.tag) {
                if case .sequence(let items) = e.value { items.forEach(walk); continue }
                let identifying = [DICOMTag(0x0010, 0x0010), DICOMTag(0x0010, 0x0020), DICOMTag(0x0008, 0x0050)].contains(e.tag)
                guard e.vr == "UI" || identifying else { continue }
                for s in e.strings where !s.isEmpty && !s.hasPrefix("1.2.840.10008.") { found.insert(s) }
            }
        }
        for url in files { walk(try DICOMFile.readDataset(at: url)) }
        return found
    }
}
