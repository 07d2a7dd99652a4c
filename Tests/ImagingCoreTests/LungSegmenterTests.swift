import Foundation
import XCTest
import ImagingCore

/// Lung segmentation on a torso drawn in world millimetres (so an oblique grid shows the
/// same patient): body, two lungs, a trachea that splits into two main bronchi, a nodule
/// on the pleura, and stomach gas below the left lung.
final class LungSegmenterTests: XCTestCase {
    struct Torso {
        static let rightLungCentre = Vector3(-65, 0, 0), leftLungCentre = Vector3(65, 0, 0)
        static let lungRadii = Vector3(45, 60, 70)
        /// Soft tissue on the right lung's lateral wall, half inside the lung.
        static let noduleCentre = Vector3(-65 - 45 + 2, 0, 0), noduleRadius = 6.0
        static let tracheaTop = Vector3(0, -10, 120), carina = Vector3(0, -10, 45)
        static let stomach = Vector3(55, 10, -95)

        static func hounsfield(_ p: Vector3) -> Double {
            let body = (p.x * p.x) / (150 * 150) + (p.y * p.y) / (100 * 100)
            if body > 1 { return -1000 }
            if length(p - stomach) < 18 { return -1000 }
            if length(p - noduleCentre) <= noduleRadius { return 40 }
            if distance(p, tracheaTop, carina) <= 9 { return -1000 }
            for centre in [rightLungCentre, leftLungCentre] {
                let bronchusEnd = centre + Vector3(centre.x < 0 ? 25 : -25, 0, 10)
                if distance(p, carina, bronchusEnd) <= 6 { return -1000 }
                let q = (p - centre) / lungRadii
                if dot(q, q) <= 1 { return -850 }
            }
            return 40
        }

        static func distance(_ p: Vector3, _ a: Vector3, _ b: Vector3) -> Double {
            let ab = b - a
            let t = max(0, min(1, dot(p - a, ab) / dot(ab, ab)))
            return length(p - (a + ab * t))
        }

        static func scan(direction: Matrix3) throws -> Volume<Int16> {
            let size = GridSize(128, 88, 50), spacing = Vector3(2.5, 2.5, 5)
            let extent = Vector3(Double(size.i - 1), Double(size.j - 1), Double(size.k - 1)) * spacing
            let g = try ImageGeometry(size: size, origin: Vector3(0, 0, 5) - direction * (extent / 2), spacing: spacing, direction: direction)
            var rng = SeededGenerator(seed: 9)
            var v = Volume<Int16>(geometry: g, repeating: 0)
            v.withUnsafeMutableVoxels { out in
                var o = 0
                for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i {
                    out[o] = Int16(clampingDouble: hounsfield(g.indexToWorld(VoxelIndex(i, j, k))) + 20 * rng.nextGaussian())
                    o += 1
                } } }
            }
            return v
        }
    }

    func label(_ mask: LungMask, at world: Vector3) -> UInt8 {
        mask.labels[mask.labels.geometry.worldToIndex(world)]
    }

    func testBothLungsAreFoundAndTheAirwayAndGasAreLeftOut() throws {
        for direction in [Matrix3.identity, rotation(degrees: 8, axis: Vector3(0.3, 0.2, 1))] {
            let mask = try LungSegmenter.segment(try Torso.scan(direction: direction))
            XCTAssertEqual(label(mask, at: Torso.rightLungCentre + Vector3(-10, 20, 0)), LungMask.rightLung)
            XCTAssertEqual(label(mask, at: Torso.leftLungCentre + Vector3(10, -20, 20)), LungMask.leftLung)
            XCTAssertEqual(label(mask, at: Torso.tracheaTop + Vector3(0, 0, -20)), 0, "trachea")
            XCTAssertEqual(label(mask, at: Torso.carina + Vector3(0, 0, 5)), 0, "carina")
            XCTAssertEqual(label(mask, at: Torso.stomach), 0, "stomach gas")
            XCTAssertEqual(label(mask, at: Vector3(0, 40, 0)), 0, "mediastinum")
            // The trachea was found near its true place and taken out.
            let seed = try XCTUnwrap(mask.tracheaSeed)
            XCTAssertEqual(seed.x, 0, accuracy: 5)
            XCTAssertEqual(seed.y, -10, accuracy: 5)
            XCTAssertGreaterThan(mask.airwayVolumeML, 0.8 * Double.pi * 81 * 75 / 1000)
            // Each lung's volume against the ellipsoid's (4/3 π abc, 792 mL), give or take the
            // boundary voxels of a 2.5 × 2.5 × 5 mm grid and the closed nodule.
            let ellipsoid = 4.0 / 3.0 * Double.pi * 45 * 60 * 70 / 1000
            XCTAssertEqual(mask.rightVolumeML, ellipsoid, accuracy: 0.08 * ellipsoid)
            XCTAssertEqual(mask.leftVolumeML, ellipsoid, accuracy: 0.08 * ellipsoid)
        }
    }

    func testTheClosingKeepsAJuxtapleuralNoduleInsideTheLung() throws {
        let scan = try Torso.scan(direction: .identity)
        // The nodule's voxels on the lung's side of the pleura: a notch in the air region
        // that the closing must fill.
        let g = scan.geometry
        var notch: [VoxelIndex] = []
        for k in 0..<g.size.k { for j in 0..<g.size.j { for i in 0..<g.size.i {
            let p = g.indexToWorld(VoxelIndex(i, j, k)), q = (p - Torso.rightLungCentre) / Torso.lungRadii
            if length(p - Torso.noduleCentre) <= Torso.noduleRadius && dot(q, q) <= 1 { notch.append(VoxelIndex(i, j, k)) }
        } } }
        XCTAssertGreaterThan(notch.count, 10)
        func insideFraction(_ mask: LungMask) -> Double {
            Double(notch.filter { mask.labels[$0] == LungMask.rightLung }.count) / Double(notch.count)
        }
        // Deeper than the outermost voxel layer (1.25 mm on this 2.5 mm grid), where a ball
        // rolling along the chest wall cannot dip in, every notch voxel must be filled.
        let deep = notch.filter { g.indexToWorld($0).x > Torso.noduleCentre.x }
        XCTAssertGreaterThan(deep.count, 5)
        let closed = try LungSegmenter.segment(scan)
        XCTAssertEqual(deep.filter { closed.labels[$0] == LungMask.rightLung }.count, deep.count)
        XCTAssertGreaterThan(insideFraction(closed), 0.5)
        var open = LungSegmentationOptions()
        open.closingRadiusMM = 0
        XCTAssertLessThan(insideFraction(try LungSegmenter.segment(scan, options: open)), 0.2,
                          "without the closing the nodule is a notch outside the mask")
    }

    func testAScanWithoutLungsIsAnErrorThatSaysWhy() throws {
        let g = try ImageGeometry(size: GridSize(20, 20, 10), spacing: Vector3(1, 1, 1))
        var head = Volume<Int16>(geometry: g, repeating: -1000)
        for k in 0..<10 { for j in 3..<17 { for i in 3..<17 { head[i, j, k] = 40 } } }
        XCTAssertThrowsError(try LungSegmenter.segment(head)) { error in
            guard case .lungsNotFound(let reason)? = error as? ImagingError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("0.0 mL"), reason)
        }
    }

    func testTheAirThresholdIsOtsusWhenTheScanHoldsNoAir() throws {
        let g = try ImageGeometry(size: GridSize(10, 10, 2))
        var values: [Int16] = []
        for n in 0..<200 { values.append(Int16(n < 100 ? 100 + n % 7 : 900 + n % 5)) }
        let t = LungSegmenter.automaticAirThreshold(try Volume(geometry: g, voxels: values))
        XCTAssertGreaterThan(t, 106)
        XCTAssertLessThan(t, 900)
        var air = values
        air[0...5] = [-1000, -1000, -1000, -1000, -1000, -1000]
        XCTAssertEqual(LungSegmenter.automaticAirThreshold(try Volume(geometry: g, voxels: air)), -320)
    }

    func rotation(degrees: Double, axis: Vector3) -> Matrix3 {
        let a = axis / length(axis), t = degrees * .pi / 180, c = cos(t), s = sin(t), v = 1 - c
        return Matrix3(rows:
            Vector3(c + a.x * a.x * v, a.x * a.y * v - a.z * s, a.x * a.z * v + a.y * s),
            Vector3(a.y * a.x * v + a.z * s, c + a.y * a.y * v, a.y * a.z * v - a.x * s),
            Vector3(a.z * a.x * v - a.y * s, a.z * a.y * v + a.x * s, c + a.z * a.z * v))
    }
}
