import Foundation
import ImageFormats
import ImagingCore
import TestSupport
import XCTest
@testable import Registration

/// Resampling through a transform equals SimpleITK's Resample with the same transform and
/// interpolator — within 1e-4 for linear, exactly for nearest — on oblique, flipped,
/// anisotropic pairs, edges and default value included.
final class ResamplingTests: XCTestCase {
    /// A direction: a rotation by `angle` about `axis`, with column `flip` negated (−1: none).
    private func direction(axis: Vector3, angle: Double, flip: Int) -> Matrix3 {
        let r = RigidTransform(versor: axis / length(axis) * sin(angle / 2)).rotation
        let c = (0..<3).map { r.column($0) * ($0 == flip ? -1.0 : 1.0) }
        return Matrix3(columns: c[0], c[1], c[2])
    }

    private func movingPET() throws -> Volume<Float> {
        let g = try ImageGeometry(size: GridSize(24, 20, 16), origin: Vector3(-40, 35, -20), spacing: Vector3(4, 3.5, 5),
                                  direction: direction(axis: Vector3(1, 2, 3), angle: 0.4, flip: 1))
        var v = Volume<Float>(geometry: g, repeating: 0)
        var rng = SeededGenerator(seed: 4)
        for k in 0..<16 { for j in 0..<20 { for i in 0..<24 {
            v[i, j, k] = Float(sin(Double(i) * 0.4) * cos(Double(j) * 0.3) * 5 + Double(k) * 0.2 + rng.nextUnit())
        } } }
        return v
    }

    private func labels(on g: ImageGeometry) -> Volume<UInt8> {
        var v = Volume<UInt8>(geometry: g, repeating: 0)
        var rng = SeededGenerator(seed: 5)
        v.withUnsafeMutableVoxels { b in for n in b.indices { b[n] = UInt8(rng.next() % 6) } }
        return v
    }

    private func reference() throws -> ImageGeometry {
        try ImageGeometry(size: GridSize(40, 36, 30), origin: Vector3(-30, 60, 50), spacing: Vector3(2.1, 1.7, 3.3),
                          direction: direction(axis: Vector3(-2, 1, 0.5), angle: 2.6, flip: 2))
    }

    private let transform = RigidTransform(eulerAngles: Vector3(0.2, -0.15, 0.3), translation: Vector3(5, -7, 3), centre: Vector3(10, 60, 15))

    /// Resamples every job with SimpleITK and returns its outputs.
    private func simpleITK(_ jobs: [(moving: AnyVolume, reference: ImageGeometry, transform: RigidTransform, interpolation: Interpolation, defaultValue: Double)],
                           in folder: URL) throws -> [AnyVolume] {
        var request: [[String: Any]] = []
        for (n, job) in jobs.enumerated() {
            let moving = folder.appendingPathComponent("moving\(n).mha"), ref = folder.appendingPathComponent("reference\(n).mha")
            let tfm = folder.appendingPathComponent("t\(n).tfm"), out = folder.appendingPathComponent("sitk\(n).mha")
            try ImageFile.write(job.moving, to: moving)
            try ImageFile.write(Volume<UInt8>(geometry: job.reference, repeating: 0), to: ref)
            try TransformFile.write(job.transform, to: tfm, as: .versorRigid3D)
            request.append(["moving": moving.path, "reference": ref.path, "transform": tfm.path, "interpolation": job.interpolation.rawValue,
                            "default": job.defaultValue, "output": out.path])
        }
        let file = folder.appendingPathComponent("request.json")
        try JSONSerialization.data(withJSONObject: request).write(to: file)
        try PythonOracle.run("sitk_resample.py", [file.path])
        return try (0..<jobs.count).map { try ImageFile.read(folder.appendingPathComponent("sitk\($0).mha")) }
    }

    func testObliqueFlippedAnisotropicPairsMatchSimpleITK() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let pet = try movingPET(), ref = try reference()
        let mask = labels(on: pet.geometry)
        let ct = pet.converted(to: Int16.self)
        let results = try simpleITK([(AnyVolume(pet), ref, transform, .linear, -3), (AnyVolume(mask), ref, transform, .nearest, 7),
                                     (AnyVolume(ct), ref, transform.inverse, .nearest, -1000)], in: folder)
        let linear = pet.resampled(onto: ref, through: transform, defaultValue: -3)
        let sitkLinear = results[0].converted(to: Float.self)
        let worst = zip(linear.voxels, sitkLinear.voxels).map { abs(Double($0) - Double($1)) }.max() ?? .infinity
        let outside = linear.voxels.filter { $0 == -3 }.count, inside = linear.voxels.count - outside
        print("linear vs SimpleITK: worst |difference| \(worst) over \(linear.voxels.count) voxels (\(inside) inside, \(outside) default)")
        XCTAssertLessThan(worst, 1e-4)
        XCTAssertGreaterThan(outside, 1000, "the reference grid reaches past the moving image")
        XCTAssertGreaterThan(inside, 1000)

        let nearest = mask.resampled(onto: ref, through: transform, defaultValue: 7)   // UInt8: nearest by type
        XCTAssertEqual(nearest.voxels, results[1].converted(to: UInt8.self).voxels)
        XCTAssertEqual(Set(nearest.voxels), [0, 1, 2, 3, 4, 5, 7], "labels never blend")
        let ctNearest = TransformResampler.resample(ct, onto: ref, through: transform.inverse, interpolation: .nearest, defaultValue: -1000)
        XCTAssertEqual(ctNearest.voxels, results[2].converted(to: Int16.self).voxels)
        XCTAssertNotEqual(nearest.voxels, TransformResampler.resample(mask, onto: ref, through: .identity, interpolation: .nearest, defaultValue: 7).voxels)
    }

    func testHalfVoxelEdgesAndHalvesFollowITK() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let moving = try ImageGeometry(size: GridSize(4, 3, 2), spacing: Vector3(1, 1, 1))
        var values = Volume<Float>(geometry: moving, repeating: 0)
        for k in 0..<2 { for j in 0..<3 { for i in 0..<4 { values[i, j, k] = Float(10 * i + 100 * j + 1000 * k + 1) } } }
        let mask = values.converted(to: UInt8.self)
        // Continuous i = −1, −0.5, 0, 0.5, …, 4.5 along each row; j, k land on voxel centres.
        let ref = try ImageGeometry(size: GridSize(12, 3, 2), origin: Vector3(-1, 0, 0), spacing: Vector3(0.5, 1, 1))
        let linear = values.resampled(onto: ref, defaultValue: -9)
        let nearest = TransformResampler.resample(values, onto: ref, interpolation: .nearest, defaultValue: -9)
        let row = (0..<12).map { linear[$0, 0, 0] }, nearestRow = (0..<12).map { nearest[$0, 0, 0] }
        // −0.5 is inside (clamped to voxel 0), 3.5 = n − 0.5 is outside; halves round up.
        XCTAssertEqual(row, [-9, 1, 1, 6, 11, 16, 21, 26, 31, -9, -9, -9])
        XCTAssertEqual(nearestRow, [-9, 1, 1, 11, 11, 21, 21, 31, 31, -9, -9, -9])
        let results = try simpleITK([(AnyVolume(values), ref, .identity, .linear, -9), (AnyVolume(values), ref, .identity, .nearest, -9),
                                     (AnyVolume(mask), ref, .identity, .nearest, 200)], in: folder)
        XCTAssertEqual(linear.voxels, results[0].converted(to: Float.self).voxels)
        XCTAssertEqual(nearest.voxels, results[1].converted(to: Float.self).voxels)
        XCTAssertEqual(mask.resampled(onto: ref, defaultValue: 200).voxels, results[2].converted(to: UInt8.self).voxels)
    }

    func testThreadCountDoesNotChangeTheResult() throws {
        let pet = try movingPET(), ref = try reference()
        let one = pet.resampled(onto: ref, through: transform, threads: 1)
        let three = pet.resampled(onto: ref, through: transform, threads: 3)
        XCTAssertEqual(one.voxels, three.voxels)
        XCTAssertEqual(one.geometry, ref)
    }
}
