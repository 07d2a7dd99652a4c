import Foundation
import XCTest
import ImageFormats
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
}
