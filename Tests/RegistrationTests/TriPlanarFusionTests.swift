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

    /// The hottest pixel of each panel (red over blue: the hot map's orange, not the white
    /// letters or green ticks) lies at `expected` (column, row within the panel), and the
    /// panel maps `hot` there too.
    private func assertHotSpot(_ picture: TriPlanarFusion, at hot: Vector3, expected: [(Double, Double)],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        for (panel, (u, v)) in zip(picture.panels, expected) {
            var best = (x: 0, y: 0, red: -1)
            for y in panel.y..<(panel.y + panel.height) { for x in panel.x..<(panel.x + panel.width) {
                let p = (y * picture.width + x) * 3
                let red = Int(picture.rgb[p]) - Int(picture.rgb[p + 2])
                if red > best.red { best = (x, y, red) }
            } }
            XCTAssertGreaterThan(best.red, 60, "\(panel.plane): no hot spot", file: file, line: line)
            XCTAssertEqual(Double(best.x - panel.x), u, accuracy: 1.5, "\(panel.plane) column", file: file, line: line)
            XCTAssertEqual(Double(best.y - panel.y), v, accuracy: 1.5, "\(panel.plane) row", file: file, line: line)
            let mapped = try XCTUnwrap(panel.pixel(of: hot), file: file, line: line)
            XCTAssertEqual(Double(mapped.x - panel.x), u, accuracy: 0.51, file: file, line: line)
            XCTAssertEqual(Double(mapped.y - panel.y), v, accuracy: 0.51, file: file, line: line)
        }
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
        try assertHotSpot(picture, at: hot, expected: expected)
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

    func testASagittallyAcquiredAnisotropicVolumeIsDrawnInPatientOrientationAndMillimetres() throws {
        // Voxel axes: i runs anterior (0.8 mm), j inferior (1.2 mm), k to the patient's left
        // (3 mm slices), as a sagittal series stores them. A picture drawn from voxels would put
        // the sagittal slices in the axial panel and stretch 3 mm slices to one pixel.
        let g = try ImageGeometry(size: GridSize(30, 25, 12), origin: Vector3(-16, 12, 14), spacing: Vector3(0.8, 1.2, 3),
                                  direction: Matrix3(columns: Vector3(0, -1, 0), Vector3(0, 0, -1), Vector3(1, 0, 0)))
        let ct = Volume<Float>(geometry: g, repeating: -1000)
        var pet = Volume<Float>(geometry: g, repeating: 0)
        // Right (−x), anterior (−y) and inferior (−z) of the grid's centre (0.5, 0.4, -0.4).
        let hot = Vector3(-7, -4, -7.6)
        for k in 0..<12 { for j in 0..<25 { for i in 0..<30 {
            let d = g.indexToWorld(VoxelIndex(i, j, k)) - hot
            pet[i, j, k] = Float(10 * exp(-dot(d, d) / (2 * 9)))
        } } }
        let picture = TriPlanarFusion(fixed: ct, overlay: pet, through: hot, window: -1000...400, overlayRange: 0...20, pixelMM: 0.5)
        // Voxel centres span x −16…17, y −11.2…12, z −14.8…14.
        let box = TriPlanarFusion.worldBox(g)
        XCTAssertEqual(box.low.x, -16, accuracy: 1e-9); XCTAssertEqual(box.high.x, 17, accuracy: 1e-9)
        XCTAssertEqual(box.low.y, -11.2, accuracy: 1e-9); XCTAssertEqual(box.high.y, 12, accuracy: 1e-9)
        XCTAssertEqual(box.low.z, -14.8, accuracy: 1e-9); XCTAssertEqual(box.high.z, 14, accuracy: 1e-9)
        // Pixel sizes follow millimetres: 33 mm of x (12 slices) is 67 columns, 28.8 mm of z 59 rows.
        XCTAssertEqual(picture.panels.map(\.width), [67, 67, 48])
        XCTAssertEqual(picture.panels.map(\.height), [48, 59, 59])
        try assertHotSpot(picture, at: hot, expected: [
            ((hot.x + 16) / 0.5, (hot.y + 11.2) / 0.5),   // axial: patient's right on the left, anterior up
            ((hot.x + 16) / 0.5, (14 - hot.z) / 0.5),     // coronal: head up
            ((hot.y + 11.2) / 0.5, (14 - hot.z) / 0.5),   // sagittal: anterior on the left
        ])
    }

    func testTheColourBarIsLabelledWithItsRangeInSUV() throws {
        XCTAssertEqual(TriPlanarFusion.barLabels(0...12.5, unit: "SUV"), ["12.5", "6.2", "0.0", "SUV"])
        XCTAssertEqual(TriPlanarFusion.barLabels(-1000...400, unit: nil), ["400", "-300", "-1000"])
        let (ct, pet) = try pair(hot: Vector3(0, 0, 0))
        let fused = TriPlanarFusion(fixed: ct, overlay: pet, through: .zero, window: -1000...400, overlayRange: 0...12.5, pixelMM: 0.5)
        let plain = TriPlanarFusion(fixed: ct, overlay: nil, through: .zero, window: -1000...400, overlayRange: 0...12.5, pixelMM: 0.5)
        let panelsRight = try XCTUnwrap(fused.panels.last).x + (fused.panels.last?.width ?? 0)
        // The bar (white at the top, black at the bottom) and a label column beside it.
        let labels = PixelFont.width("12.5", scale: 2) + 6
        XCTAssertEqual(fused.width, plain.width + 16 + 4 + labels)
        let barX = fused.width - labels - 16 + 4, top = fused.panels[0].y, bottom = top + (fused.panels.map(\.height).max() ?? 0) - 1
        XCTAssertGreaterThan(barX, panelsRight)
        XCTAssertEqual(Array(fused.rgb[((top * fused.width) + barX) * 3..<((top * fused.width) + barX) * 3 + 3]), [255, 255, 255])
        XCTAssertEqual(Array(fused.rgb[((bottom * fused.width) + barX) * 3..<((bottom * fused.width) + barX) * 3 + 3]), [0, 0, 0])
        // Some label pixels are lit at the top value's row and none in the column without text.
        let lit = { (y0: Int, y1: Int) in (y0..<y1).reduce(0) { n, y in
            n + ((fused.width - labels)..<fused.width).filter { fused.rgb[(y * fused.width + $0) * 3] == 255 }.count } }
        XCTAssertGreaterThan(lit(top, top + 10), 20, "the top value is written")
        XCTAssertGreaterThan(lit(top + 14, top + 24), 10, "the unit is written")
        XCTAssertGreaterThan(lit(bottom - 9, bottom + 1), 10, "the bottom value is written")
    }
}
