import Foundation
import ImagingCore
import ImageFormats

/// A CT display window in Hounsfield units: values at or below `lower` show black, at
/// or above `upper` white.
public struct HounsfieldWindow: Sendable, Equatable {
    public var lower: Double
    public var upper: Double

    /// The lung window (−1000 … 400 HU), the paper's default.
    public static let lung = HounsfieldWindow(lower: -1000, upper: 400)

    /// Creates a window; `upper` must exceed `lower`.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = max(upper, lower + 1e-6)
    }

    /// The gray level 0…255 of a value.
    @inlinable
    public func gray(_ value: Double) -> UInt8 {
        let t = (value - lower) / (upper - lower)
        return UInt8(clampingDouble: min(max(t, 0), 1) * 255)
    }
}

/// An RGB picture of one k-slice of a scan with a mask's outline drawn over it.
public struct SliceOverlay: Sendable {
    /// Interleaved RGB pixels, `width * height * 3`.
    public var rgb: [UInt8]
    public var width: Int
    public var height: Int

    /// Renders slice `k` of `image` in `window`, outlining `mask`'s non-zero region in
    /// `outline` colour (a mask pixel with a 4-neighbour outside the mask). `scale`
    /// enlarges each voxel to scale × scale pixels for viewing.
    public init<V: VoxelScalar>(image: Volume<V>, mask: Volume<UInt8>?, k: Int, window: HounsfieldWindow = .lung,
                                outline: (UInt8, UInt8, UInt8) = (255, 40, 40), scale: Int = 2) {
        let size = image.size
        let s = max(1, scale)
        let kk = min(max(k, 0), size.k - 1)
        width = size.i * s
        height = size.j * s
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let maskSlice: ArraySlice<UInt8>? = mask.flatMap { $0.size == size ? $0.slice(k: kk) : nil }
        let sliceValues = image.slice(k: kk)
        func inMask(_ i: Int, _ j: Int) -> Bool {
            guard let m = maskSlice, i >= 0, j >= 0, i < size.i, j < size.j else { return false }
            return m[m.startIndex + j * size.i + i] != 0
        }
        for j in 0..<size.j {
            for i in 0..<size.i {
                let value = sliceValues[sliceValues.startIndex + (j * size.i + i) * image.channelCount].doubleValue
                let g = window.gray(value)
                var colour = (g, g, g)
                if inMask(i, j) && !(inMask(i - 1, j) && inMask(i + 1, j) && inMask(i, j - 1) && inMask(i, j + 1)) {
                    colour = outline
                }
                for dy in 0..<s {
                    for dx in 0..<s {
                        let p = ((j * s + dy) * width + (i * s + dx)) * 3
                        out[p] = colour.0; out[p + 1] = colour.1; out[p + 2] = colour.2
                    }
                }
            }
        }
        rgb = out
    }

    /// The picture with the outline of `mask`'s pixels equal to `label` (any nonzero pixel
    /// with nil) drawn in `colour`; `k` and `scale` as the picture was made with.
    public func outlining(_ mask: Volume<UInt8>, label: UInt8? = nil, k: Int, colour: (UInt8, UInt8, UInt8), scale: Int = 2) -> SliceOverlay {
        let size = mask.size, s = max(1, scale)
        guard size.i * s == width, size.j * s == height else { return self }
        let slice = mask.slice(k: min(max(k, 0), size.k - 1))
        func inside(_ i: Int, _ j: Int) -> Bool {
            guard i >= 0, j >= 0, i < size.i, j < size.j else { return false }
            let v = slice[slice.startIndex + j * size.i + i]
            return label.map { v == $0 } ?? (v != 0)
        }
        var out = self
        for j in 0..<size.j {
            for i in 0..<size.i where inside(i, j) && !(inside(i - 1, j) && inside(i + 1, j) && inside(i, j - 1) && inside(i, j + 1)) {
                for dy in 0..<s {
                    for dx in 0..<s {
                        let p = ((j * s + dy) * width + (i * s + dx)) * 3
                        out.rgb[p] = colour.0; out.rgb[p + 1] = colour.1; out.rgb[p + 2] = colour.2
                    }
                }
            }
        }
        return out
    }

    /// Writes the picture as a PNG, atomically.
    public func writePNG(to url: URL) throws {
        try PNGWriter.writeRGB(rgb, width: width, height: height, to: url)
    }
}
