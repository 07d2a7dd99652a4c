import Foundation
import ImageFormats
import NeuralNet
@testable import NoduleModels
import TestSupport
import XCTest

/// The segmentation reader maps its `.npy` files instead of reading them: its batches and
/// fingerprint equal those of the arrays read whole, and a truncated file is an error naming it.
final class MappedDatasetReaderTests: XCTestCase {
    func testMappedBatchesAndFingerprintEqualTheArraysReadWhole() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        try DataParallelTrainingTests.writeDataset(folder, count: 13, seed: 4)
        let reader = try SegmentationDatasetReader(folder: folder, split: .train)
        let images = try NumPyArray<Float>(contentsOf: folder.appendingPathComponent("scans/9.1.images.npy"))
        let masks = try NumPyArray<UInt8>(contentsOf: folder.appendingPathComponent("scans/9.1.masks.npy"))
        let binary = masks.values.map { $0 != 0 ? Float(1) : 0 }
        XCTAssertEqual(reader.fingerprint, datasetFingerprint([images.values, binary]))
        let (x, y) = try reader.batch([12, 0, 5])
        let per = 256
        for (b, i) in [12, 0, 5].enumerated() {
            XCTAssertEqual(Array(x.scalars[(b * per)..<((b + 1) * per)]), Array(images.values[(i * per)..<((i + 1) * per)]))
            XCTAssertEqual(Array(y.scalars[(b * per)..<((b + 1) * per)]), Array(binary[(i * per)..<((i + 1) * per)]))
        }
        XCTAssertGreaterThan(y.scalars.reduce(0, +), 0)
        XCTAssertThrowsError(try reader.batch([13]))
    }

    func testATruncatedMappedFileIsAnErrorNamingIt() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        try DataParallelTrainingTests.writeDataset(folder, count: 4, seed: 4)
        let url = folder.appendingPathComponent("scans/9.1.images.npy")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 100).write(to: url)
        XCTAssertThrowsError(try SegmentationDatasetReader(folder: folder, split: .train)) { error in
            XCTAssertTrue("\(error)".contains(url.path), "\(error)")
        }
    }
}
