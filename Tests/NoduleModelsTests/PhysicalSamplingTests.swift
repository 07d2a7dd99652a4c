import Annotations
import Foundation
import ImagingCore
import NoduleModels
import XCTest

/// Slices sampled by physical size: the same anatomy gives the same pixels on any spacing,
/// shrinking is anti-aliased, and screening maps a whole-slice canvas back to world mm.
final class PhysicalSamplingTests: XCTestCase {
    /// A one-slice CT of `side` pixels at `spacing` mm with a +200 HU disk of `radiusMM` at
    /// the slice centre, −1000 elsewhere.
    private func disk(side: Int, spacing: Double, radiusMM: Double) throws -> Volume<Int16> {
        let g = try ImageGeometry(size: GridSize(side, side, 1), spacing: Vector3(spacing, spacing, 2))
        let c = Double(side - 1) / 2
        var v = [Int16](repeating: -1000, count: side * side)
        for j in 0..<side { for i in 0..<side where hypot(Double(i) - c, Double(j) - c) * spacing <= radiusMM { v[j * side + i] = 200 } }
        return try Volume(geometry: g, voxels: v)
    }

    func testTheSameDiskFillsTheSamePixelsOnAnyPixelSpacing() throws {
        let fine = try disk(side: 192, spacing: 0.5, radiusMM: 6), coarse = try disk(side: 120, spacing: 0.8, radiusMM: 6)
        func area(_ sampler: SliceSampler, _ v: Volume<Int16>) -> Int { sampler.image(v, k: 0).filter { $0 > 0.5 }.count }
        let physical = SliceSampler(size: 32, pixelSpacingMM: 1.5)
        let expected = Double.pi * 36 / (1.5 * 1.5)  // 50.3 pixels of 1.5 mm
        for v in [fine, coarse] { XCTAssertEqual(Double(area(physical, v)), expected, accuracy: expected * 0.12) }
        // Stretching whole slices makes the disk's pixel size follow the field of view:
        // 96 mm and 96 mm here give the same, so shrink one field of view to show the drift.
        let small = try disk(side: 120, spacing: 0.5, radiusMM: 6)
        let stretched = SliceSampler(size: 32)
        XCTAssertGreaterThan(Double(area(stretched, small)) / Double(area(stretched, fine)), 2)
        XCTAssertEqual(Double(area(physical, small)), expected, accuracy: expected * 0.12)
    }

    func testShrinkingAveragesTheFootprintInsteadOfAliasing() throws {
        // A one-pixel checkerboard at 0.5 mm seen through 1.5 mm pixels is grey, not stripes.
        let side = 96
        let g = try ImageGeometry(size: GridSize(side, side, 1), spacing: Vector3(0.5, 0.5, 1))
        var v = [Int16](repeating: 0, count: side * side)
        for j in 0..<side { for i in 0..<side { v[j * side + i] = (i + j) % 2 == 0 ? -1000 : 400 } }
        let out = SliceSampler(size: 32, pixelSpacingMM: 1.5).image(try Volume(geometry: g, voxels: v), k: 0)
        for y in 1..<31 { for x in 1..<31 { XCTAssertEqual(out[y * 32 + x], 0.5, accuracy: 0.06, "pixel \(x),\(y)") } }
    }

    func testWindowsMapBothWaysAndTrainingWindowsHoldTheirNodule() throws {
        let g = try ImageGeometry(size: GridSize(200, 150, 1), spacing: Vector3(0.7, 0.6, 2))
        let sampler = SliceSampler(size: 32, pixelSpacingMM: 1.5)
        for (x, y) in [(5.0, 7.0), (190.0, 140.0), (100.0, 75.0)] {
            for jitter in [(-1.0, -1.0), (1.0, 1.0), (0.3, -0.8)] {
                let w = sampler.window(for: g, holding: x, y, jitter: jitter)
                let c = w.canvasPoint(i: x, j: y)
                XCTAssertTrue((0.0...31.0).contains(c.x) && (0.0...31.0).contains(c.y), "nodule at canvas \(c)")
                let back = w.slicePoint(x: c.x, y: c.y)
                XCTAssertEqual(back.x, x, accuracy: 1e-9)
                XCTAssertEqual(back.y, y, accuracy: 1e-9)
                // The window stays inside the slice where the slice is larger.
                XCTAssertGreaterThanOrEqual(w.slicePoint(x: -0.5, y: -0.5).x, -0.5 - 1e-9)
                XCTAssertLessThanOrEqual(w.slicePoint(x: 31.5, y: 31.5).y, 149.5 + 1e-9)
            }
        }
        let canvas = sampler.screeningWindow(for: g)
        XCTAssertEqual(canvas.width, 96)  // 200 × 0.7 mm = 140 mm → 94 pixels → 96
        XCTAssertEqual(canvas.canvasPoint(i: 99.5, j: 74.5).x, 47.5, accuracy: 1e-9)
        // Without a pixel size the window is the whole slice stretched, as before.
        XCTAssertEqual(SliceSampler(size: 32).screeningWindow(for: g).stepX, 200.0 / 32, accuracy: 1e-12)
    }

    func testScreeningFindsAnOffCentreNoduleInWorldMillimetres() throws {
        let size = GridSize(200, 160, 10)
        let g = try ImageGeometry(size: size, origin: Vector3(-70, -60, -20), spacing: Vector3(0.7, 0.7, 2))
        let centre = Vector3(170, 30, 5)
        var v = [Int16](repeating: -1000, count: size.voxelCount)
        let world = g.continuousIndexToWorld(centre)
        for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i where length(g.indexToWorld(VoxelIndex(i, j, k)) - world) <= 5 {
            v[(k * size.j + j) * size.i + i] = 200
        } } }
        let scan = try Volume(geometry: g, voxels: v)
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(), sampler: SliceSampler(size: 32, pixelSpacingMM: 1.5))
        let report = try CascadeScreener(screener: screener, classifier: nil).screen(AnyVolume(scan))
        XCTAssertEqual(report.screened.size, 96)
        XCTAssertEqual(report.screened.pairSize, 32)
        XCTAssertEqual(report.nodules.count, 1)
        let n = try XCTUnwrap(report.nodules.first)
        XCTAssertLessThan(length(n.center - world), 1.0, "\(n.center) vs \(world)")
        XCTAssertEqual(n.equivalentDiameterMM, 10, accuracy: 1.5)
        // The classifier's pair is the 32-pixel square around the slice's brightest pixel.
        let pair = report.screened.pair(slice: 5)
        XCTAssertEqual(pair.count, 2 * 32 * 32)
        XCTAssertGreaterThan(pair[(32 * 32)...].max() ?? 0, 0.99)
        XCTAssertLessThan(pair[(32 * 32)...].min() ?? 1, 0.01)
    }
}
