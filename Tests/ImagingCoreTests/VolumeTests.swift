import Foundation
import XCTest
import ImagingCore

final class VolumeTests: XCTestCase {
    func testVoxelsAreStoredIFastestThenJThenK() throws {
        let g = try ImageGeometry(size: GridSize(3, 2, 2))
        let v = try Volume<Int16>(geometry: g, voxels: (0..<12).map { Int16($0) })
        XCTAssertEqual(v[1, 0, 0], 1)
        XCTAssertEqual(v[0, 1, 0], 3)
        XCTAssertEqual(v[0, 0, 1], 6)
        XCTAssertEqual(Array(v.slice(k: 1)), [6, 7, 8, 9, 10, 11])
    }

    func testWrongVoxelCountIsAnError() throws {
        let g = try ImageGeometry(size: GridSize(3, 2, 2))
        XCTAssertThrowsError(try Volume<UInt8>(geometry: g, voxels: [1, 2, 3])) { error in
            XCTAssertEqual(error as? ImagingError, .voxelCountMismatch(expected: 12, found: 3))
        }
        let v = Volume<UInt8>(geometry: g, repeating: 0)
        XCTAssertThrowsError(try v.value(at: VoxelIndex(3, 0, 0)))
    }

    func testStatisticsSkipNaN() throws {
        let g = try ImageGeometry(size: GridSize(4, 1, 1))
        let v = try Volume<Float>(geometry: g, voxels: [1, .nan, -3, 6])
        let s = v.statistics
        XCTAssertEqual(s.minimum, -3)
        XCTAssertEqual(s.maximum, 6)
        XCTAssertEqual(s.mean, 4.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(s.count, 3)
    }

    func testConversionRoundsAndClamps() throws {
        let g = try ImageGeometry(size: GridSize(4, 1, 1))
        let v = try Volume<Float>(geometry: g, voxels: [-1.5, 2.5, 300, 40000])
        XCTAssertEqual(v.converted(to: UInt8.self).voxels, [0, 3, 255, 255])
        XCTAssertEqual(v.converted(to: Int16.self).voxels, [-2, 3, 300, 32767])
    }

    /// Trilinear interpolation reproduces any affine function of the index exactly, so
    /// resampling a ramp onto an oblique, finer grid must give the ramp's values there.
    func testTrilinearResamplingReproducesALinearRampOnAnObliqueGrid() throws {
        let source = try ImageGeometry(size: GridSize(20, 20, 20), origin: Vector3(-10, -10, -10), spacing: Vector3(1, 1, 1))
        var ramp = Volume<Double>(geometry: source, repeating: 0)
        func f(_ w: Vector3) -> Double { 2 * w.x - 3 * w.y + 0.5 * w.z + 7 }
        for k in 0..<20 { for j in 0..<20 { for i in 0..<20 { ramp[i, j, k] = f(source.indexToWorld(VoxelIndex(i, j, k))) } } }
        let t = 0.4
        let rot = Matrix3(rows: Vector3(cos(t), -sin(t), 0), Vector3(sin(t), cos(t), 0), Vector3(0, 0, 1))
        let target = try ImageGeometry(size: GridSize(8, 8, 8), origin: Vector3(-3, -2, -4), spacing: Vector3(0.6, 0.7, 0.9), direction: rot)
        let out = ramp.resampled(onto: target, interpolation: .linear, defaultValue: .nan)
        for k in 0..<8 { for j in 0..<8 { for i in 0..<8 {
            XCTAssertEqual(out[i, j, k], f(target.indexToWorld(VoxelIndex(i, j, k))), accuracy: 1e-9)
        } } }
    }

    func testNearestResamplingOfLabelsNeverBlends() throws {
        let g = try ImageGeometry(size: GridSize(4, 1, 1), spacing: Vector3(2, 1, 1))
        let labels = try Volume<UInt8>(geometry: g, voxels: [0, 3, 7, 0])
        let fine = try ImageGeometry(size: GridSize(8, 1, 1), origin: Vector3(-0.5, 0, 0), spacing: Vector3(1, 1, 1))
        let out = labels.resampledLabels(onto: fine)
        XCTAssertEqual(out.voxels, [0, 0, 3, 3, 7, 7, 0, 0])
        XCTAssertTrue(Set(out.voxels).isSubset(of: [0, 3, 7]))
    }

    func testResamplingOutsideTheSourceGivesTheDefault() throws {
        let g = try ImageGeometry(size: GridSize(2, 2, 2))
        let v = Volume<Int16>(geometry: g, repeating: 5)
        let far = try ImageGeometry(size: GridSize(2, 2, 2), origin: Vector3(100, 0, 0))
        XCTAssertEqual(v.resampled(onto: far, interpolation: .linear, defaultValue: -1000).voxels, Array(repeating: -1000, count: 8))
    }

    func testSeededGeneratorRepeatsForTheSameSeed() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let xs = (0..<5).map { _ in a.next() }
        XCTAssertEqual(xs, (0..<5).map { _ in b.next() })
        XCTAssertNotEqual(xs, (0..<5).map { _ in c.next() })
        var g = SeededGenerator(seed: 1)
        let samples = (0..<20000).map { _ in g.nextGaussian() }
        let mean = samples.reduce(0, +) / 20000
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }

    func testAtomicWriteLeavesTheOldFileWhenProductionFails() throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("out.txt")
        try AtomicFile.write(Data("first".utf8), to: url)
        struct Boom: Error {}
        XCTAssertThrowsError(try AtomicFile.write(to: url) { tmp in
            try Data("half".utf8).write(to: tmp)
            throw Boom()
        })
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "first")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.url.path), ["out.txt"])
    }
}

/// A temporary folder removed when the value is released.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("nk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}
