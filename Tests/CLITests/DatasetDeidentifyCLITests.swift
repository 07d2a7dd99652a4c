import Annotations
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// `dataset segmentation --deidentify`: a phantom written both as MetaImage and as DICOM;
/// the DICOM goes through `nodulekit deidentify`, the MetaImage through the dataset builder
/// with and without the flag under the same secret. The de-identified dataset names its
/// scans by exactly the series UIDs of the de-identified DICOM, its arrays are the plain
/// build's byte for byte, and no original series UID is left in any name or file.
final class DatasetDeidentifyCLITests: XCTestCase {
    func testDeidentifiedSegmentationSetIsThePlainSetUnderTheDICOMExportsUIDs() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let mhd = folder.appendingPathComponent("mhd"), dicom = folder.appendingPathComponent("dicom")
        let phantom = ["--count", "3", "--size", "64,64,24", "--spacing", "1.5,1.5,5", "--nodules", "2", "--seed", "7", "--quiet"]
        for (out, format) in [(mhd, "mhd"), (dicom, "dicom")] {
            let run = try CLITests.runNodulekit(["phantom", "--output", out.path, "--format", format] + phantom)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        let secret = "dataset-and-export"
        let export = folder.appendingPathComponent("export")
        let deid = try CLITests.runNodulekit(["deidentify", dicom.path, export.path, "--secret", secret])
        XCTAssertEqual(deid.status, 0, deid.stderr)

        let plain = folder.appendingPathComponent("plain"), anonymous = folder.appendingPathComponent("anonymous")
        let build = ["dataset", "segmentation", "--annotations", mhd.appendingPathComponent("annotations.csv").path, "--images", mhd.path,
                     "--size", "32", "--margin", "1", "--background-slices", "1", "--quiet"]
        XCTAssertEqual(try CLITests.runNodulekit(build + ["--output", plain.path]).status, 0)
        let run = try CLITests.runNodulekit(build + ["--output", anonymous.path, "--deidentify", "--secret", secret])
        XCTAssertEqual(run.status, 0, run.stderr)

        let annotations = try CSVTable(contentsOf: mhd.appendingPathComponent("annotations.csv"))
        let uidColumn = try annotations.column("seriesuid")
        let originals = Set(annotations.rows.map { $0.fields[uidColumn] })
        XCTAssertEqual(originals.count, 3)
        let pseudonyms = KeyedPseudonyms(secret: secret)
        let mapping = Dictionary(uniqueKeysWithValues: originals.map { ($0, pseudonyms.replacementUID(for: $0)) })
        // The export's folders are <StudyUID>/<SeriesUID>/: its series are the dataset's scans.
        let exportedSeries = Set(FileTree.files(under: export).map { $0.deletingLastPathComponent().lastPathComponent })
        XCTAssertEqual(exportedSeries, Set(mapping.values), "the dataset and the DICOM export name each series alike")
        let scanNames = Set(try FileManager.default.contentsOfDirectory(atPath: anonymous.appendingPathComponent("scans").path)
            .map { $0.split(separator: ".").dropLast(2).joined(separator: ".") })
        XCTAssertEqual(scanNames, Set(mapping.values))

        // Every array is the plain build's, byte for byte, under its new name.
        let plainArrays = FileTree.files(under: plain).filter { $0.pathExtension == "npy" }
        XCTAssertEqual(plainArrays.count, 9, "images, masks and lungs of 3 scans")
        for url in plainArrays {
            var name = url.lastPathComponent
            for (uid, pseudonym) in mapping { name = name.replacingOccurrences(of: uid, with: pseudonym) }
            let twin = anonymous.appendingPathComponent("scans").appendingPathComponent(name)
            XCTAssertEqual(try Data(contentsOf: twin), try Data(contentsOf: url), name)
        }
        // The tables are the plain build's with each UID replaced.
        var manifest = try String(contentsOf: plain.appendingPathComponent("manifest.csv"), encoding: .utf8)
        var splits = try String(contentsOf: plain.appendingPathComponent("splits.csv"), encoding: .utf8)
        XCTAssertTrue(originals.allSatisfy(manifest.contains), "the plain build names the original UIDs (the check below can fail)")
        for (uid, pseudonym) in mapping {
            manifest = manifest.replacingOccurrences(of: uid, with: pseudonym)
            splits = splits.replacingOccurrences(of: uid, with: pseudonym)
        }
        XCTAssertEqual(try String(contentsOf: anonymous.appendingPathComponent("manifest.csv"), encoding: .utf8), manifest)
        XCTAssertEqual(Set(try String(contentsOf: anonymous.appendingPathComponent("splits.csv"), encoding: .utf8).split(separator: "\n")),
                       Set(splits.split(separator: "\n")))

        // No original UID in any name or any file of the tree (resume records included).
        XCTAssertGreaterThan(try FileTree.assertNone(of: Array(originals), under: anonymous), 12)
        let again = try CLITests.runNodulekit(build + ["--output", anonymous.path, "--deidentify", "--secret", secret])
        XCTAssertTrue(again.stdout.contains("scans: 3 (0 written, 3 already done, 0 failed)"), again.stdout)
    }

    func testDeidentifyNeedsASecretAndSecretNeedsDeidentify() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let base = ["dataset", "segmentation", "--annotations", folder.appendingPathComponent("a.csv").path, "--images", folder.path,
                    "--output", folder.appendingPathComponent("o").path]
        let lone = try CLITests.runNodulekit(base + ["--secret", "s"])
        XCTAssertNotEqual(lone.status, 0)
        XCTAssertTrue(lone.stderr.contains("--secret needs --deidentify"), lone.stderr)
    }
}
