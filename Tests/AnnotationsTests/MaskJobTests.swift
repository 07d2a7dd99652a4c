import Foundation
import XCTest
import Annotations
import ImageFormats
import ImagingCore
import TestSupport

final class MaskJobTests: XCTestCase {
    /// Two small phantoms: one axial, one oblique and compressed.
    func writePhantoms(to folder: URL) throws -> [NoduleAnnotation] {
        let specs = [
            PhantomSpec(size: GridSize(48, 44, 24), spacing: Vector3(1.4, 1.5, 3), noduleCount: 3, seed: 5),
            PhantomSpec(size: GridSize(40, 48, 30), spacing: Vector3(1.6, 1.3, 2.5),
                        direction: PhantomSpec.rotation(degrees: 20, axis: Vector3(0.3, 0.4, 1)), noduleCount: 2, seed: 9, compress: true),
        ]
        return try PhantomSet.write(specs, to: folder)
    }

    func testPhantomMasksSitOnTheBrightNodulesAndMatchTheRenderer() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let images = root.appendingPathComponent("scans"), output = root.appendingPathComponent("masks")
        let nodules = try writePhantoms(to: images)
        let summary = try MaskJob(annotations: nodules, imagesFolder: images, outputFolder: output).run()
        XCTAssertEqual(summary.processed.count, 2)
        XCTAssertTrue(summary.failures.isEmpty)
        XCTAssertEqual(summary.statusCounts.values.reduce(0, +), nodules.count)

        for scan in try ScanDiscovery.findScans(in: images) {
            let ct = try ImageFile.read(scan.url).converted(to: Int16.self)
            let mask = try ImageFile.read(output.appendingPathComponent("\(scan.seriesUID)_mask.mhd")).converted(to: UInt8.self)
            XCTAssertEqual(mask.geometry.size, ct.geometry.size)
            XCTAssertLessThan(length(mask.geometry.origin - ct.geometry.origin), 1e-9)
            XCTAssertLessThan(mask.geometry.direction.maxAbsDifference(ct.geometry.direction), 1e-12)
            // The phantom draws nodules at 35 HU inside −850 HU lung: a mask that is
            // shifted, axis-swapped or missing its direction lands on lung instead.
            let inside = zip(ct.voxels, mask.voxels).filter { $0.1 != 0 }.map { Double($0.0) }
            XCTAssertGreaterThan(inside.count, 20)
            XCTAssertEqual(inside.reduce(0, +) / Double(inside.count), 35, accuracy: 25, "mean HU under the mask of \(scan.seriesUID)")
            let expected = try NoduleMaskRenderer().render(nodules.filter { $0.seriesUID == scan.seriesUID }, on: ct.geometry).mask
            XCTAssertEqual(mask.voxels, expected.voxels)
        }
        let report = try CSVTable(contentsOf: summary.nodulesURL)
        XCTAssertEqual(report.header, NoduleReport.noduleHeader)
        XCTAssertEqual(report.rows.count, nodules.count)
        let statuses = Set(try report.rows.map { $0.fields[try report.column("status")] })
        XCTAssertTrue(statuses.isSubset(of: ["inside", "clipped"]), "\(statuses)")
    }

    func testRerunSkipsFinishedScansAndRedoesChangedOnes() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let images = root.appendingPathComponent("scans"), output = root.appendingPathComponent("masks")
        var nodules = try writePhantoms(to: images)
        let first = try MaskJob(annotations: nodules, imagesFolder: images, outputFolder: output).run()
        let firstReport = try String(contentsOf: first.nodulesURL, encoding: .utf8)
        let again = try MaskJob(annotations: nodules, imagesFolder: images, outputFolder: output).run()
        XCTAssertEqual(again.processed.count, 0)
        XCTAssertEqual(again.skipped.count, 2)
        XCTAssertEqual(try String(contentsOf: again.nodulesURL, encoding: .utf8), firstReport)
        // A changed diameter redoes that scan only.
        nodules[0].diameterMM = (nodules[0].diameterMM ?? 1) + 2
        let changed = try MaskJob(annotations: nodules, imagesFolder: images, outputFolder: output).run()
        XCTAssertEqual(changed.processed, [nodules[0].seriesUID])
        // Other settings redo everything.
        let labelled = try MaskJob(annotations: nodules, imagesFolder: images, outputFolder: output,
                                   options: MaskJobOptions(writesLabels: true)).run()
        XCTAssertEqual(labelled.processed.count, 2)
    }

    func testShardsMergeToTheWholeRunsReports() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let images = root.appendingPathComponent("scans")
        let nodules = try writePhantoms(to: images)
        // An annotation with no scan: reported once, by shard 0.
        let orphan = NoduleAnnotation(seriesUID: "9.9.9", center: Vector3(1, 2, 3), diameterMM: 5, line: 99)
        let whole = try MaskJob(annotations: nodules + [orphan], imagesFolder: images,
                                outputFolder: root.appendingPathComponent("whole")).run()
        let sharded = root.appendingPathComponent("sharded")
        for i in 0..<2 {
            let s = try MaskJob(annotations: nodules + [orphan], imagesFolder: images, outputFolder: sharded,
                                options: MaskJobOptions(shard: try Shard(parsing: "\(i)/2"))).run()
            XCTAssertEqual(s.scanCount, 1)
            XCTAssertEqual(s.nodulesURL.lastPathComponent, "nodules.shard-\(i)-of-2.csv")
        }
        let merged = try ReportMerger.merge(folder: sharded)
        XCTAssertEqual(merged.missingShards, [])
        XCTAssertEqual(merged.rowCount, nodules.count + 1)
        XCTAssertEqual(try String(contentsOf: sharded.appendingPathComponent("nodules.csv"), encoding: .utf8),
                       try String(contentsOf: whole.nodulesURL, encoding: .utf8))
        XCTAssertEqual(try String(contentsOf: sharded.appendingPathComponent("slices.csv"), encoding: .utf8),
                       try String(contentsOf: whole.slicesURL, encoding: .utf8))
        XCTAssertEqual(whole.statusCounts["no-scan"], 1)
    }

    func testABadScanIsReportedAndTheOthersGoOn() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let images = root.appendingPathComponent("scans"), output = root.appendingPathComponent("masks")
        let nodules = try writePhantoms(to: images)
        // Cut the axial scan's raw file short.
        let raw = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: images.path).first { $0.hasSuffix(".raw") })
        let rawURL = images.appendingPathComponent(raw)
        let data = try Data(contentsOf: rawURL)
        try data.prefix(data.count / 2).write(to: rawURL)
        let badUID = String(raw.dropLast(4))

        let summary = try MaskJob(annotations: nodules, imagesFolder: images, outputFolder: output).run()
        XCTAssertEqual(summary.failures.map(\.seriesUID), [badUID])
        XCTAssertTrue(summary.failures[0].message.contains(rawURL.lastPathComponent) || summary.failures[0].message.contains(badUID),
                      summary.failures[0].message)
        XCTAssertEqual(summary.processed.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("\(badUID)_mask.mhd").path))
        XCTAssertEqual(summary.statusCounts["scan-error"], nodules.filter { $0.seriesUID == badUID }.count)
    }

    func testOfficialAnnotationsOverSampleDataReportEveryRow() throws {
        let official = try LUNA16CSV.readAnnotations(try TestEnvironment.sharedFile("luna16/annotations.csv"))
        let sample = TestEnvironment.repositoryRoot.appendingPathComponent("SampleData")
        let own = try LUNA16CSV.readAnnotations(sample.appendingPathComponent("annotations.csv"))
        let output = try TestEnvironment.temporaryDirectory(self)
        let summary = try MaskJob(annotations: official + own, imagesFolder: sample, outputFolder: output).run()
        XCTAssertTrue(summary.failures.isEmpty)
        let report = try CSVTable(contentsOf: summary.nodulesURL)
        XCTAssertEqual(report.rows.count, official.count + own.count)
        XCTAssertEqual(summary.statusCounts["no-scan"], official.count)
        XCTAssertEqual(summary.statusCounts["inside", default: 0] + summary.statusCounts["clipped", default: 0], own.count)
    }

    func testPhantomIsDeterministic() throws {
        let spec = PhantomSpec(size: GridSize(24, 24, 12), spacing: Vector3(2, 2, 4), noduleCount: 2, seed: 77)
        let a = try ChestPhantom(spec), b = try ChestPhantom(spec)
        XCTAssertEqual(a.seriesUID, b.seriesUID)
        XCTAssertEqual(a.nodules, b.nodules)
        XCTAssertEqual(a.render().voxels, b.render().voxels)
        var other = spec
        other.seed = 78
        XCTAssertNotEqual(try ChestPhantom(other).seriesUID, a.seriesUID)
    }
}
