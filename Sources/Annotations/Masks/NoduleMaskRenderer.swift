import ImagingCore

/// Renders nodule spheres into a mask on a scan's exact geometry.
///
/// A voxel belongs to a nodule when its centre's world position lies within
/// diameter/2 of the nodule's world centre: a sphere in millimetres, right for any
/// spacing and any direction matrix. Only the sphere's bounding box in index space is
/// visited, so a scan with 20 nodules costs 20 small boxes, not 20 passes over the volume.
public struct NoduleMaskRenderer: Sendable {
    /// Write each nodule's 1-based row order instead of 1.
    public var writesLabels: Bool

    /// Creates a renderer.
    public init(writesLabels: Bool = false) { self.writesLabels = writesLabels }

    /// The mask and a placement per annotation, in the given order. Annotations without a
    /// diameter are located but draw nothing. Where spheres overlap, the later row wins.
    public func render(_ annotations: [NoduleAnnotation], on geometry: ImageGeometry,
                       seriesUID: String = "") throws -> (mask: Volume<UInt8>, placements: [NodulePlacement]) {
        if writesLabels && annotations.count > 255 {
            throw AnnotationError.tooManyLabels(seriesUID: seriesUID, count: annotations.count)
        }
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        var placements: [NodulePlacement] = []
        placements.reserveCapacity(annotations.count)
        let geometry = mask.geometry
        mask.withUnsafeMutableVoxels { buffer in
            for (n, annotation) in annotations.enumerated() {
                let value: UInt8 = writesLabels ? UInt8(n + 1) : 1
                placements.append(place(annotation, label: n + 1, value: value, geometry: geometry, mask: buffer))
            }
        }
        return (mask, placements)
    }

    /// Locates one nodule without drawing it.
    public func locate(_ annotation: NoduleAnnotation, label: Int, on geometry: ImageGeometry) -> NodulePlacement {
        place(annotation, label: label, value: 0, geometry: geometry, mask: nil)
    }

    /// Visits the sphere's voxels; sets them to `value` when a mask is given.
    private func place(_ annotation: NoduleAnnotation, label: Int, value: UInt8, geometry g: ImageGeometry,
                       mask: UnsafeMutableBufferPointer<UInt8>?) -> NodulePlacement {
        let c = g.worldToContinuousIndex(annotation.center)
        let radius = (annotation.diameterMM ?? 0) / 2
        // Radius along each index axis: how many index steps one radius spans. For an
        // orthonormal direction this is radius / spacing exactly.
        let perAxis = Vector3(radius / g.spacing.x, radius / g.spacing.y, radius / g.spacing.z)
        let nearest = g.worldToIndex(annotation.center)
        var count = 0
        var kMin = Int.max, kMax = Int.min
        let size = g.size

        // Index-space bounding box of the sphere (+1 voxel of slack for direction
        // cosines that are orthonormal only to six decimals), clipped to the grid.
        let floor = { (v: Double) in ImageGeometry.saturatingIndex(v.rounded(.down)) }
        let ceil = { (v: Double) in ImageGeometry.saturatingIndex(v.rounded(.up)) }
        let lo = VoxelIndex(max(0, floor(c.x - perAxis.x) - 1), max(0, floor(c.y - perAxis.y) - 1),
                            max(0, floor(c.z - perAxis.z) - 1))
        let hi = VoxelIndex(min(size.i - 1, ceil(c.x + perAxis.x) + 1), min(size.j - 1, ceil(c.y + perAxis.y) + 1),
                            min(size.k - 1, ceil(c.z + perAxis.z) + 1))
        if radius > 0, lo.i <= hi.i, lo.j <= hi.j, lo.k <= hi.k {
            let m = g.indexToWorldMatrix
            let r2 = radius * radius
            // Offset from the centre at voxel (lo.i, j, k), then step by m's first column.
            let base = g.origin - annotation.center
            let stepI = m.column(0)
            for k in lo.k...hi.k {
                for j in lo.j...hi.j {
                    var d = base + m * Vector3(Double(lo.i), Double(j), Double(k))
                    let row = (k * size.j + j) * size.i
                    for i in lo.i...hi.i {
                        if dot(d, d) <= r2 {
                            count += 1
                            if k < kMin { kMin = k }
                            if k > kMax { kMax = k }
                            mask?[row + i] = value
                        }
                        d += stepI
                    }
                }
            }
        }
        let status = Self.status(center: c, perAxis: perAxis, size: size, maskVoxels: count)
        return NodulePlacement(annotation: annotation, label: label, continuousIndex: c, nearestVoxel: nearest,
                               radiusInVoxels: perAxis, maskVoxelCount: count,
                               sliceRange: count > 0 ? kMin...kMax : nil, status: status)
    }

    /// Inside when the sphere's index extent lies within the grid's extent
    /// ([-0.5, n - 0.5] on each axis); outside when it draws nothing and its centre lies
    /// outside the grid; clipped otherwise.
    static func status(center c: Vector3, perAxis r: Vector3, size: GridSize, maskVoxels: Int) -> NoduleStatus {
        let lower = c - r, upper = c + r
        let n = Vector3(Double(size.i), Double(size.j), Double(size.k))
        let whollyInside = lower.x >= -0.5 && lower.y >= -0.5 && lower.z >= -0.5
            && upper.x <= n.x - 0.5 && upper.y <= n.y - 0.5 && upper.z <= n.z - 0.5
        if whollyInside { return .inside }
        let centreInside = c.x >= -0.5 && c.y >= -0.5 && c.z >= -0.5 && c.x < n.x - 0.5 && c.y < n.y - 0.5 && c.z < n.z - 0.5
        if maskVoxels == 0 && !centreInside { return .outside }
        return .clipped
    }
}

