import Foundation
import XCTest
import ImagingCore
import ImageFormats
import TestSupport

/// `nodulekit lungs` on the real CPTAC-LSCC chest CT (99 slices of 512², 0.564 mm pixels,
/// 3 mm slices), checked where a reader would check it. The places were picked by eye on
/// the command's own overlays (`--overlays`): grid indices (i, j, k) of the series as the
/// toolkit loads it, k = 0 the lowest slice.
final class LungsCLITests: XCTestCase {
    /// The release build (`make test` builds it first): the debug build takes over a minute
    /// on this scan.
    static var releaseBinary: URL { TestEnvironment.repositoryRoot.appendingPathComponent(".build/release/nodulekit") }

    func runRelease(_ arguments: [String]) throws -> CLITests.Run {
        try Self.runRelease(arguments)
    }

    /// Runs the release binary with `arguments`; skips when it is not built (fails under CI).
    static func runRelease(_ arguments: [String]) throws -> CLITests.Run {
        guard FileManager.default.isExecutableFile(atPath: Self.releaseBinary.path) else {
            let message = "the release nodulekit is not built at \(Self.releaseBinary.path); run `make release`"
            if TestEnvironment.isCI { XCTFail(message) }
            throw XCTSkip(message)
        }
        let p = Process()
        p.executableURL = Self.releaseBinary
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLITests.Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func testTheLungMaskOfTheRealChestCTIsWhatAReaderWouldDraw() throws {
        let series = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let output = folder.appendingPathComponent("lungs.nii.gz"), overlays = folder.appendingPathComponent("overlays")
        let run = try runRelease(["lungs", series.path, "--output", output.path, "--overlays", overlays.path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let mask = try ImageFile.read(output).converted(to: UInt8.self)
        XCTAssertEqual(mask.size, GridSize(512, 512, 99))
        let right = LungMaskLabels.right, left = LungMaskLabels.left
        // Mid-chest (k = 37, below the carina, heart in view).
        XCTAssertEqual(mask[100, 250, 37], right, "right lung parenchyma, lateral")
        XCTAssertEqual(mask[150, 330, 37], right, "right lung parenchyma, posterior")
        XCTAssertEqual(mask[400, 300, 37], left, "left lung parenchyma")
        XCTAssertEqual(mask[330, 170, 37], 0, "heart")
        XCTAssertEqual(mask[230, 360, 37], 0, "vertebral body")
        XCTAssertEqual(mask[30, 250, 37], 0, "chest wall and air outside the body")
        // Upper chest (k = 73): the trachea and the oesophagus's air are not lung.
        XCTAssertEqual(mask[238, 243, 73], 0, "trachea")
        XCTAssertEqual(mask[262, 268, 73], 0, "oesophagus")
        XCTAssertEqual(mask[120, 230, 73], right, "right upper lobe")
        XCTAssertEqual(mask[390, 230, 73], left, "left upper lobe")
        // Upper abdomen (k = 1): bowel gas is not lung.
        XCTAssertEqual(mask[385, 130, 1], 0, "bowel gas")
        XCTAssertEqual(mask[120, 200, 1], 0, "liver")
        // Volumes: an adult's lungs hold 1–4 L each at inspiration; the right one is larger.
        let voxelML = mask.geometry.spacing.x * mask.geometry.spacing.y * mask.geometry.spacing.z / 1000
        let rightML = Double(mask.voxels.filter { $0 == right }.count) * voxelML
        let leftML = Double(mask.voxels.filter { $0 == left }.count) * voxelML
        XCTAssertTrue((1000...4000).contains(rightML), "right lung \(rightML) mL")
        XCTAssertTrue((1000...4000).contains(leftML), "left lung \(leftML) mL")
        XCTAssertGreaterThan(rightML, leftML)
        XCTAssertTrue(run.stdout.contains(String(format: "right lung %.0f mL", rightML)), run.stdout)
        XCTAssertTrue(run.stdout.contains("airway: trachea at"), run.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: overlays.path).filter { $0.hasSuffix(".png") }.count, 6)
    }

    func testAScanWithoutLungsIsAOneLineErrorAndWritesNothing() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        // A head-like scan: soft tissue in air, no air inside the body.
        var head = Volume<Int16>(geometry: try ImageGeometry(size: GridSize(40, 40, 10), spacing: Vector3(1, 1, 2)), repeating: -1000)
        for k in 0..<10 { for j in 5..<35 { for i in 5..<35 { head[i, j, k] = 40 } } }
        let input = folder.appendingPathComponent("head.mha"), output = folder.appendingPathComponent("m.mha")
        try ImageFile.write(head, to: input)
        let run = try runRelease(["lungs", input.path, "--output", output.path, "--quiet"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("no lungs found: the largest air region inside the body holds 0.0 mL"), run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }
}

/// The labels `nodulekit lungs` writes (LungMask's, restated so the test reads the file as
/// a user would).
enum LungMaskLabels {
    static let right: UInt8 = 1
    static let left: UInt8 = 2
}
