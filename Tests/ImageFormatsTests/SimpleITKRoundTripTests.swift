import Foundation
import ImagingCore
import TestSupport
import XCTest
@testable import ImageFormats

/// Files written by SimpleITK (every element type, oblique/flipped/permuted directions,
/// raw, inline, zlib, big-endian, LIST, HeaderSize, NIfTI) must read to SimpleITK's
/// voxels and geometry; what we write must read back identically in SimpleITK.
final class SimpleITKRoundTripTests: XCTestCase {
    private func makeVolumes() throws -> (folder: URL, images: [OracleImage]) {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let images = try PythonOracle.json("sitk_make_volumes.py", [folder.path], as: [OracleImage].self)
        XCTAssertEqual(images.count, 55)
        return (folder, images)
    }

    func testEveryFileSimpleITKWritesReadsToItsVoxelsAndGeometry() throws {
        let (_, images) = try makeVolumes()
        for reference in images {
            XCTAssertNil(reference.error, reference.name)
            let volume = try ImageFile.read(URL(fileURLWithPath: reference.file))
            try assertMatchesOracle(volume, reference, tolerance: 1e-9)
        }
    }

    func testObliqueTransformMatrixIsReadColumnByColumn() throws {
        let (_, images) = try makeVolumes()
        let reference = try XCTUnwrap(images.first { $0.name == "int8_oblique30.mhd" })
        let volume = try ImageFile.read(URL(fileURLWithPath: reference.file))
        let d = volume.geometry.direction
        // SimpleITK's direction for a 30° turn about (1, 2, 3): column 0 is (0.8756, 0.4200, -0.2386).
        XCTAssertEqual(d[0, 0], 0.875595017799836, accuracy: 1e-12)
        XCTAssertEqual(d[1, 0], 0.420031090899431, accuracy: 1e-12)
        XCTAssertEqual(d[0, 1], -0.38175263483784205, accuracy: 1e-12)
        XCTAssertNotEqual(d[1, 0], d[0, 1], accuracy: 0.5, "the rotation is not symmetric")
        try assertMatchesOracle(volume, reference)
    }

    func testWrittenFilesReadBackInSimpleITKWithIdenticalVoxelsAndGeometry() throws {
        let (folder, images) = try makeVolumes()
        let out = folder.appendingPathComponent("ours")
        var pairs: [[String: String]] = []
        // MetaImage text keeps every double exactly; NIfTI stores float32 (origins up to
        // 300 mm carry ~2e-5 mm of rounding).
        var tolerances: [String: (origin: Double, spacing: Double, direction: Double)] = [:]
        for reference in images {
            let volume = try ImageFile.read(URL(fileURLWithPath: reference.file))
            let stem = reference.name.replacingOccurrences(of: ".", with: "_")
            for (suffix, compress) in [(".mhd", false), (".mha", false), ("_z.mhd", true), ("_z.mha", true), (".nii.gz", false)] {
                let url = out.appendingPathComponent(stem + suffix)
                try ImageFile.write(volume, to: url, options: ImageWriteOptions(compress: compress))
                pairs.append(["ours": url.path, "reference": reference.file])
                tolerances[url.path] = suffix == ".nii.gz" ? (1e-4, 1e-6, 1e-6) : (1e-12, 1e-12, 1e-12)
            }
        }
        let pairsFile = folder.appendingPathComponent("pairs.json")
        try JSONEncoder().encode(pairs).write(to: pairsFile)
        let results = try PythonOracle.json("sitk_compare.py", [pairsFile.path], as: [OracleComparison].self)
        XCTAssertEqual(results.count, pairs.count)
        for r in results {
            let name = URL(fileURLWithPath: r.ours).lastPathComponent
            XCTAssertNil(r.error, name)
            XCTAssertEqual(r.pixel, r.referencePixel, "pixel type of \(name)")
            XCTAssertEqual(r.size, r.referenceSize, "size of \(name)")
            XCTAssertEqual(r.voxelsEqual, true, "voxels of \(name)")
            let tolerance = try XCTUnwrap(tolerances[r.ours])
            XCTAssertLessThanOrEqual(r.originDiff ?? .infinity, tolerance.origin, "origin of \(name)")
            XCTAssertLessThanOrEqual(r.spacingDiff ?? .infinity, tolerance.spacing, "spacing of \(name)")
            XCTAssertLessThanOrEqual(r.directionDiff ?? .infinity, tolerance.direction, "direction of \(name)")
        }
    }

    func testCompressedWriteIsOneZlibStreamSmallerThanRaw() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let geometry = try ImageGeometry(size: GridSize(64, 64, 8), spacing: Vector3(0.7, 0.7, 2))
        var volume = Volume<Int16>(geometry: geometry, repeating: -1000)
        for k in 0..<8 { for j in 20..<40 { for i in 10..<50 { volume[i, j, k] = Int16(i * j - k) } } }
        let url = folder.appendingPathComponent("ct.mhd")
        try ImageFile.write(volume, to: url, options: ImageWriteOptions(compress: true))
        let header = try MetaImageReader.readHeader(url)
        let zraw = try Data(contentsOf: folder.appendingPathComponent("ct.zraw"))
        XCTAssertEqual(header.compressedDataSize, zraw.count)
        XCTAssertEqual(zraw.prefix(1), Data([0x78]), "a zlib stream starts with 0x78")
        XCTAssertLessThan(zraw.count, 64 * 64 * 8 * 2 / 4)
        let back = try ImageFile.read(url)
        XCTAssertEqual(back.converted(to: Int16.self), volume)
    }
}
