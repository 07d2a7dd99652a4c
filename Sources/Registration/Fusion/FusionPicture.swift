import ImagingCore

/// A plane through a volume for a picture.
public enum FusionPlane: String, Sendable, CaseIterable {
    case axial, coronal, sagittal
}

/// How the overlay is drawn.
public enum FusionStyle: String, Sendable {
    /// PET on CT: a hot colour map blended on the grey CT, the hotter the more opaque.
    case hot
    /// Two images of one kind (CT on CT): the overlay in red, the fixed image in cyan, so
    /// aligned structures look grey and misaligned edges show red and cyan fringes.
    case redCyan = "red-cyan"
}

/// A fusion picture: the fixed image (CT) in grey through a window with the overlay
/// (PET in SUV, resampled onto the same grid) drawn on top in a `FusionStyle`, and for the
/// hot style a colour bar of the overlay's range down the right edge.
/// RGB bytes, row by row; write them with ImageFormats' PNGWriter.
public struct FusionPicture: Sendable {
    public var rgb: [UInt8]
    public var width: Int, height: Int

    /// `fixed` and `overlay` must share a grid. `index` picks the slice along the plane's
    /// normal axis (k for axial, j for coronal, i for sagittal); out-of-range indices are
    /// clamped. `scale` repeats each voxel (nearest) for legibility. In voxels: for views in
    /// millimetres and patient orientation, see `TriPlanarFusion`.
    public init(fixed: Volume<Float>, overlay: Volume<Float>?, plane: FusionPlane = .axial, index: Int,
                window: ClosedRange<Double>, overlayRange: ClosedRange<Double>, style: FusionStyle = .hot, opacity: Double = 0.6, scale: Int = 2,
                colourBar: Bool = true) {
        let n = fixed.size
        let (w, h): (Int, Int) = plane == .axial ? (n.i, n.j) : plane == .coronal ? (n.i, n.k) : (n.j, n.k)
        let s = max(1, scale), bar = colourBar ? 12 : 0
        width = w * s + (colourBar ? bar + 4 : 0); height = h * s
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let limit = plane == .axial ? n.k : plane == .coronal ? n.j : n.i
        let slice = min(max(index, 0), limit - 1)
        for y in 0..<h {
            for x in 0..<w {
                // Coronal and sagittal rows run from the top slice down (head up).
                let voxel: VoxelIndex = plane == .axial ? VoxelIndex(x, y, slice)
                    : plane == .coronal ? VoxelIndex(x, slice, n.k - 1 - y) : VoxelIndex(slice, x, n.k - 1 - y)
                let grey = Self.unit(Double(fixed[voxel]), window) * 255
                var colour = (grey, grey, grey)
                if let overlay, style == .redCyan {
                    colour.0 = Self.unit(Double(overlay[voxel]), overlayRange) * 255
                } else if let overlay {
                    let t = Self.unit(Double(overlay[voxel]), overlayRange)
                    let hot = Self.hot(t), alpha = opacity * min(1, t * 1.5)
                    colour = (colour.0 * (1 - alpha) + hot.0 * alpha, colour.1 * (1 - alpha) + hot.1 * alpha, colour.2 * (1 - alpha) + hot.2 * alpha)
                }
                for dy in 0..<s { for dx in 0..<s {
                    let p = ((y * s + dy) * width + x * s + dx) * 3
                    out[p] = UInt8(colour.0.rounded()); out[p + 1] = UInt8(colour.1.rounded()); out[p + 2] = UInt8(colour.2.rounded())
                } }
            }
        }
        if colourBar, overlay != nil, style == .hot {
            for y in 0..<height {
                let hot = Self.hot(1 - Double(y) / Double(max(height - 1, 1)))
                for x in (w * s + 4)..<width {
                    let p = (y * width + x) * 3
                    out[p] = UInt8(hot.0.rounded()); out[p + 1] = UInt8(hot.1.rounded()); out[p + 2] = UInt8(hot.2.rounded())
                }
            }
        }
        rgb = out
    }

    /// `value` placed in `range` as 0…1 (NaN is 0).
    static func unit(_ value: Double, _ range: ClosedRange<Double>) -> Double {
        guard !value.isNaN, range.upperBound > range.lowerBound else { return 0 }
        return min(1, max(0, (value - range.lowerBound) / (range.upperBound - range.lowerBound)))
    }

    /// The hot colour map: black → red → yellow → white, 0…255 per channel.
    static func hot(_ t: Double) -> (Double, Double, Double) {
        (min(1, t * 3) * 255, min(1, max(0, t * 3 - 1)) * 255, min(1, max(0, t * 3 - 2)) * 255)
    }

    /// The 1st and 99th percentiles of a volume's finite values (a display window).
    public static func percentileWindow(_ v: Volume<Float>, low: Double = 0.01, high: Double = 0.99) -> ClosedRange<Double> {
        var values = v.voxels.filter { $0.isFinite }
        guard !values.isEmpty else { return 0...1 }
        // A strided subsample is plenty for a display window.
        let stride = max(1, values.count / 200_000)
        values = Swift.stride(from: 0, to: values.count, by: stride).map { values[$0] }.sorted()
        let lo = Double(values[Int(low * Double(values.count - 1))]), hi = Double(values[Int(high * Double(values.count - 1))])
        return lo < hi ? lo...hi : lo...(lo + 1)
    }
}
