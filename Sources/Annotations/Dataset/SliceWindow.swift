import Foundation

/// Where a network input's pixels fall on one slice of a scan: output pixel (x, y) of a
/// `width × height` canvas reads the slice at continuous pixel coordinates
/// `(originX + x · stepX, originY + y · stepY)` (pixel centres, as ITK and OpenCV count).
/// A step above 1 shrinks the slice; `SliceSampler` then averages the footprint
/// (anti-aliasing) when it samples by physical size.
public struct SliceWindow: Sendable, Equatable {
    /// Canvas side in pixels (x, then y).
    public var width: Int
    public var height: Int
    /// Slice coordinates of output pixel (0, 0)'s centre.
    public var originX: Double
    public var originY: Double
    /// Slice pixels per output pixel along x (i) and y (j).
    public var stepX: Double
    public var stepY: Double

    public init(width: Int, height: Int, originX: Double, originY: Double, stepX: Double, stepY: Double) {
        self.width = width
        self.height = height
        self.originX = originX
        self.originY = originY
        self.stepX = stepX
        self.stepY = stepY
    }

    /// The window of `canvasWidth × canvasHeight` output pixels of `stepX × stepY` slice
    /// pixels each, centred on slice coordinates (`centreX`, `centreY`).
    public static func centred(canvasWidth: Int, canvasHeight: Int, stepX: Double, stepY: Double,
                               centreX: Double, centreY: Double) -> SliceWindow {
        SliceWindow(width: canvasWidth, height: canvasHeight,
                    originX: centreX - (Double(canvasWidth) / 2 - 0.5) * stepX,
                    originY: centreY - (Double(canvasHeight) / 2 - 0.5) * stepY, stepX: stepX, stepY: stepY)
    }

    /// Slice coordinates of output pixel (x, y).
    public func slicePoint(x: Double, y: Double) -> (x: Double, y: Double) {
        (originX + x * stepX, originY + y * stepY)
    }

    /// Output (canvas) coordinates of slice pixel (i, j): the inverse of `slicePoint`.
    public func canvasPoint(i: Double, j: Double) -> (x: Double, y: Double) {
        ((i - originX) / stepX, (j - originY) / stepY)
    }

    /// The `width × height` sub-window whose pixel (0, 0) is this window's (x0, y0).
    public func cropped(x0: Int, y0: Int, width: Int, height: Int) -> SliceWindow {
        SliceWindow(width: width, height: height, originX: originX + Double(x0) * stepX,
                    originY: originY + Double(y0) * stepY, stepX: stepX, stepY: stepY)
    }

    /// Samples a `sliceWidth × sliceHeight` plane through the window (row-major, y then x).
    /// Points outside the plane (beyond half a pixel of its edge) read `outside`; inside,
    /// bilinear with clamped edges, or the nearest pixel (halves rounded up) for labels.
    /// `taps` > 1 averages taps × taps bilinear samples spread over each output pixel's
    /// footprint (a box filter: anti-aliasing when the step exceeds 1).
    func sample(sliceWidth: Int, sliceHeight: Int, nearest: Bool, taps: Int, outside: Double,
                _ at: (Int, Int) -> Double) -> [Float] {
        var out = [Float](repeating: Float(outside), count: width * height)
        guard sliceWidth > 0, sliceHeight > 0 else { return out }
        let w = Double(sliceWidth), h = Double(sliceHeight)
        let n = max(1, taps), inverse = 1 / Double(n * n)
        func bilinear(_ fx: Double, _ fy: Double) -> Double {
            // Written so a NaN clamps to 0 too (max(NaN, 0) is NaN, and Int(NaN) traps).
            let cx = fx >= 0 ? min(fx, w - 1) : 0, cy = fy >= 0 ? min(fy, h - 1) : 0
            let x0 = Int(cx), y0 = Int(cy)
            let x1 = min(x0 + 1, sliceWidth - 1), y1 = min(y0 + 1, sliceHeight - 1)
            let tx = cx - Double(x0), ty = cy - Double(y0)
            let top = at(x0, y0) * (1 - tx) + at(x1, y0) * tx
            let bottom = at(x0, y1) * (1 - tx) + at(x1, y1) * tx
            return top * (1 - ty) + bottom * ty
        }
        for y in 0..<height {
            for x in 0..<width {
                let p = slicePoint(x: Double(x), y: Double(y))
                guard p.x >= -0.5, p.x <= w - 0.5, p.y >= -0.5, p.y <= h - 0.5 else { continue }
                if nearest {
                    let i = min(max(Int((p.x + 0.5).rounded(.down)), 0), sliceWidth - 1)
                    let j = min(max(Int((p.y + 0.5).rounded(.down)), 0), sliceHeight - 1)
                    out[y * width + x] = Float(at(i, j))
                } else if n == 1 {
                    out[y * width + x] = Float(bilinear(p.x, p.y))
                } else {
                    var sum = 0.0
                    for ty in 0..<n {
                        let fy = p.y + ((Double(ty) + 0.5) / Double(n) - 0.5) * stepY
                        for tx in 0..<n { sum += bilinear(p.x + ((Double(tx) + 0.5) / Double(n) - 0.5) * stepX, fy) }
                    }
                    out[y * width + x] = Float(sum * inverse)
                }
            }
        }
        return out
    }
}
