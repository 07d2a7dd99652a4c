import Foundation
import XCTest
import Annotations
import ImageFormats
import ImagingCore
import TestSupport

/// Series UIDs from DICOM headers and CSV files never name a file outside the output
/// folder: each place that turns one into a path refuses it with an error naming where
/// it came from, and writes nothing.
final class HostileUIDTests: XCTestCase {
    /// Every file below `root`, relative to it.
    private func files(under root: URL) -> [String] {
        let walker = FileManager.default.enumerator(atPath: root.path)
        return (walker?.allObjects as? [String] ?? []).sorted()
    }

    func testAMaskJobRefusesAScanWhoseUIDWouldLeaveTheOutputFolder() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let images = root.appendingPathComponent("scans"), output = root.appendingPathComponent("out/masks")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let geometry = ImageGeometry(unchecked: GridSize(8, 8, 4), origin: .zero, spacing: Vector3(1, 1, 1), direction: .identity)
        let hostile = "../../escape"  // as a DICOM header's SeriesInstanceUID could hold
        var job = MaskJob(annotations: [NoduleAnnotation(seriesUID: hostile, center: Vector3(4, 4, 2), diameterMM: 3)],
                          imagesFolder: images, outputFolder: output)
        job.additionalScans = [ScanSource(seriesUID: hostile, location: "/pacs/series-1", readGeometry: { geometry },
                                          readVolume: { AnyVolume(Volume<Int16>(geometry: geometry, repeating: 0)) },
                                          fingerprint: { "f" })]
        let summary = try job.run()
        XCTAssertEqual(summary.processed, [])
        XCTAssertEqual(summary.failures.map(\.seriesUID), [hostile])
        let message = summary.failures.first?.message ?? ""
        XCTAssertTrue(message.contains("/pacs/series-1") && message.contains("path separator") && message.contains(output.path), message)
        // Only the run's own reports exist, inside the output folder.
        XCTAssertEqual(files(under: root), ["out", "out/masks", "out/masks/nodules.csv", "out/masks/slices.csv", "scans"])
    }

    func testTheResumeStoreNeverWritesOutsideItsFolder() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let store = ResumeStore<[Int]>(outputFolder: root.appendingPathComponent("out"))
        try store.record([1], for: "1.2.3", key: "k")
        XCTAssertEqual(store.finished("1.2.3", key: "k"), [1])
        for item in ["../../escape", "../x", ".hidden", "a/b"] {
            XCTAssertThrowsError(try store.record([2], for: item, key: "k"), item) { error in
                guard case ImagingError.unsafeFileName(let uid, _, _)? = error as? ImagingError else { return XCTFail("\(error)") }
                XCTAssertEqual(uid, item)
            }
            XCTAssertNil(store.finished(item, key: "k"))
        }
        XCTAssertEqual(files(under: root), ["out", "out/.nodulekit", "out/.nodulekit/1.2.3.json"])
    }

    func testAMasksReportRowWhoseUIDCouldNameAPathOutsideIsRefusedNamingTheLine() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let csv = "seriesuid,label,voxel_k,mask_voxels\n1.2.3,1,4,10\n../../../tmp/x,1,4,10\n"
        try csv.write(to: folder.appendingPathComponent("nodules.csv"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MaskRunReport(folder: folder)) { error in
            guard case AnnotationError.badField(let file, let line, let column, let value, _)? = error as? AnnotationError else { return XCTFail("\(error)") }
            XCTAssertEqual([file, column, value], [folder.appendingPathComponent("nodules.csv").path, "seriesuid", "../../../tmp/x"])
            XCTAssertEqual(line, 3)
        }
    }

    func testAHostileSpacingDoesNotTrapTheSliceSampler() throws {
        // 1e-300 mm passes ImageGeometry.validate() (positive, finite) but makes the step
        // of a 1 mm sampling window infinite; Int(∞) trapped before.
        let geometry = try ImageGeometry(size: GridSize(4, 4, 1), spacing: Vector3(1e-300, 1e-300, 1))
        let volume = Volume<Int16>(geometry: geometry, repeating: 100)
        let sampler = SliceSampler(size: 8, pixelSpacingMM: 1)
        let pixels = sampler.image(volume, k: 0)
        XCTAssertEqual(pixels.count, 64)
        XCTAssertTrue(pixels.allSatisfy(\.isFinite))
    }
}
