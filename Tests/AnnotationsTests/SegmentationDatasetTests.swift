import Foundation
import XCTest
import Annotations
import ImageFormats
import ImagingCore
import TestSupport

final class SegmentationDatasetTests: XCTestCase {
    func testPatientSplitIsDeterministicOrderFreeAndSized() {
        let ids = (0..<100).map { "1.2.\($0)" }
        let a = PatientSplitter.split(ids, fractions: .segmentation, seed: 5)
        let b = PatientSplitter.split(ids.reversed(), fractions: .segmentation, seed: 5)
        XCTAssertEqual(a, b)
        let counts = Dictionary(grouping: a.values, by: { $0 }).mapValues(\.count)
        XCTAssertEqual(counts[.train], 80)
        XCTAssertEqual(counts[.validation], 5)
        XCTAssertEqual(counts[.test], 15)
        XCTAssertNotEqual(PatientSplitter.split(ids, fractions: .segmentation, seed: 6), a)
        // Three patients still give every split one.
        XCTAssertEqual(Set(PatientSplitter.split(["a", "b", "c"], fractions: .segmentation, seed: 1).values), Set(DatasetSplit.allCases))
    }

    func testSplitPercentagesMustAddUpTo100() {
        XCTAssertEqual(try SplitFractions(parsing: "60/15/25"), .classification)
        XCTAssertThrowsError(try SplitFractions(parsing: "80/10/15"))
        XCTAssertThrowsError(try SplitFractions(parsing: "80/20"))
    }

    func testSamplerKeepsValuesAtTheSameSizeAndLabelsStayLabels() throws {
        let g = try ImageGeometry(size: GridSize(4, 4, 1))
        let ct = try Volume<Int16>(geometry: g, voxels: (0..<16).map { Int16(-1000 + 100 * $0) })
        let same = SliceSampler(size: 4, lower: -1000, upper: 500).image(ct, k: 0)
        XCTAssertEqual(same, (0..<16).map { Float(min(Double(100 * $0) / 1500, 1)) })
        let mask = try Volume<UInt8>(geometry: g, voxels: [0, 0, 3, 3, 0, 0, 3, 3, 7, 7, 0, 0, 7, 7, 0, 0])
        let up = SliceSampler(size: 8).labels(mask, k: 0)
        XCTAssertEqual(Set(up), [0, 3, 7])
        XCTAssertEqual(up[0], 0)
        XCTAssertEqual(up[7], 3)        // top-right
        XCTAssertEqual(up[7 * 8], 7)    // bottom-left
    }

    func testWithTheLungMaskEachSliceCarriesItsLungRegionAndTheNodulesLieInIt() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let scans = root.appendingPathComponent("scans")
        let spec = PhantomSpec(size: GridSize(64, 64, 24), spacing: Vector3(1.4, 1.4, 2.5), noduleCount: 2, seed: 52)
        let nodules = try PhantomSet.write([spec], to: scans)
        var options = SegmentationDatasetOptions()
        options.size = 32
        options.lungMask = true
        let out = root.appendingPathComponent("dataset")
        let builder = SegmentationDatasetBuilder(annotations: nodules, imagesFolder: scans, outputFolder: out, options: options)
        let summary = try builder.run()
        XCTAssertEqual(summary.processed.count, 1, "\(summary.failures)")
        let uid = try ChestPhantom(spec).seriesUID
        let images = try NumPyArray<Float>(contentsOf: builder.files(seriesUID: uid).images)
        let masks = try NumPyArray<UInt8>(contentsOf: builder.files(seriesUID: uid).masks)
        let lungs = try NumPyArray<UInt8>(contentsOf: builder.lungsFile(seriesUID: uid))
        XCTAssertEqual(lungs.shape, images.shape)
        // Every nodule pixel is inside the search region; the air outside the body is not.
        for (m, l) in zip(masks.values, lungs.values) where m != 0 { XCTAssertNotEqual(l, 0) }
        for row in 0..<lungs.shape[0] { XCTAssertEqual(lungs.values[row * 32 * 32], 0, "corner pixel of row \(row)") }
        XCTAssertGreaterThan(lungs.values.filter { $0 != 0 }.count, lungs.values.count / 5)
        let manifest = try SegmentationDatasetManifest(folder: out)
        XCTAssertTrue(manifest.entries.allSatisfy { $0.lungsFile == "scans/\(uid).lungs.npy" })
        // Without it, no lungs file and an empty column (older sets, with no column, still read).
        options.lungMask = false
        let plain = root.appendingPathComponent("plain")
        _ = try SegmentationDatasetBuilder(annotations: nodules, imagesFolder: scans, outputFolder: plain, options: options).run()
        XCTAssertTrue(try SegmentationDatasetManifest(folder: plain).entries.allSatisfy { $0.lungsFile == nil })
        XCTAssertFalse(FileManager.default.fileExists(atPath: plain.appendingPathComponent("scans/\(uid).lungs.npy").path))
    }

    func testBuildKeepsNoduleSlicesPlusMarginAndNoPatientCrossesSplits() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let scans = root.appendingPathComponent("scans")
        let specs = (0..<4).map { PhantomSpec(size: GridSize(48, 48, 30), spacing: Vector3(1.2, 1.2, 2.5), noduleCount: 2, seed: UInt64(40 + $0)) }
        let nodules = try PhantomSet.write(specs, to: scans)
        var options = SegmentationDatasetOptions()
        options.size = 32
        options.margin = 2
        let out = root.appendingPathComponent("dataset")
        let summary = try SegmentationDatasetBuilder(annotations: nodules, imagesFolder: scans, outputFolder: out, options: options).run()
        XCTAssertEqual(summary.processed.count, 4)

        let manifest = try CSVTable(contentsOf: summary.manifestURL)
        let uid = try manifest.column("seriesuid"), split = try manifest.column("split"), slice = try manifest.column("slice")
        let splitsOf = Dictionary(grouping: manifest.rows, by: { $0.fields[uid] }).mapValues { Set($0.map { $0.fields[split] }) }
        XCTAssertTrue(splitsOf.values.allSatisfy { $0.count == 1 }, "a patient in two splits: \(splitsOf)")

        for spec in specs {
            let phantom = try ChestPhantom(spec)
            let (_, placements) = try NoduleMaskRenderer().render(phantom.nodules, on: phantom.geometry)
            // The slices each nodule covers, computed from its placement, ± 2, clipped.
            var expected = Set<Int>()
            for p in placements { if let r = p.sliceRange { expected.formUnion(max(0, r.lowerBound - 2)...min(29, r.upperBound + 2)) } }
            let rows = manifest.rows.filter { $0.fields[uid] == phantom.seriesUID }
            XCTAssertEqual(Set(try rows.map { try manifest.int($0, slice) }), expected)
            let files = SegmentationDatasetBuilder(annotations: [], imagesFolder: scans, outputFolder: out).files(seriesUID: phantom.seriesUID)
            let images = try NumPyArray<Float>(contentsOf: files.images), masks = try NumPyArray<UInt8>(contentsOf: files.masks)
            XCTAssertEqual(images.shape, [expected.count, 1, 32, 32])
            XCTAssertEqual(masks.shape, images.shape)
            XCTAssertTrue(images.values.allSatisfy { (0...1).contains($0) })
            // Nodule pixels sit on solid tissue (35 HU → 0.74; resizing blends the rim),
            // lung is 0.11: a mask that missed its nodule would average near the lung.
            let under = zip(images.values, masks.values).filter { $0.1 != 0 }.map(\.0)
            XCTAssertGreaterThan(under.count, 0)
            XCTAssertGreaterThan(Double(under.reduce(0, +)) / Double(under.count), 0.55)
        }
        let again = try SegmentationDatasetBuilder(annotations: nodules, imagesFolder: scans, outputFolder: out, options: options).run()
        XCTAssertEqual(again.skipped.count, 4)
        XCTAssertEqual(try String(contentsOf: again.manifestURL, encoding: .utf8), try String(contentsOf: summary.manifestURL, encoding: .utf8))
    }

    func testPhysicalWindowsKeepEveryNoduleOnALargerSlice() throws {
        // 160 × 0.6 mm = 96 mm slices, 32-pixel windows of 1.5 mm = 48 mm: a centred
        // window would miss nodules near the edge; windows placed around them do not.
        let root = try TestEnvironment.temporaryDirectory(self)
        let scans = root.appendingPathComponent("scans")
        let spec = PhantomSpec(size: GridSize(160, 160, 20), spacing: Vector3(0.6, 0.6, 2.5), noduleCount: 3, seed: 61)
        let nodules = try PhantomSet.write([spec], to: scans)
        var options = SegmentationDatasetOptions()
        options.size = 32
        options.margin = 0
        options.pixelSpacingMM = 1.5
        let out = root.appendingPathComponent("dataset")
        let summary = try SegmentationDatasetBuilder(annotations: nodules, imagesFolder: scans, outputFolder: out, options: options).run()
        XCTAssertEqual(summary.processed.count, 1, "\(summary.failures)")
        XCTAssertEqual(try SliceSampler.ofDataset(out)?.pixelSpacingMM, 1.5)
        let phantom = try ChestPhantom(spec)
        let (_, placements) = try NoduleMaskRenderer().render(phantom.nodules, on: phantom.geometry)
        for record in summary.slices {
            let covering = placements.filter { $0.sliceRange?.contains(record.slice) ?? false }
            guard let p = covering.first else { continue }
            // The slice's cross-section of its nearest nodule, in 1.5 mm pixels, is all there.
            let radius = (p.annotation.diameterMM ?? 0) / 2, dz = abs(Double(record.slice) - p.continuousIndex.z) * 2.5
            let section = Double.pi * max(radius * radius - dz * dz, 0) / 2.25
            XCTAssertGreaterThan(Double(record.nodulePixels), section * 0.5 - 2, "slice \(record.slice)")
        }
    }
}
