import Foundation
import XCTest
import ImagingCore
import ImageFormats
import Annotations
import TestSupport

/// `screen --send-to` end to end on the real CPTAC chest CT: the cascade's models (as
/// ScreenRealCTTests finds them), the whole scan searched so that there are findings; the
/// SEG and the SR it writes pass dciodvfy, highdicom reads in the SR what findings.csv
/// says, and both arrive in a real Orthanc under the CT's study.
extension ScreenRealCTTests {
    func testScreenWritesTheSEGAndTheMeasurementReportAndSendsBothToOrthanc() throws {
        let series = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let models = try cascadeModels()
        let orthanc = try OrthancServer(self)
        let out = try TestEnvironment.temporaryDirectory(self)
        let run = try LungsCLITests.runRelease(["screen", series.path, "--segmenter", models.segmenter.path, "--classifier", models.classifier.path,
                                                "--no-lung-mask", "--output", out.path, "--quiet",
                                                "--send-to", "127.0.0.1:\(orthanc.dicomPort):\(orthanc.aeTitle)"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("sent mask-seg.dcm and findings-sr.dcm to 127.0.0.1:"), run.stdout)
        let seg = out.appendingPathComponent("mask-seg.dcm"), sr = out.appendingPathComponent("findings-sr.dcm")
        for file in [seg, sr] {
            let report = try DICOMValidator.verify(file)
            XCTAssertEqual(report.errors, [], "dciodvfy \(file.lastPathComponent):\n\(report)")
        }

        let findings = try CSVTable(contentsOf: out.appendingPathComponent("findings.csv"))
        XCTAssertFalse(findings.rows.isEmpty, "the unmasked screen of this scan has findings")
        let read = try PythonOracle.json("highdicom_read_sr.py", [sr.path], as: HighdicomSR.self)
        XCTAssertEqual(read.image_library.count, 99)
        XCTAssertEqual(read.groups.count, findings.rows.count)
        let columns = try ["coordX", "coordY", "coordZ", "diameter_mm", "volume_mm3", "malignancy", "kind", "seriesuid"].map { try findings.column($0) }
        for (n, (row, group)) in zip(findings.rows, read.groups).enumerated() {
            let kind = row.fields[columns[6]]
            XCTAssertEqual(group.tracking_identifier, "\(kind) \(n + 1)")
            XCTAssertEqual(group.finding, kind == "mass" ? "4147007" : "27925004")
            XCTAssertEqual(group.segment_numbers, [n + 1])
            XCTAssertEqual(group.source_series, row.fields[columns[7]])
            XCTAssertEqual(try XCTUnwrap(group.measurements["81827009"]?.first?.number), try findings.double(row, columns[3]), accuracy: 1e-9)
            XCTAssertEqual(try XCTUnwrap(group.measurements["118565006"]?.first?.number), try findings.double(row, columns[4]), accuracy: 1e-6)
            if row.fields[columns[5]].isEmpty {
                XCTAssertNil(group.measurements["111047"], "no malignancy in findings.csv, none in the SR")
            } else {
                XCTAssertEqual(try XCTUnwrap(group.measurements["111047"]?.first?.number), try findings.double(row, columns[5]), accuracy: 1e-9)
            }
            let longAxis = try XCTUnwrap(group.measurements["103339001"]?.first?.number)
            XCTAssertGreaterThanOrEqual(longAxis, try findings.double(row, columns[3]) * 0.5, "the long axis is at least half the equivalent diameter")
            let centre = try XCTUnwrap(group.center.first?[1].numbers)
            for (axis, value) in centre.enumerated() {
                XCTAssertEqual(value, try findings.double(row, columns[axis]), accuracy: 1e-3, "centre \(axis) of finding \(n + 1)")
            }
        }

        let study = try XCTUnwrap(try orthanc.rest("/studies?expand") as? [[String: Any]])
        XCTAssertEqual(study.count, 1)
        let modalities = try XCTUnwrap(try orthanc.rest("/series?expand") as? [[String: Any]]).compactMap {
            ($0["MainDicomTags"] as? [String: Any])?["Modality"] as? String
        }
        XCTAssertEqual(modalities.sorted(), ["SEG", "SR"], "both were stored, in the CT's study (the CT itself was not sent)")
    }
}
