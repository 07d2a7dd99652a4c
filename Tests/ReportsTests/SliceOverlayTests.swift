import XCTest
import ImagingCore
import Reports

final class SliceOverlayTests: XCTestCase {
    func testLungWindowMapsHounsfieldToGray() {
        let w = HounsfieldWindow.lung
        XCTAssertEqual(w.gray(-1000), 0)
        XCTAssertEqual(w.gray(-2000), 0)
        XCTAssertEqual(w.gray(400), 255)
        XCTAssertEqual(w.gray(-300), 128) // halfway: 127.5 rounds up
    }

    func testOutlineMarksOnlyTheMaskBorderOnTheChosenSlice() throws {
        let g = try ImageGeometry(size: GridSize(9, 9, 2))
        var image = Volume<Int16>(geometry: g, repeating: -300)
        image[0, 0, 1] = 400
        var mask = Volume<UInt8>(geometry: g, repeating: 0)
        for j in 2...6 { for i in 2...6 { mask[i, j, 1] = 1 } }
        let overlay = SliceOverlay(image: image, mask: mask, k: 1, scale: 1)
        XCTAssertEqual(overlay.width, 9)
        func pixel(_ i: Int, _ j: Int) -> [UInt8] { Array(overlay.rgb[((j * 9 + i) * 3)..<((j * 9 + i) * 3 + 3)]) }
        XCTAssertEqual(pixel(2, 2), [255, 40, 40])   // border
        XCTAssertEqual(pixel(6, 4), [255, 40, 40])
        XCTAssertEqual(pixel(4, 4), [128, 128, 128]) // interior keeps the CT
        XCTAssertEqual(pixel(1, 4), [128, 128, 128]) // outside
        XCTAssertEqual(pixel(0, 0), [255, 255, 255]) // slice 1's own value
        // Slice 0 has no mask: no red anywhere.
        let plain = SliceOverlay(image: image, mask: mask, k: 0, scale: 2)
        XCTAssertEqual(plain.width, 18)
        XCTAssertFalse(stride(from: 0, to: plain.rgb.count, by: 3).contains { plain.rgb[$0] == 255 && plain.rgb[$0 + 1] == 40 })
    }
}
