import Foundation
import XCTest
import ImagingCore
import ImageFormats
import Annotations
import TestSupport

/// `nodulekit masks --lidc` on the two real LIDC-IDRI slabs of `shared/testdata/lidc`:
/// DICOM slices and their scans' original XML in one folder, ROIs off the slab counted.
final class LIDCMasksCLITests: XCTestCase {
    static let uid3 = "1.3.6.1.4.1.14519.5.2.1.6279.6001.170706757615202213033480003264"
    static let uid2 = "1.3.6.1.4.1.14519.5.2.1.6279.6001.619372068417051974713149104919"

    func run(_ arguments: String...) throws -> CLITests.Run { try CLITests.runNodulekit(arguments) }

    func row(_ table: CSVTable, _ column: String, _ n: Int = 0) throws -> String {
        table.rows[n].fields[try table.column(column)]
    }

    func testConsensusMaskLandsOnTheSlicesTheReadersDrewOnInTheRealDICOMSlab() throws {
        let slab = try TestEnvironment.sharedFile("lidc/lidc-idri-0003-subset")
        let out = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("masks")
        let result = try run("masks", "--lidc", slab.path, "--images", slab.path, "--output", out.path, "--quiet")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("nodules: 1; ROIs: 31 on the scans' slices, 45 off them"), result.stdout)

        let mask = try ImageFile.read(out.appendingPathComponent("\(Self.uid3)_mask.mhd"))
        XCTAssertEqual(mask.geometry.size, GridSize(512, 512, 11))
        XCTAssertEqual(mask.geometry.spacing.x, 0.820312, accuracy: 1e-6)
        let values = mask.doubleValues
        XCTAssertEqual(values.filter { $0 == 1 }.count, 3241, "the same 50 % consensus as on a grid built from z alone")
        XCTAssertEqual(Set(values), [0, 1])
        // Every slice holding the nodule is one a reader drew this nodule on, by the
        // slice's own z from the DICOM geometry.
        let plane = 512 * 512
        let drawn = (0..<11).filter { k in values[(k * plane)..<((k + 1) * plane)].contains(1) }
        XCTAssertEqual(drawn, Array(2...8))
        let message = try LidcXMLReader.read(try TestEnvironment.sharedFile(LIDCXMLReaderTestsPaths.xml3))
        let roiZ = Set(message.contouredReadings.flatMap(\.rois).map(\.imageZposition))
        for k in drawn {
            let z = mask.geometry.continuousIndexToWorld(Vector3(0, 0, Double(k))).z
            XCTAssertTrue(roiZ.contains { abs($0 - z) < 1e-3 }, "slice \(k) at z \(z) has no ROI")
        }
        XCTAssertEqual(mask.geometry.continuousIndexToWorld(Vector3(0, 0, 2)).z, -199, accuracy: 1e-3)

        let nodules = try CSVTable(contentsOf: out.appendingPathComponent("nodules.csv"))
        XCTAssertEqual(nodules.rows.count, 1)
        XCTAssertEqual(try row(nodules, "reader_ids"), "1;2;3;4")
        XCTAssertEqual(try row(nodules, "malignancy_label"), "malignant")
        XCTAssertEqual(try row(nodules, "mask_voxels"), "3241")
        XCTAssertEqual(try row(nodules, "rois"), "31")
        XCTAssertEqual(Double(try row(nodules, "diameter_mm")) ?? 0, 21.837, accuracy: 1e-3)
        // The centre is the consensus voxels' centroid, in LPS mm through the scan's geometry.
        var sum = Vector3.zero, count = 0.0
        for (n, v) in values.enumerated() where v == 1 {
            sum += Vector3(Double(n % 512), Double((n / 512) % 512), Double(n / plane))
            count += 1
        }
        let centroid = sum / count
        let world = mask.geometry.continuousIndexToWorld(centroid)
        for (column, expected) in [("index_i", centroid.x), ("index_j", centroid.y), ("index_k", centroid.z),
                                   ("coordX", world.x), ("coordY", world.y), ("coordZ", world.z)] {
            XCTAssertEqual(Double(try row(nodules, column)) ?? .nan, expected, accuracy: 1e-4, column)
        }
        let slices = try CSVTable(contentsOf: out.appendingPathComponent("slices.csv"))
        XCTAssertEqual(slices.rows.map(\.fields), [[Self.uid3, "1", "1", "2", "8", "0", "10"]])

        let again = try run("masks", "--lidc", slab.path, "--images", slab.path, "--output", out.path, "--quiet")
        XCTAssertTrue(again.stdout.contains("1 already done"), again.stdout)
    }

    func testMetaImageScansAndOneReadersMarksToo() throws {
        let slab = try TestEnvironment.sharedFile("lidc/lidc-idri-0003-subset")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        XCTAssertEqual(try run("convert", slab.path, images.appendingPathComponent("\(Self.uid3).mha").path).status, 0)
        let out = folder.appendingPathComponent("masks")
        let result = try run("masks", "--lidc", slab.path, "--images", images.path, "--output", out.path, "--reader", "3", "--quiet")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let nodules = try CSVTable(contentsOf: out.appendingPathComponent("nodules.csv"))
        XCTAssertEqual(nodules.rows.count, 1)
        XCTAssertEqual(try row(nodules, "readers"), "1")
        XCTAssertEqual(try row(nodules, "reader_ids"), "3")
        // Matched by z alone here (a MetaImage has no SOP UIDs): still the 7 of 31 ROIs reader 3 drew on the slab (7, 7, 7, 10 by reader).
        XCTAssertEqual(try row(nodules, "rois"), "7")
    }

    func testDICOMSlicesAreFoundBySOPInstanceUIDWhereTheZIsOff() throws {
        // The slab with an XML whose every imageZposition is 1 mm off (between slices):
        // the DICOM scan still places all 31 ROIs by their SOP UIDs; a MetaImage copy,
        // which has no UIDs, names the file and the first ROI it cannot place.
        let slab = try TestEnvironment.sharedFile("lidc/lidc-idri-0003-subset")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let dicom = folder.appendingPathComponent("dicom"), xml = folder.appendingPathComponent("xml")
        for f in [dicom, xml] { try FileManager.default.createDirectory(at: f, withIntermediateDirectories: true) }
        let files = try XCTUnwrap(FileManager.default.enumerator(at: slab, includingPropertiesForKeys: nil)?.allObjects as? [URL])
        for f in files where f.pathExtension == "dcm" { try FileManager.default.copyItem(at: f, to: dicom.appendingPathComponent(f.lastPathComponent)) }
        let text = try String(contentsOf: try TestEnvironment.sharedFile(LIDCXMLReaderTestsPaths.xml3), encoding: .utf8)
        let shifted = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let open = line.range(of: "<imageZposition>"), let close = line.range(of: "</imageZposition>"),
                  let z = Double(line[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)) else { return String(line) }
            return line[..<open.upperBound] + "\(z + 1)" + line[close.lowerBound...]
        }.joined(separator: "\n")
        let xmlFile = xml.appendingPathComponent("072-shifted.xml")
        try shifted.write(to: xmlFile, atomically: true, encoding: .utf8)
        let byUID = try run("masks", "--lidc", xml.path, "--images", dicom.path, "--output", folder.appendingPathComponent("a").path, "--quiet")
        XCTAssertEqual(byUID.status, 0, byUID.stdout + byUID.stderr)
        XCTAssertTrue(byUID.stdout.contains("ROIs: 31 on the scans' slices, 45 off them"), byUID.stdout)
        let mha = folder.appendingPathComponent("mha")
        try FileManager.default.createDirectory(at: mha, withIntermediateDirectories: true)
        XCTAssertEqual(try run("convert", dicom.path, mha.appendingPathComponent("\(Self.uid3).mha").path).status, 0)
        let byZ = try run("masks", "--lidc", xml.path, "--images", mha.path, "--output", folder.appendingPathComponent("b").path, "--quiet")
        XCTAssertNotEqual(byZ.status, 0)
        XCTAssertTrue(byZ.stdout.contains("\(xmlFile.path): line 33: ROI at imageZposition -198.0 matches no slice"), byZ.stdout)
    }

    func testAReadingMostlyOffTheSlabIsClippedNotAnError() throws {
        let slab = try TestEnvironment.sharedFile("lidc/lidc-idri-0002-subset")
        let out = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("masks")
        let result = try run("masks", "--lidc", slab.path, "--images", slab.path, "--output", out.path, "--quiet")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("nodules: 1; ROIs: 14 on the scans' slices, 39 off them; 26 marks of nodules < 3 mm"), result.stdout)
        let nodules = try CSVTable(contentsOf: out.appendingPathComponent("nodules.csv"))
        XCTAssertEqual(try row(nodules, "seriesuid"), Self.uid2)
        XCTAssertEqual(try row(nodules, "reader_ids"), "3;4")
        XCTAssertEqual(try row(nodules, "status"), "clipped")
        XCTAssertEqual(try row(nodules, "rois_off_grid"), "39")
    }

    func testTwoShardsMergeToTheUnshardedReports() throws {
        let both = try TestEnvironment.sharedFile("lidc")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let whole = folder.appendingPathComponent("whole"), sharded = folder.appendingPathComponent("sharded")
        let all = try run("masks", "--lidc", both.path, "--images", both.path, "--output", whole.path, "--quiet")
        XCTAssertTrue(all.stdout.contains("scans: 2 (2 written"), all.stdout)
        for i in 0..<2 {
            let r = try run("masks", "--lidc", both.path, "--images", both.path, "--output", sharded.path, "--shard", "\(i)/2", "--quiet")
            XCTAssertTrue(r.stdout.contains("scans: 1 (1 written"), r.stdout)
        }
        XCTAssertEqual(try run("merge-reports", sharded.path).status, 0)
        for name in ["nodules.csv", "slices.csv"] {
            let a = try String(contentsOf: whole.appendingPathComponent(name), encoding: .utf8)
            XCTAssertEqual(try String(contentsOf: sharded.appendingPathComponent(name), encoding: .utf8), a)
            XCTAssertEqual(a.split(separator: "\n").count, 3, name)
        }
    }

    func testABrokenXMLFileIsListedAndTheExitStatusIsNonZero() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let bad = folder.appendingPathComponent("bad.xml")
        try Data("<LidcReadMessage><ResponseHeader>".utf8).write(to: bad)
        let slab = try TestEnvironment.sharedFile("lidc/lidc-idri-0003-subset")
        let result = try run("masks", "--lidc", folder.path, "--images", slab.path, "--output", folder.appendingPathComponent("o").path, "--quiet")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("failed: \(bad.path): \(bad.path): line 1: malformed XML"), result.stdout)
        let both = try run("masks", "--lidc", folder.path, "--annotations", bad.path, "--images", slab.path, "--output", folder.path)
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("exactly one of --annotations and --lidc"), both.stderr)
    }
}

/// The real XML paths, shared with the Annotations tests' names.
enum LIDCXMLReaderTestsPaths {
    static let xml3 = "lidc/lidc-idri-0003-subset/LIDC-IDRI-0003/1.3.6.1.4.1.14519.5.2.1.6279.6001.101370605276577556143013894866/1.3.6.1.4.1.14519.5.2.1.6279.6001.170706757615202213033480003264/072.xml"
}
