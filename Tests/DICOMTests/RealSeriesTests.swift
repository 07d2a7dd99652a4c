import DICOM
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// Real series assembled and compared with SimpleITK's ImageSeriesReader.
final class RealSeriesTests: XCTestCase {
    func testCPTACChestCTMatchesSimpleITK() throws {
        let folder = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let scan = try SeriesScanner.scan(folder)
        let series = try scan.onlySeries(in: folder.path)
        XCTAssertEqual(series.fileCount, 99)
        XCTAssertEqual(series.modality, "CT")
        XCTAssertEqual(series.problems, [])
        let volume = try series.loadVolume()
        XCTAssertEqual(volume.voxelType, .int16, "CT with integral rescale is Int16 HU")
        let oracle = try SimpleITKSeries.read(folder, scratch: try TestEnvironment.temporaryDirectory(self))
        oracle.assertMatches(volume)
        // File names are not in slice order: our order must be SimpleITK's, not the names'.
        let ours = series.stack?.slices.map(\.url.lastPathComponent) ?? []
        XCTAssertEqual(ours, oracle.files)
        XCTAssertNotEqual(ours, ours.sorted())
    }

    func testPydicomDICOMDIRCTSeriesMatchesSimpleITK() throws {
        let root = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/dicomdirtests")
        let scan = try SeriesScanner.scan(root)
        let ct = scan.series.filter { $0.modality == "CT" }
        XCTAssertFalse(ct.isEmpty)
        XCTAssertEqual(ct.count, 4, "CT2, CT5N, and CT2N split by its two orientations")
        let scratch = try TestEnvironment.temporaryDirectory(self)
        for series in ct {
            guard let folder = series.files.first?.url.deletingLastPathComponent() else { continue }
            // 77654033/CT2 jumps 202.5 mm between its first two slices: reported, and
            // assembled on request the way ITK does.
            let volume = try series.loadVolume(options: SeriesLoadOptions(allowNonUniformSpacing: true))
            if series.problems.contains(where: { if case .mixedGeometry = $0 { return true }; return false }) {
                // SimpleITK stacks both orientations of CT2N into one volume; compare each
                // of our single-orientation parts with SimpleITK reading that file alone.
                let oracle = try SimpleITKSeries.read(files: series.files.map(\.url), scratch: scratch)
                oracle.assertMatches(volume)
            } else {
                let oracle = try SimpleITKSeries.read(folder, uid: series.seriesInstanceUID, scratch: scratch)
                oracle.assertMatches(volume)
            }
        }
        let gapped = ct.first { $0.files.first?.url.path.contains("77654033/CT2") == true }
        XCTAssertTrue(gapped?.problems.contains { if case .nonUniformSpacing = $0 { return true }; return false } == true)
    }

    func testHeadCTWithGapIsReportedNonUniform() throws {
        let folder = try TestEnvironment.sharedFile("dicom/head-ct-gap")
        let series = try SeriesScanner.scan(folder).onlySeries(in: folder.path)
        XCTAssertTrue(series.problems.contains { if case .nonUniformSpacing = $0 { return true }; return false }, "\(series.problems)")
        XCTAssertThrowsError(try series.loadVolume()) { error in
            XCTAssertTrue("\(error)".contains("non-uniform"), "\(error)")
        }
    }
}
