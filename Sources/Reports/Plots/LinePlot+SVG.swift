import Foundation
import ImagingCore

extension LinePlot {
    /// The plot as a standalone SVG document of `width` × `height` pixels.
    public func svg(width: Int = 640, height: Int = 420) -> String {
        let frame = PlotFrame(width: width, height: height, ranges: ranges)
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        func rgb(_ c: (UInt8, UInt8, UInt8)) -> String { "rgb(\(c.0),\(c.1),\(c.2))" }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(width / 2)\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(esc(title))</text>\n"
        s += "<rect x=\"\(frame.left)\" y=\"\(frame.top)\" width=\"\(frame.right - frame.left)\" height=\"\(frame.bottom - frame.top)\" fill=\"none\" stroke=\"black\"/>\n"
        for t in Self.ticks(frame.ranges.x) {
            let x = frame.px(t)
            s += "<line x1=\"\(f(x))\" y1=\"\(frame.bottom)\" x2=\"\(f(x))\" y2=\"\(frame.bottom + 5)\" stroke=\"black\"/>"
            s += "<text x=\"\(f(x))\" y=\"\(frame.bottom + 18)\" text-anchor=\"middle\">\(Self.label(t))</text>\n"
        }
        for t in Self.ticks(frame.ranges.y) {
            let y = frame.py(t)
            s += "<line x1=\"\(frame.left - 5)\" y1=\"\(f(y))\" x2=\"\(frame.left)\" y2=\"\(f(y))\" stroke=\"black\"/>"
            s += "<text x=\"\(frame.left - 8)\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(Self.label(t))</text>\n"
        }
        s += "<text x=\"\((frame.left + frame.right) / 2)\" y=\"\(height - 8)\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        s += "<text transform=\"translate(16,\((frame.top + frame.bottom) / 2)) rotate(-90)\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        if showsDiagonal {
            s += "<line x1=\"\(f(frame.px(0)))\" y1=\"\(f(frame.py(0)))\" x2=\"\(f(frame.px(1)))\" y2=\"\(f(frame.py(1)))\" stroke=\"gray\" stroke-dasharray=\"4 4\"/>\n"
        }
        for line in series {
            let pts = line.points.filter { $0.x.isFinite && $0.y.isFinite }.map { "\(f(frame.px($0.x))),\(f(frame.py($0.y)))" }
            s += "<polyline fill=\"none\" stroke=\"\(rgb(line.colour))\" stroke-width=\"2\" points=\"\(pts.joined(separator: " "))\"/>\n"
        }
        if !series.isEmpty {
            // 12 px sans-serif: about 7 px a character.
            let box = legendLayout(in: frame, textWidth: { $0.count * 7 })
            s += "<rect x=\"\(box.left)\" y=\"\(box.top)\" width=\"\(box.right - box.left)\" height=\"\(box.bottom - box.top)\" fill=\"white\" stroke=\"gray\"/>\n"
            for (line, ly) in zip(series, box.rows) {
                s += "<line x1=\"\(box.left + 6)\" y1=\"\(ly + 8)\" x2=\"\(box.left + 26)\" y2=\"\(ly + 8)\" stroke=\"\(rgb(line.colour))\" stroke-width=\"2\"/>"
                s += "<text x=\"\(box.left + 32)\" y=\"\(ly + 12)\">\(esc(line.name))</text>\n"
            }
        }
        return s + "</svg>\n"
    }

    /// Writes the SVG atomically.
    public func writeSVG(to url: URL, width: Int = 640, height: Int = 420) throws {
        try AtomicFile.write(Data(svg(width: width, height: height).utf8), to: url)
    }
}

/// Where the plotting area sits in the picture and how data maps to pixels.
struct PlotFrame {
    let width: Int, height: Int
    let left = 64, top = 36
    var right: Int { width - 16 }
    var bottom: Int { height - 44 }
    let ranges: (x: ClosedRange<Double>, y: ClosedRange<Double>)

    func px(_ x: Double) -> Double {
        Double(left) + (x - ranges.x.lowerBound) / (ranges.x.upperBound - ranges.x.lowerBound) * Double(right - left)
    }
    func py(_ y: Double) -> Double {
        Double(bottom) - (y - ranges.y.lowerBound) / (ranges.y.upperBound - ranges.y.lowerBound) * Double(bottom - top)
    }
}
