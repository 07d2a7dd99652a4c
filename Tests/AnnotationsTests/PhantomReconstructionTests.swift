import Annotations
import Foundation
import ImagingCore
import XCTest

/// The phantom scanner's kernels and noise: what the hospital population differs by.
final class PhantomReconstructionTests: XCTestCase {
    /// One 16×4 slice: −800 HU left of i = 8, 40 HU from it.
    private func edge() -> (values: [Double], size: GridSize) {
        let size = GridSize(16, 4, 1)
        return ((0..<size.voxelCount).map { ($0 % 16) < 8 ? -800 : 40 }, size)
    }

    func testKernelsSmoothOrOvershootAnEdgeAndKeepFlatRegions() {
        let (values, size) = edge()
        var soft = values, sharp = values, standard = values
        PhantomReconstruction(kernel: .soft, noiseHU: 0).filter(&soft, size: size)
        PhantomReconstruction(kernel: .sharp, noiseHU: 0).filter(&sharp, size: size)
        PhantomReconstruction(kernel: .standard, noiseHU: 0).filter(&standard, size: size)
        XCTAssertEqual(standard, values)
        for j in 0..<4 {
            let row = j * 16
            // Flat regions stay as they are.
            XCTAssertEqual(soft[row + 2], -800, accuracy: 1e-9)
            XCTAssertEqual(sharp[row + 13], 40, accuracy: 1e-9)
            // Soft: the two voxels at the edge move a quarter of the step towards each other.
            XCTAssertEqual(soft[row + 7], -800 + 0.25 * 840, accuracy: 1e-9)
            XCTAssertEqual(soft[row + 8], 40 - 0.25 * 840, accuracy: 1e-9)
            // Sharp: overshoot beyond both plateaus (0.7 of a quarter step).
            XCTAssertEqual(sharp[row + 7], -800 - 0.7 * 0.25 * 840, accuracy: 1e-9)
            XCTAssertEqual(sharp[row + 8], 40 + 0.7 * 0.25 * 840, accuracy: 1e-9)
        }
    }

    func testRenderedNoiseFollowsTheSpec() throws {
        func noise(_ hu: Double) throws -> Double {
            var spec = PhantomSpec(size: GridSize(64, 64, 4), spacing: Vector3(2, 2, 2.5), noduleCount: 0, seed: 5, anatomy: .simple)
            spec.reconstruction = PhantomReconstruction(kernel: .standard, noiseHU: hu)
            var quiet = spec
            quiet.reconstruction.noiseHU = 0
            let noisy = try ChestPhantom(spec).render(), clean = try ChestPhantom(quiet).render()
            var d: [Double] = []
            noisy.withUnsafeVoxels { a in clean.withUnsafeVoxels { b in
                for n in a.indices where b[n] > -900 && b[n] < 200 { d.append(Double(a[n]) - Double(b[n])) }
            } }
            XCTAssertGreaterThan(d.count, 1000)
            let mean = d.reduce(0, +) / Double(d.count)
            return (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count)).squareRoot()
        }
        XCTAssertEqual(try noise(15), 15, accuracy: 1.5)
        XCTAssertEqual(try noise(35), 35, accuracy: 3)
    }
}
