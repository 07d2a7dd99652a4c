import Foundation
import XCTest
import ImagingCore
import ImageFormats
import Annotations
import TestSupport

/// Runs the built `nodulekit` binary the way a user does and checks what it prints.
final class CLITests: XCTestCase {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static var binary: URL {
        let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL.deletingLastPathComponent()
            ?? Bundle.main.bundleURL
        return products.appendingPathComponent("nodulekit")
    }

    func nodulekit(_ arguments: String...) throws -> Run { try Self.runNodulekit(arguments) }

    /// Runs the binary with `arguments`; skips when it is not built, fails under CI.
    static func runNodulekit(_ arguments: [String]) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            let message = "nodulekit is not built at \(binary.path); run `swift build` first"
            if TestEnvironment.isCI { XCTFail(message) }
            throw XCTSkip(message)
        }
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func writeScan(_ folder: URL) throws -> (URL, ChestPhantom) {
        let spec = PhantomSpec(size: GridSize(32, 30, 16), spacing: Vector3(1.5, 1.5, 3),
                               direction: PhantomSpec.rotation(degrees: 15, axis: Vector3(0, 0.2, 1)), noduleCount: 2, seed: 3)
        try PhantomSet.write([spec], to: folder)
        let phantom = try ChestPhantom(spec)
        return (folder.appendingPathComponent("\(phantom.seriesUID).mhd"), phantom)
    }

    func testInfoPrintsGeometryAndRange() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let (scan, _) = try writeScan(folder)
        let run = try nodulekit("info", scan.path)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("size:       32 x 30 x 16"), run.stdout)
        XCTAssertTrue(run.stdout.contains("spacing:    1.5 1.5 3 mm"), run.stdout)
        XCTAssertTrue(run.stdout.contains("voxel type: int16"), run.stdout)
        XCTAssertTrue(run.stdout.contains("range:      -1000 …"), run.stdout)
    }

    func testWorldToVoxelUsesTheDirectionMatrix() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let (scan, phantom) = try writeScan(folder)
        let world = phantom.geometry.continuousIndexToWorld(Vector3(10.25, 7.5, 3.125))
        // LUNA16 coordinates are mostly negative: no `--` is needed, and it still works.
        XCTAssertLessThan(world.z, 0)
        let run = try nodulekit("world-to-voxel", "--image", scan.path, "--round",
                                String(world.x), String(world.y), String(world.z))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.split(separator: "\n").map(String.init), ["10.2500 7.5000 3.1250", "10 8 3"])
        let dashed = try nodulekit("world-to-voxel", "--image", scan.path, "--", String(world.x), String(world.y), String(world.z))
        XCTAssertEqual(dashed.stdout.split(separator: "\n").first.map(String.init), "10.2500 7.5000 3.1250", dashed.stderr)
    }

    func testABadFileIsOneLineOnStandardErrorAndExitNonZero() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let bad = folder.appendingPathComponent("broken.mhd")
        try Data("NDims = 3\nDimSize = 4 4\nElementType = MET_SHORT\nElementDataFile = broken.raw\n".utf8).write(to: bad)
        let run = try nodulekit("info", bad.path)
        XCTAssertNotEqual(run.status, 0)
        let lines = run.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("broken.mhd"), run.stderr)
    }

    func testConvertToNIfTIKeepsVoxelsAndGeometry() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let (scan, phantom) = try writeScan(folder)
        let nii = folder.appendingPathComponent("out/scan.nii.gz")
        let run = try nodulekit("convert", scan.path, nii.path)
        XCTAssertEqual(run.status, 0, run.stderr)
        let back = try ImageFile.read(nii)
        XCTAssertEqual(back.converted(to: Int16.self).voxels, phantom.render().voxels)
        XCTAssertLessThan(length(back.geometry.origin - phantom.geometry.origin), 1e-4)
        XCTAssertLessThan(back.geometry.direction.maxAbsDifference(phantom.geometry.direction), 1e-5)
    }

    func testMasksCommandWritesReportsAndFailsOnABadScan() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let scans = folder.appendingPathComponent("scans")
        let (_, phantom) = try writeScan(scans)
        // A second "scan" that is not a MetaImage at all.
        try Data("garbage".utf8).write(to: scans.appendingPathComponent("1.2.3.mhd"))
        let out = folder.appendingPathComponent("masks")
        let run = try nodulekit("masks", "--annotations", scans.appendingPathComponent("annotations.csv").path,
                                "--images", scans.path, "--output", out.path, "--quiet", "--labels")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("scans: 2 (1 written, 0 already done, 1 failed)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("failed: 1.2.3:"), run.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(phantom.seriesUID)_mask.mhd").path))
        let slices = try CSVTable(contentsOf: out.appendingPathComponent("slices.csv"))
        XCTAssertEqual(slices.rows.count, phantom.nodules.count)
    }

    func testInvalidShardIsRejectedBeforeAnyWork() throws {
        let run = try nodulekit("masks", "--annotations", "a.csv", "--images", ".", "--output", "o", "--shard", "3/3")
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("3/3"), run.stderr)
    }
}
