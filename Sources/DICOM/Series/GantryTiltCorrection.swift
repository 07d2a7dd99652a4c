import ImagingCore

/// Removes the shear of a tilted-gantry series: each slice is shifted within its plane,
/// by bilinear resampling, so that the voxels lie on the orthogonal grid of the volume
/// geometry (origin at the first slice, k along the slice normal). Voxels that come from
/// outside a slice take `fill` (the volume's minimum: air for CT).
enum GantryTiltCorrection {
    /// The in-plane shift (Δi, Δj) in voxels of every k-slice, or nil without tilt.
    static func shifts(_ stack: SliceStack) -> [SIMD2<Double>]? {
        guard stack.problems.contains(where: { if case .gantryTilt = $0 { return true }; return false }),
              let p0 = stack.slices.first?.position else { return nil }
        let g = stack.geometry
        let row = g.direction.column(0), column = g.direction.column(1), normal = g.direction.column(2)
        func shift(_ p: Vector3) -> SIMD2<Double> {
            let d = p - p0
            let inPlane = d - normal * dot(d, normal)
            return SIMD2(dot(inPlane, row) / g.spacing.x, dot(inPlane, column) / g.spacing.y)
        }
        return stack.slots.map { slot in
            switch slot {
            case .file(let i):
                return shift(stack.slices[i].position ?? p0)
            case .interpolated(let below, let above, let w):
                return shift((stack.slices[below].position ?? p0) * (1 - w) + (stack.slices[above].position ?? p0) * w)
            }
        }
    }

    /// Resamples every sheared slice of `volume` in place.
    static func apply<T: VoxelScalar>(_ volume: inout Volume<T>, shifts: [SIMD2<Double>]) {
        let size = volume.size
        let fill = volume.voxels.min() ?? .zero
        volume.withUnsafeMutableVoxels { voxels in
            var source = [Double](repeating: 0, count: size.sliceCount)
            for k in 0..<min(size.k, shifts.count) {
                let s = shifts[k]
                guard !(abs(s.x) <= 1e-6 && abs(s.y) <= 1e-6) else { continue }  // NaN shifts are resampled (to fill)
                let base = k * size.sliceCount
                for p in 0..<size.sliceCount { source[p] = voxels[base + p].doubleValue }
                for j in 0..<size.j {
                    for i in 0..<size.i {
                        // Output (i, j) shows source (i − Δi, j − Δj) of the sheared slice.
                        let x = Double(i) - s.x, y = Double(j) - s.y
                        // Compared as Doubles first: a hostile ImagePositionPatient or PixelSpacing
                        // gives an infinite, NaN or huge shift, which Int() would trap on.
                        guard x >= 0, y >= 0, x < Double(size.i), y < Double(size.j) else {
                            voxels[base + j * size.i + i] = fill; continue
                        }
                        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
                        let fx = x - Double(x0), fy = y - Double(y0)
                        let x1 = min(x0 + 1, size.i - 1), y1 = min(y0 + 1, size.j - 1)
                        let top = source[y0 * size.i + x0] * (1 - fx) + source[y0 * size.i + x1] * fx
                        let bottom = source[y1 * size.i + x0] * (1 - fx) + source[y1 * size.i + x1] * fx
                        voxels[base + j * size.i + i] = T(clampingDouble: top * (1 - fy) + bottom * fy)
                    }
                }
            }
        }
    }
}
