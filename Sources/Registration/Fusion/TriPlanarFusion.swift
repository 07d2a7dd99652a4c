import Foundation
import ImagingCore

/// Axial, coronal and sagittal fusion views through one world point, side by side, drawn in
/// millimetres (square display pixels whatever the voxel spacing or direction matrix) and in
/// radiological orientation: the patient's right on the image's left in axial and coronal
/// views, anterior on the left in the sagittal view, head up; orientation letters on the
/// panel edges, ticks at the point's position, and one colour bar of the overlay's range
/// labelled with its top, middle and bottom values and unit (SUV for PET).
/// RGB bytes, row by row; write them with ImageFormats' PNGWriter.
public struct TriPlanarFusion: Sendable {
    public var rgb: [UInt8]
    public var width: Int, height: Int
    /// Millimetres per display pixel.
    public let pixelMM: Double
    /// Each panel's place in the picture and how to find a world point in it.
    public let panels: [Panel]

    /// One view of the picture.
    public struct Panel: Sendable {
        public let plane: FusionPlane
        /// Left edge of the panel in the picture (pixels), its size, and its grid in the world.
        public let x: Int, width: Int, height: Int
        public let geometry: ImageGeometry

        /// Top edge of the panel in the picture (pixels).
        public let y: Int

        /// The picture pixel (column, row) of a world point, when it falls in this panel.
        public func pixel(of point: Vector3) -> (x: Int, y: Int)? {
            let c = geometry.worldToContinuousIndex(point)
            let u = Int(c.x.rounded()), v = Int(c.y.rounded())
            guard u >= 0, u < width, v >= 0, v < height else { return nil }
            return (x + u, y + v)
        }
    }

    /// `fixed` (CT) and `overlay` (PET on the same or any grid; both are sampled in the
    /// world) through `centre` (LPS mm). Each panel covers the fixed image's extent; `pixelMM`
    /// defaults to half the finest spacing, but no panel side above `maximumSide` pixels.
    /// `overlayUnit` names the colour bar's values (nil: numbers alone).
    public init(fixed: Volume<Float>, overlay: Volume<Float>?, through centre: Vector3, window: ClosedRange<Double>,
                overlayRange: ClosedRange<Double>, style: FusionStyle = .hot, opacity: Double = 0.6,
                pixelMM: Double? = nil, maximumSide: Int = 400, overlayUnit: String? = "SUV") {
        let box = Self.worldBox(fixed.geometry)
        let extent = box.high - box.low
        let finest = min(fixed.geometry.spacing.x, fixed.geometry.spacing.y, fixed.geometry.spacing.z)
        let largest = max(extent.x, extent.y, extent.z)
        let step = max(pixelMM ?? finest / 2, largest / Double(max(16, maximumSide)), 1e-3)
        self.pixelMM = step
        // (image column direction, image row direction, normal) in LPS for each plane.
        let axes: [(FusionPlane, Vector3, Vector3, Vector3)] = [
            (.axial, Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)),
            (.coronal, Vector3(1, 0, 0), Vector3(0, 0, -1), Vector3(0, 1, 0)),
            (.sagittal, Vector3(0, 1, 0), Vector3(0, 0, -1), Vector3(-1, 0, 0)),
        ]
        let gap = 6, bar = overlay != nil && style == .hot ? 16 : 0, margin = 10, glyph = 2
        let barLabels = bar > 0 ? Self.barLabels(overlayRange, unit: overlayUnit) : []
        let labelWidth = barLabels.map { PixelFont.width($0, scale: glyph) }.max().map { $0 + 6 } ?? 0
        var pictures: [(Panel, FusionPicture)] = []
        var x = 0
        for (plane, u, v, n) in axes {
            func span(_ d: Vector3) -> (low: Double, length: Double) {
                let a = dot(box.low, d), b = dot(box.high, d)
                return (min(a, b), abs(b - a))
            }
            let su = span(u), sv = span(v)
            let w = max(1, Int((su.length / step).rounded(.up)) + 1), h = max(1, Int((sv.length / step).rounded(.up)) + 1)
            let origin = u * su.low + v * sv.low + n * dot(centre, n)
            let geometry = ImageGeometry(unchecked: GridSize(w, h, 1), origin: origin, spacing: Vector3(step, step, step),
                                         direction: Matrix3(columns: u, v, n))
            let ct = TransformResampler.resample(fixed, onto: geometry, interpolation: .linear, defaultValue: Float(window.lowerBound))
            let pet = overlay.map { TransformResampler.resample($0, onto: geometry, interpolation: .linear, defaultValue: .nan) }
            let picture = FusionPicture(fixed: ct, overlay: pet, plane: .axial, index: 0, window: window, overlayRange: overlayRange,
                                        style: style, opacity: opacity, scale: 1, colourBar: false)
            pictures.append((Panel(plane: plane, x: x + margin, width: w, height: h, geometry: geometry, y: margin), picture))
            x += w + gap + 2 * margin
        }
        let panelsHeight = pictures.map { $0.0.height }.max() ?? 1
        let width = x - gap + (bar > 0 ? bar + 4 + labelWidth : 0), height = panelsHeight + 2 * margin
        var out = [UInt8](repeating: 0, count: width * height * 3)
        func set(_ px: Int, _ py: Int, _ c: (UInt8, UInt8, UInt8)) {
            guard px >= 0, px < width, py >= 0, py < height else { return }
            let p = (py * width + px) * 3
            out[p] = c.0; out[p + 1] = c.1; out[p + 2] = c.2
        }
        var placed: [Panel] = []
        for (panel, picture) in pictures {
            for py in 0..<panel.height { for px in 0..<panel.width {
                let p = (py * picture.width + px) * 3
                set(panel.x + px, margin + py, (picture.rgb[p], picture.rgb[p + 1], picture.rgb[p + 2]))
            } }
            placed.append(panel)
            // Ticks at the centre's column and row, outside the image so nothing is hidden.
            let green: (UInt8, UInt8, UInt8) = (0, 230, 0)
            let c = panel.geometry.worldToContinuousIndex(centre)
            let cu = Int(c.x.rounded()), cv = Int(c.y.rounded())
            for t in 1...6 {
                set(panel.x + cu, margin - t, green); set(panel.x + cu, margin + panel.height - 1 + t, green)
                set(panel.x - t, margin + cv, green); set(panel.x + panel.width - 1 + t, margin + cv, green)
            }
            // Orientation letters on the edges the axes point to.
            let letters = Self.letters(panel.plane)
            let white: (UInt8, UInt8, UInt8) = (255, 255, 255)
            let side = PixelFont.width("R", scale: glyph), middle = margin + panel.height / 2 - 5
            PixelFont.draw(letters.left, x: panel.x + 3, y: middle, scale: glyph) { set($0, $1, white) }
            PixelFont.draw(letters.right, x: panel.x + panel.width - 3 - side, y: middle, scale: glyph) { set($0, $1, white) }
            PixelFont.draw(letters.top, x: panel.x + panel.width / 2 - side / 2, y: margin + 3, scale: glyph) { set($0, $1, white) }
            PixelFont.draw(letters.bottom, x: panel.x + panel.width / 2 - side / 2, y: margin + panel.height - 13, scale: glyph) { set($0, $1, white) }
        }
        if bar > 0 {
            let left = width - labelWidth - bar
            for y in margin..<(margin + panelsHeight) {
                let hot = FusionPicture.hot(1 - Double(y - margin) / Double(max(panelsHeight - 1, 1)))
                for x in left..<(left + bar - 4) { set(x, y, (UInt8(hot.0.rounded()), UInt8(hot.1.rounded()), UInt8(hot.2.rounded()))) }
            }
            // Top, middle and bottom values beside the bar, the unit under the top one.
            let white: (UInt8, UInt8, UInt8) = (255, 255, 255), textX = left + bar + 2, tall = 5 * glyph
            let rows = [margin, margin + panelsHeight / 2 - tall / 2, margin + panelsHeight - tall, margin + tall + 4]
            for (text, y) in zip(barLabels, rows) { PixelFont.draw(text, x: textX, y: y, scale: glyph) { set($0, $1, white) } }
        }
        self.width = width
        self.height = height
        panels = placed
        rgb = out
    }

    /// The colour bar's labels: its top, middle and bottom values (one decimal under 100),
    /// then the unit when there is one.
    static func barLabels(_ range: ClosedRange<Double>, unit: String?) -> [String] {
        let text = { (v: Double) in abs(v) < 100 ? String(format: "%.1f", v) : String(format: "%.0f", v) }
        let values = [range.upperBound, (range.lowerBound + range.upperBound) / 2, range.lowerBound].map(text)
        return values + (unit.map { [$0] } ?? [])
    }

    /// The letters at a plane's left, right, top and bottom edges (LPS: +x is the patient's
    /// left, +y posterior, +z superior).
    static func letters(_ plane: FusionPlane) -> (left: String, right: String, top: String, bottom: String) {
        switch plane {
        case .axial: ("R", "L", "A", "P")
        case .coronal: ("R", "L", "S", "I")
        case .sagittal: ("A", "P", "S", "I")
        }
    }

    /// The world bounding box of a grid's voxel centres.
    static func worldBox(_ g: ImageGeometry) -> (low: Vector3, high: Vector3) {
        let s = g.size
        var low = Vector3(.infinity, .infinity, .infinity), high = Vector3(-.infinity, -.infinity, -.infinity)
        for corner in 0..<8 {
            let index = Vector3(corner & 1 == 0 ? 0 : Double(s.i - 1), corner & 2 == 0 ? 0 : Double(s.j - 1),
                                corner & 4 == 0 ? 0 : Double(s.k - 1))
            let p = g.continuousIndexToWorld(index)
            low = Vector3(min(low.x, p.x), min(low.y, p.y), min(low.z, p.z))
            high = Vector3(max(high.x, p.x), max(high.y, p.y), max(high.z, p.z))
        }
        return (low, high)
    }
}
