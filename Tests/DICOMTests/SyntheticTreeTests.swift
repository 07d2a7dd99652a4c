import DICOM
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// A tree built by pydicom (Tests/Oracles/dicom_make_tree.py): an oblique series with
/// shuffled names and reversed InstanceNumber beside a second series, a missing slice,
/// a duplicate, a truncated file and non-DICOM files.
final class SyntheticTreeTests: XCTestCase {
    struct Tree: Decodable {
        let A: String, B: String, gap: String, dup: String, truncated: String, tilt: String, sizes: String
        let truncated_file: String, dup_extra: String
        let gap_values: [String: [Double]]
    }

    private func makeTree() throws -> (URL, Tree) {
        let root = try TestEnvironment.temporaryDirectory(self)
        let tree = try PythonOracle.json("dicom_make_tree.py", [root.path], as: Tree.self)
        return (root, tree)
    }

    func testTreeIsFoundSeriesBySeriesAndNonDICOMFilesAreSkipped() throws {
        let (root, tree) = try makeTree()
        let scan = try SeriesScanner.scan(root)
        XCTAssertEqual(Set(scan.series.map(\.seriesInstanceUID)), [tree.A, tree.B, tree.gap, tree.dup, tree.truncated, tree.tilt, tree.sizes])
        let skippedNames = Set(scan.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent })
        XCTAssertTrue(skippedNames.isSuperset(of: ["notes.txt", "random.bin"]), "\(scan.skipped)")
        XCTAssertEqual(try scan.series(withUID: tree.A).fileCount, 12)
        XCTAssertEqual(try scan.series(withUID: tree.B).fileCount, 5)
        XCTAssertThrowsError(try scan.onlySeries(in: root.path)) { XCTAssertTrue("\($0)".contains("pick one"), "\($0)") }
    }

    func testObliqueShuffledSeriesMatchesSimpleITK() throws {
        let (root, tree) = try makeTree()
        let series = try SeriesScanner.scan(root.appendingPathComponent("mixed")).series(withUID: tree.A)
        XCTAssertEqual(series.problems, [])
        let volume = try series.loadVolume()
        XCTAssertEqual(volume.voxelType, .int16)
        let oracle = try SimpleITKSeries.read(root.appendingPathComponent("mixed"), uid: tree.A, scratch: root)
        oracle.assertMatches(volume)
        XCTAssertEqual(volume.geometry.spacing.z, 2.5, accuracy: 1e-6, "spacing from positions, not SliceThickness 9.9")
        // InstanceNumber runs against position: slice 0 carries the highest number.
        XCTAssertEqual(series.stack?.slices.first?.instanceNumber, 12)
    }

    func testSecondSeriesInTheSameFolderMatchesSimpleITK() throws {
        let (root, tree) = try makeTree()
        let series = try SeriesScanner.scan(root.appendingPathComponent("mixed")).series(withUID: tree.B)
        let volume = try series.loadVolume()
        let oracle = try SimpleITKSeries.read(root.appendingPathComponent("mixed"), uid: tree.B, scratch: root)
        oracle.assertMatches(volume)
    }

    func testMissingSliceIsReportedAndInterpolated() throws {
        let (root, tree) = try makeTree()
        let series = try SeriesScanner.scan(root.appendingPathComponent("gap")).series(withUID: tree.gap)
        XCTAssertEqual(series.problems, [.missingSlices(afterSlice: 2, gap: 6, medianSpacing: 3, missing: 1)])
        let volume = try series.loadInt16Volume()
        XCTAssertEqual(volume.size, GridSize(12, 10, 8))
        XCTAssertEqual(volume.geometry.spacing.z, 3, accuracy: 1e-9)
        // File slices hold the stored values - 1024; slice 3 is the mean of slices 2 and 4.
        let n = 120
        for k in [0, 2, 4, 7] {
            XCTAssertEqual(volume.voxels[(k * n)..<((k + 1) * n)].map(Double.init), tree.gap_values["\(k)"]?.map { $0 - 1024 })
        }
        for p in 0..<n {
            let expected = ((volume.voxels[2 * n + p].doubleValue + volume.voxels[4 * n + p].doubleValue) / 2).rounded()
            XCTAssertEqual(volume.voxels[3 * n + p].doubleValue, expected, accuracy: 0.5)
        }
    }

    func testDuplicateIsReportedAndLeftOut() throws {
        let (root, tree) = try makeTree()
        let folder = root.appendingPathComponent("dup")
        let series = try SeriesScanner.scan(folder).series(withUID: tree.dup)
        XCTAssertEqual(series.problems, [.duplicatePositions(position: -36, files: ["slice002.dcm", tree.dup_extra])])
        let volume = try series.loadVolume()
        XCTAssertEqual(volume.geometry.size.k, 6)
        // SimpleITK on the six files without the duplicate.
        let files = (0..<6).map { folder.appendingPathComponent(String(format: "slice%03d.dcm", $0)) }
        try SimpleITKSeries.read(files: files, scratch: root).assertMatches(volume)
    }

    func testTruncatedFileIsAClearErrorNotACrash() throws {
        let (root, tree) = try makeTree()
        let scan = try SeriesScanner.scan(root.appendingPathComponent("truncated"))
        let truncated = try scan.series(withUID: tree.truncated)
        let skipped = scan.skipped.first { $0.path.hasSuffix(tree.truncated_file) }
        if let skipped {
            // Unreadable header: skipped with a reason, and the hole shows as a missing slice.
            XCTAssertFalse(skipped.reason.isEmpty)
            XCTAssertEqual(truncated.fileCount, 4)
            XCTAssertTrue(truncated.problems.contains { if case .missingSlices = $0 { return true }; return false })
        } else {
            // Header readable, pixels cut: loading names the file.
            XCTAssertThrowsError(try truncated.loadVolume()) { XCTAssertTrue("\($0)".contains(tree.truncated_file), "\($0)") }
        }
    }

    func testGantryTiltIsReportedWithItsAngle() throws {
        let (root, tree) = try makeTree()
        let series = try SeriesScanner.scan(root.appendingPathComponent("tilt")).series(withUID: tree.tilt)
        guard case .gantryTilt(let degrees)? = series.problems.first(where: { if case .gantryTilt = $0 { return true }; return false }) else {
            return XCTFail("no tilt reported: \(series.problems)")
        }
        // First-to-last vector (0, 10·tan15°, 10) leaves the normal (0, 0, 1) by 15°.
        XCTAssertEqual(degrees, 15, accuracy: 1e-3)
        let volume = try series.loadInt16Volume()
        XCTAssertEqual(volume.geometry.spacing.z, 2, accuracy: 1e-9, "spacing along the normal")
        // Slice k sits 2·k·tan15° mm further along +y (the j axis, 0.8 mm rows): corrected,
        // voxel (i, j, k) shows stored row j − Δj of slice k, Δj = 2k·tan15° / 0.8.
        let fill = volume.voxels.min() ?? 0
        for k in 0..<6 {
            let dj = 2 * Double(k) * tan(15 * Double.pi / 180) / 0.8
            for j in 0..<10 {
                for i in 0..<12 {
                    let source = Double(j) - dj
                    let expected = source < 0 ? Double(fill) : (50 * source + 10 * Double(i) - 1024).rounded()
                    XCTAssertEqual(Double(volume[i, j, k]), expected, accuracy: 0.5, "(\(i), \(j), \(k))")
                }
            }
        }
        // Without correction the stored slices come back as they are.
        let sheared = try series.loadInt16Volume(options: SeriesLoadOptions(correctGantryTilt: false))
        XCTAssertEqual(sheared[3, 2, 5], 50 * 2 + 10 * 3 - 1024)
    }

    func testMixedSizesInOneSeriesAreSplit() throws {
        let (root, tree) = try makeTree()
        let parts = try SeriesScanner.scan(root.appendingPathComponent("sizes")).series.filter { $0.seriesInstanceUID == tree.sizes }
        XCTAssertEqual(parts.map(\.id), [tree.sizes, tree.sizes + "#2"])
        XCTAssertEqual(parts.map(\.fileCount), [3, 2])
        XCTAssertEqual(parts[0].problems, [.mixedGeometry(seriesInstanceUID: tree.sizes, groups: 2)])
        XCTAssertEqual(try parts[1].loadVolume().geometry.size, GridSize(16, 16, 2))
    }
}
