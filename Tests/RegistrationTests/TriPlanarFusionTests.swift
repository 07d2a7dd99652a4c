import ImagingCore
import XCTest
@testable import Registration

/// The three fusion views are drawn in millimetres and in radiological orientation, whatever
/// the grid's spacing and direction matrix.
final class TriPlanarFusionTests: XCTestCase {
    /// A black CT on an anisotropic grid whose i axis runs to the patient's right (a flipped
    /// direction matrix), and a PET blob (SUV 10, 4 mm wide) at `hot`, both on that grid.
    private func pair(hot: Vector3) throws -> (ct: Volume<Float>, pet: Volume<Float>) {
        let g = try ImageGeometry(size: GridSize(40, 30, 10), origin: Vector3(20, -15, -18), spacing: Vector3(1, 1.5, 4),
                                  direction: Matrix3(rows: Vector3(-1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)))
        let ct = Volume<Float>(geometry: g, repeating: -1000)
        var pet = Volume<Float>(geometry: g, repeating: 0)
        for k in 0..<10 { for j in 0..<30 { for i in 0..<40 {
            let d = g.indexToWorld(VoxelIndex(i, j, k)) - hot
            pet[i, j, k] = Float(10 * exp(-dot(d, d) / (2 * 16)))
        } } }
        return (ct, pet)
    }

    func testEachViewShowsTheHotSpotWhereRadiologicalOrientationPutsIt() throws {
        // Right (−x), anterior (−y) and superior (+z) of the volume centre (0.5, 6.75, 0).
        let hot = Vector3(-4, -6, 6)
        let (ct, pet) = try pair(hot: hot)
        let picture = TriPlanarFusion(fixed: ct, overlay: pet, through: hot, window: -1000...400, overlayRange: 0...20, pixelMM: 0.5)
        XCTAssertEqual(picture.pixelMM, 0.5)
        XCTAssertEqual(picture.panels.map(\.plane), [.axial, .coronal, .sagittal])
        // World box of the voxel centres: x −19…20, y −15…28.5, z −18…18.
        let low = Vector3(-19, -15, -18), high = Vector3(20, 28.5, 18)
        let expected: [(Double, Double)] = [
            ((hot.x - low.x) / 0.5, (hot.y - low.y) / 0.5),      // axial: right → patient's left, down → posterior
            ((hot.x - low.x) / 0.5, (high.z - hot.z) / 0.5),     // coronal: down → inferior
            ((hot.y - low.y) / 0.5, (high.z - hot.z) / 0.5),     // sagittal: right → posterior (anterior on the left)
        ]
        // Sizes follow the millimetre extents (36 mm of z is 73 rows, not 10 slices).
        XCTAssertEqual(picture.panels.map(\.width), [79, 79, 88])
        XCTAssertEqual(picture.panels.map(\.height), [88, 73, 73])
        for (panel, (u, v)) in zip(picture.panels, expected) {
            var best = (x: 0, y: 0, red: -1)
            for y in panel.y..<(panel.y + panel.height) { for x in panel.x..<(panel.x + panel.width) {
                // Red over blue: the hot map's orange, not the white letters or green ticks.
                let p = (y * picture.width + x) * 3
                let red = Int(picture.rgb[p]) - Int(picture.rgb[p + 2])
                if red > best.red { best = (x, y, red) }
            } }
            XCTAssertGreaterThan(best.red, 60, "\(panel.plane): no hot spot")
            XCTAssertEqual(Double(best.x - panel.x), u, accuracy: 1.5, "\(panel.plane) column")
            XCTAssertEqual(Double(best.y - panel.y), v, accuracy: 1.5, "\(panel.plane) row")
            let mapped = try XCTUnwrap(panel.pixel(of: hot))
            XCTAssertEqual(Double(mapped.x - panel.x), u, accuracy: 0.51)
            XCTAssertEqual(Double(mapped.y - panel.y), v, accuracy: 0.51)
        }
        XCTAssertEqual(TriPlanarFusion.letters(.axial).left, "R")
        XCTAssertEqual(TriPlanarFusion.letters(.sagittal).left, "A")
    }

    func testDefaultPixelsAreHalfTheFinestSpacingAndBounded() throws {
        let (ct, pet) = try pair(hot: Vector3(0, 0, 0))
        XCTAssertEqual(TriPlanarFusion(fixed: ct, overlay: pet, through: .zero, window: -1000...400, overlayRange: 0...20).pixelMM, 0.5)
        let small = TriPlanarFusion(fixed: ct, overlay: pet, through: .zero, window: -1000...400, overlayRange: 0...20, maximumSide: 40)
        XCTAssertEqual(small.pixelMM, 43.5 / 40, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(small.panels.map(\.width).max() ?? 0, 41)
    }
}
