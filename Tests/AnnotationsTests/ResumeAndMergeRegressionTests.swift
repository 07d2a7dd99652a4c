import Foundation
import XCTest
import Annotations
import ImageFormats
import ImagingCore
import TestSupport

/// Behaviours found by review: stale resumes, partial merges, duplicate UIDs, odd input.
final class ResumeAndMergeRegressionTests: XCTestCase {
    func makeScans(_ folder: URL, count: Int = 2) throws -> [NoduleAnnotation] {
        let specs = (0..<count).map { PhantomSpec(size: GridSize(40, 40, 20), spacing: Vector3(1.5, 1.5, 3), noduleCount: 2, seed: UInt64(60 + $0)) }
        return try PhantomSet.write(specs, to: folder)
    }

    func testAChangedScanIsRedoneOnRerun() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let scans = root.appendingPathComponent("s"), out = root.appendingPathComponent("o")
        let nodules = try makeScans(scans, count: 1)
        _ = try MaskJob(annotations: nodules, imagesFolder: scans, outputFolder: out).run()
        let header = try XCTUnwrap(try FileManager.default.contentsOfDirectory(at: scans, includingPropertiesForKeys: nil).first { $0.pathExtension == "mhd" })
        let text = try String(contentsOf: header, encoding: .utf8)
        let moved = text.split(separator: "\n").map { $0.hasPrefix("Offset") ? "Offset = 0 0 -200" : String($0) }.joined(separator: "\n") + "\n"
        try Data(moved.utf8).write(to: header)
        let again = try MaskJob(annotations: nodules, imagesFolder: scans, outputFolder: out).run()
        XCTAssertEqual(again.processed.count, 1, "a scan whose header changed must be redone")
    }

    func testAMaskMissingItsDataIsRedone() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let scans = root.appendingPathComponent("s"), out = root.appendingPathComponent("o")
        let nodules = try makeScans(scans, count: 1)
        _ = try MaskJob(annotations: nodules, imagesFolder: scans, outputFolder: out).run()
        let raw = try XCTUnwrap(try FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil).first { $0.pathExtension == "raw" })
        try FileManager.default.removeItem(at: raw)
        let again = try MaskJob(annotations: nodules, imagesFolder: scans, outputFolder: out).run()
        XCTAssertEqual(again.processed.count, 1)
        XCTAssertNoThrow(try ImageFile.read(out.appendingPathComponent("\(nodules[0].seriesUID)_mask.mhd")))
    }

    func testMergeWithAMissingShardWritesNothing() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let scans = root.appendingPathComponent("s"), out = root.appendingPathComponent("o")
        let nodules = try makeScans(scans, count: 3)
        for i in [1, 2] {
            _ = try MaskJob(annotations: nodules, imagesFolder: scans, outputFolder: out,
                            options: MaskJobOptions(shard: try Shard(parsing: "\(i)/3"))).run()
        }
        let result = try ReportMerger.merge(folder: out)
        XCTAssertEqual(result.missingShards, [0])
        XCTAssertEqual(result.foundShards, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("nodules.csv").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("slices.csv").path))
    }

    func testADuplicateUIDIsReportedAndTheOtherScansGoOn() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let scans = root.appendingPathComponent("s"), out = root.appendingPathComponent("o")
        let nodules = try makeScans(scans, count: 2)
        let dupe = nodules[0].seriesUID
        let copy = scans.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: scans.path) where name.hasPrefix(dupe + ".") {
            try FileManager.default.copyItem(at: scans.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        let summary = try MaskJob(annotations: nodules, imagesFolder: scans, outputFolder: out).run()
        XCTAssertEqual(summary.failures.map(\.seriesUID), [dupe])
        XCTAssertEqual(summary.processed, [nodules[2].seriesUID])
        XCTAssertEqual(summary.statusCounts["scan-error"], 2)
        XCTAssertThrowsError(try ScanDiscovery.findScans(in: scans))
    }

    func testAHugeMarginSelectsTheWholeVolume() throws {
        let g = try ImageGeometry(size: GridSize(10, 10, 8))
        let (_, placements) = try NoduleMaskRenderer().render([NoduleAnnotation(seriesUID: "1", center: Vector3(5, 5, 4), diameterMM: 2)], on: g)
        XCTAssertEqual(SliceSelection.select(placements, margin: Int.max, sliceCount: 8)[0].selectedSlices, 0...7)
    }

    func testByteOrderMarkIsSkippedAndEdgeSpacesRoundTrip() throws {
        let text = "\u{FEFF}seriesuid,coordX,coordY,coordZ,diameter_mm\n1.2,1,2,3,4\n"
        XCTAssertEqual(try LUNA16CSV.readAnnotations(text: text, source: "bom.csv").count, 1)
        var w = CSVWriter(header: ["a", "b"])
        w.append([" padded ", "x"])
        let table = try CSVTable(text: w.text, source: "t.csv")
        XCTAssertEqual(table.rows[0].fields, [" padded ", "x"])
    }

    func testAPhantomTooSmallForItsNodulesIsAnError() {
        XCTAssertThrowsError(try ChestPhantom(PhantomSpec(size: GridSize(12, 12, 6), spacing: Vector3(1, 1, 1), noduleCount: 8, seed: 1))) { error in
            guard case .phantomTooSmall? = error as? AnnotationError else { return XCTFail("\(error)") }
        }
    }
}
