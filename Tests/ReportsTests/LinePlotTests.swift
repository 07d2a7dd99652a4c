import Foundation
import XCTest
import ImageFormats
import ImagingCore
import NoduleModels
import Reports
import TestSupport

final class LinePlotTests: XCTestCase {
    func lossPlot() -> LinePlot {
        LinePlot(title: "Loss", xLabel: "epoch", yLabel: "loss",
                 series: [.init(name: "train", points: [(1, 0.9), (2, 0.5), (3, 0.3)], colour: LinePlot.palette[0]),
                          .init(name: "validation", points: [(1, 1.0), (2, 0.7), (3, 0.6)], colour: LinePlot.palette[1])])
    }

    func testSVGHoldsEverySeriesAndLabel() {
        let svg = lossPlot().svg()
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        for text in ["Loss", "epoch", "train", "validation"] { XCTAssertTrue(svg.contains(">\(text)<"), text) }
    }

    func testRasterDrawsLinesInTheirColoursInsideTheFrame() {
        let plot = lossPlot()
        let pixels = plot.raster(width: 320, height: 240)
        XCTAssertEqual(pixels.count, 320 * 240 * 3)
        func count(_ c: (UInt8, UInt8, UInt8)) -> Int {
            stride(from: 0, to: pixels.count, by: 3).filter { pixels[$0] == c.0 && pixels[$0 + 1] == c.1 && pixels[$0 + 2] == c.2 }.count
        }
        XCTAssertGreaterThan(count(LinePlot.palette[0]), 100)
        XCTAssertGreaterThan(count(LinePlot.palette[1]), 100)
        XCTAssertGreaterThan(count((0, 0, 0)), 500) // frame, ticks, text
        XCTAssertGreaterThan(count((255, 255, 255)), 320 * 240 / 2)
    }

    func testROCPlotOfAPerfectClassifierHugsTheTopLeftCorner() throws {
        let roc = ROCCurve(scores: [0.9, 0.8, 0.3, 0.1], labels: [true, true, false, false])
        let plot = LinePlot.roc(title: "ROC", curves: [("model", roc.points.map { ($0.falsePositiveRate, $0.truePositiveRate) })])
        let svg = plot.svg(width: 400, height: 300)
        // (0,0) → (0,1) → (1,1): the polyline passes through the frame's top-left corner.
        XCTAssertTrue(svg.contains("64.00,36.00"), svg)
        let folder = try TestEnvironment.temporaryDirectory(self)
        try plot.writePNG(to: folder.appendingPathComponent("roc.png"))
        try plot.writeSVG(to: folder.appendingPathComponent("roc.svg"))
        let png = try Data(contentsOf: folder.appendingPathComponent("roc.png"))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    /// The ROC legend of the cascade report ran off the right edge over the curves: names as
    /// long as the report's must be drawn whole, on a box the curves do not cross.
    func testROCLegendHoldsLongNamesWholeInTheFreeCornerAboveTheCurves() {
        let names = ["encoder (AUC 0.567)", "diameter-rule (AUC 0.607)", "max-intensity-rule (AUC 0.590)"]
        let curve: [(x: Double, y: Double)] = stride(from: 0.0, through: 1.0, by: 0.01).map { ($0, min(1, $0 * 1.4)) }
        let plot = LinePlot.roc(title: "ROC", curves: names.map { ($0, curve) })
        let width = 640, height = 420
        let pixels = plot.raster(width: width, height: height)
        func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
            let o = (y * width + x) * 3
            return (pixels[o], pixels[o + 1], pixels[o + 2])
        }
        // Black text pixels of the legend: find its rows below the diagonal, right half.
        var textRight = 0, textTop = height, textBottom = 0
        for y in height / 2..<(height - 44) {
            for x in width / 2..<width where pixel(x, y) == (0, 0, 0) && x < width - 17 {
                textRight = max(textRight, x)
                textTop = min(textTop, y)
                textBottom = max(textBottom, y)
            }
        }
        XCTAssertGreaterThan(textBottom, textTop, "no legend text in the lower right")
        // The longest name ends inside the frame (its right edge is width − 16).
        let longest = 32 + PixelFont.width(names[2], scale: 2)
        XCTAssertLessThan(textRight, width - 16)
        XCTAssertGreaterThan(textRight, width - 16 - 4 - longest - 20, "the longest name was cut short")
        // Inside the legend's text rows no curve colour shows except the three swatches.
        var curvePixels = 0
        for y in textTop...textBottom {
            for x in (textRight - PixelFont.width(names[2], scale: 2) + 1)...textRight {
                let c = pixel(x, y)
                if LinePlot.palette.prefix(3).contains(where: { $0 == c }) { curvePixels += 1 }
            }
        }
        XCTAssertEqual(curvePixels, 0, "a curve runs through the legend's names")
        // The SVG sizes its box for the same names.
        XCTAssertTrue(plot.svg().contains(">max-intensity-rule (AUC 0.590)<"))
    }
}
