import Foundation
import ImageFormats
import ImagingCore

extension LinePlot {
    /// The plot drawn into an RGB raster (`width × height × 3`, row-major).
    public func raster(width: Int = 640, height: Int = 420) -> [UInt8] {
        var canvas = Canvas(width: width, height: height)
        let frame = PlotFrame(width: width, height: height, ranges: ranges)
        let black: (UInt8, UInt8, UInt8) = (0, 0, 0), gray: (UInt8, UInt8, UInt8) = (150, 150, 150)
        canvas.text(title, x: (width - PixelFont.width(title, scale: 2)) / 2, y: 10, scale: 2, colour: black)
        canvas.rectangle(left: frame.left, top: frame.top, right: frame.right, bottom: frame.bottom, colour: black)
        for t in Self.ticks(frame.ranges.x) {
            let x = Int(frame.px(t).rounded())
            canvas.line(Double(x), Double(frame.bottom), Double(x), Double(frame.bottom + 5), colour: black, thickness: 1)
            let label = Self.label(t)
            canvas.text(label, x: x - PixelFont.width(label, scale: 2) / 2, y: frame.bottom + 9, scale: 2, colour: black)
        }
        for t in Self.ticks(frame.ranges.y) {
            let y = Int(frame.py(t).rounded())
            canvas.line(Double(frame.left - 5), Double(y), Double(frame.left), Double(y), colour: black, thickness: 1)
            let label = Self.label(t)
            canvas.text(label, x: frame.left - 8 - PixelFont.width(label, scale: 2), y: y - 5, scale: 2, colour: black)
        }
        canvas.text(xLabel, x: (frame.left + frame.right - PixelFont.width(xLabel, scale: 2)) / 2, y: height - 16, scale: 2, colour: black)
        canvas.text(yLabel, x: 4, y: frame.top - 14, scale: 2, colour: black)
        if showsDiagonal {
            canvas.line(frame.px(0), frame.py(0), frame.px(1), frame.py(1), colour: gray, thickness: 1)
        }
        for line in series {
            let pts = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            for (a, b) in zip(pts, pts.dropFirst()) {
                canvas.line(frame.px(a.x), frame.py(a.y), frame.px(b.x), frame.py(b.y), colour: line.colour, thickness: 2)
            }
            if pts.count == 1, let p = pts.first {
                canvas.line(frame.px(p.x) - 2, frame.py(p.y), frame.px(p.x) + 2, frame.py(p.y), colour: line.colour, thickness: 3)
            }
        }
        if !series.isEmpty {
            let box = legendLayout(in: frame, textWidth: { PixelFont.width($0, scale: 2) })
            canvas.fill(left: box.left, top: box.top, right: box.right, bottom: box.bottom, colour: (255, 255, 255))
            canvas.rectangle(left: box.left, top: box.top, right: box.right, bottom: box.bottom, colour: gray)
            for (line, ly) in zip(series, box.rows) {
                canvas.line(Double(box.left + 6), Double(ly + 5), Double(box.left + 26), Double(ly + 5), colour: line.colour, thickness: 2)
                canvas.text(line.name, x: box.left + 32, y: ly + 1, scale: 2, colour: black)
            }
        }
        return canvas.pixels
    }

    /// Writes the plot as a PNG, atomically.
    public func writePNG(to url: URL, width: Int = 640, height: Int = 420) throws {
        try PNGWriter.writeRGB(raster(width: width, height: height), width: width, height: height, to: url)
    }
}

/// A white RGB canvas with clipped drawing primitives.
struct Canvas {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 3)
    }

    mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let o = (y * width + x) * 3
        pixels[o] = c.0; pixels[o + 1] = c.1; pixels[o + 2] = c.2
    }

    /// A straight line, `thickness` pixels wide, stepped one pixel at a time.
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, colour: (UInt8, UInt8, UInt8), thickness: Int) {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return }
        let steps = Int(min(max(abs(x1 - x0), abs(y1 - y0)), 10_000).rounded(.up))
        let half = thickness / 2
        for s in 0...max(steps, 1) {
            let t = steps == 0 ? 0 : Double(s) / Double(steps)
            let x = Int((x0 + (x1 - x0) * t).rounded()), y = Int((y0 + (y1 - y0) * t).rounded())
            for dy in -half..<(thickness - half) { for dx in -half..<(thickness - half) { set(x + dx, y + dy, colour) } }
        }
    }

    mutating func rectangle(left: Int, top: Int, right: Int, bottom: Int, colour: (UInt8, UInt8, UInt8)) {
        line(Double(left), Double(top), Double(right), Double(top), colour: colour, thickness: 1)
        line(Double(left), Double(bottom), Double(right), Double(bottom), colour: colour, thickness: 1)
        line(Double(left), Double(top), Double(left), Double(bottom), colour: colour, thickness: 1)
        line(Double(right), Double(top), Double(right), Double(bottom), colour: colour, thickness: 1)
    }

    mutating func fill(left: Int, top: Int, right: Int, bottom: Int, colour: (UInt8, UInt8, UInt8)) {
        for y in max(0, top)...min(height - 1, max(top, bottom)) {
            for x in max(0, left)...min(width - 1, max(left, right)) { set(x, y, colour) }
        }
    }

    mutating func text(_ s: String, x: Int, y: Int, scale: Int, colour: (UInt8, UInt8, UInt8)) {
        PixelFont.draw(s, x: x, y: y, scale: scale) { px, py in set(px, py, colour) }
    }
}
