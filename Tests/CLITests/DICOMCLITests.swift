import Foundation
import XCTest
import ImagingCore
import ImageFormats
import Annotations
import TestSupport

/// `masks`, `convert` and `info` take DICOM wherever they take MetaImage.
final class DICOMCLITests: XCTestCase {
    let cptacUID = "1.3.6.1.4.1.14519.5.2.1.7085.2626.242193282649561899185427104083"

    func run(_ arguments: String...) throws -> CLITests.Run {
        try CLITests.runNodulekit(arguments)
    }

    func testMasksMatchesAnnotationsToADICOMSeriesBySeriesInstanceUID() throws {
        let series = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let folder = try TestEnvironment.temporaryDirectory(self)
        // Convert the series, to know its geometry independently of the masks job.
        let nii = folder.appendingPathComponent("ct.nii")
        XCTAssertEqual(try run("convert", series.path, nii.path).status, 0)
        let geometry = try ImageFile.readGeometry(nii)
        let centre = geometry.continuousIndexToWorld(Vector3(256, 256, 49))
        let csv = folder.appendingPathComponent("a.csv")
        try LUNA16CSV.writeAnnotations([NoduleAnnotation(seriesUID: cptacUID, center: centre, diameterMM: 12)], to: csv)
        let out = folder.appendingPathComponent("masks")
        let masks = try run("masks", "--annotations", csv.path, "--images", series.path, "--output", out.path, "--quiet")
        XCTAssertEqual(masks.status, 0, masks.stdout + masks.stderr)
        XCTAssertTrue(masks.stdout.contains("nodules: 1 inside"), masks.stdout)
        let mask = try ImageFile.read(out.appendingPathComponent("\(cptacUID)_mask.mhd"))
        XCTAssertEqual(mask.geometry.size, geometry.size)
        XCTAssertLessThan(length(mask.geometry.origin - geometry.origin), 1e-4)
        // A 12 mm sphere on 0.564 x 0.564 x 3 mm voxels: about 4/3·π·6³ / (0.564²·3) ≈ 947 voxels.
        let drawn = mask.doubleValues.filter { $0 != 0 }.count
        XCTAssertEqual(Double(drawn), 947, accuracy: 947 * 0.1)
    }

    func testConvertPicksTheOnlySeriesAndRefusesAnUnknownOne() throws {
        let series = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let out = folder.appendingPathComponent("ct.mha")
        let ok = try run("convert", series.path, out.path, "--series", cptacUID)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let image = try ImageFile.read(out)
        XCTAssertEqual(image.geometry.size, GridSize(512, 512, 99))
        XCTAssertEqual(image.voxelType, .int16)
        XCTAssertEqual(image.statistics.minimum, -1024)
        let wrong = try run("convert", series.path, out.path, "--series", "1.2.3")
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains(cptacUID), wrong.stderr)
    }

    func testSeveralSeriesWithoutAChoiceIsAnErrorListingThem() throws {
        let tree = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/dicomdirtests")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let result = try run("convert", tree.path, folder.appendingPathComponent("x.nii").path)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("pick one"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    func testInfoPrintsADICOMFilesElementsAndAFoldersSeries() throws {
        let series = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let file = try run("info", series.appendingPathComponent("000022.dcm").path)
        XCTAssertEqual(file.status, 0, file.stderr)
        XCTAssertTrue(file.stdout.contains("Modality                  CT"), file.stdout)
        XCTAssertTrue(file.stdout.contains("Rows                      512"), file.stdout)
        let folder = try run("info", series.path)
        XCTAssertTrue(folder.stdout.contains(cptacUID) && folder.stdout.contains("99"), folder.stdout)
    }

    func testADICOMPhantomGivesTheSameMasksAsItsMetaImageTwin() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        var masks: [AnyVolume] = []
        for format in ["mhd", "dicom"] {
            let scans = folder.appendingPathComponent(format)
            let made = try run("phantom", "--format", format, "--output", scans.path, "--size", "40,36,20",
                               "--spacing", "1.2,1.3,2.5", "--nodules", "2", "--seed", "9", "--quiet")
            XCTAssertEqual(made.status, 0, made.stderr)
            let out = folder.appendingPathComponent("\(format)-masks")
            let result = try run("masks", "--annotations", scans.appendingPathComponent("annotations.csv").path,
                                 "--images", scans.path, "--output", out.path, "--quiet")
            XCTAssertTrue(result.stdout.contains("nodules: 2 inside"), result.stdout + result.stderr)
            let mask = try XCTUnwrap(try FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil)
                .first { $0.lastPathComponent.hasSuffix("_mask.mhd") })
            masks.append(try ImageFile.read(mask))
        }
        XCTAssertEqual(masks[0].doubleValues, masks[1].doubleValues)
        XCTAssertGreaterThan(masks[1].doubleValues.filter { $0 != 0 }.count, 10)
        XCTAssertLessThan(length(masks[0].geometry.origin - masks[1].geometry.origin), 1e-4)
        XCTAssertLessThan(masks[0].geometry.direction.maxAbsDifference(masks[1].geometry.direction), 1e-6)
    }

    /// `phantom --format dicom` writes CT series that dciodvfy (dicom3tools) finds no error in.
    func testPhantomDICOMSeriesPassesDciodvfy() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let made = try run("phantom", "--format", "dicom", "--output", folder.path, "--size", "24,20,8", "--nodules", "1", "--quiet")
        XCTAssertEqual(made.status, 0, made.stderr)
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".dcm") }
        XCTAssertEqual(files.count, 8)
        for f in files.sorted() {
            let report = try DICOMValidator.verify(folder.appendingPathComponent(f))
            XCTAssertEqual(report.iod, "CTImage", report.description)
            XCTAssertEqual(report.errors, [], "\(f):\n\(report)")
        }
    }
}
