import Foundation

extension Volume where Voxel == UInt8 {
    /// For every non-zero label, its long axis in millimetres: the largest distance between
    /// the centres of two of its voxels extended by a voxel's width along the line joining
    /// them, so that a bar n voxels long measures n voxels and a single voxel its diagonal. The
    /// farthest pair lies on the region's boundary, so only boundary voxels (a 6-neighbour
    /// outside the label or the grid) are compared: all pairs up to `exactLimit` of them;
    /// beyond, the pairs among the extreme voxels along 512 directions spread over the
    /// sphere (on convex regions this misses the true length by under a voxel's width).
    /// The direction matrix is orthonormal, so distances are taken on the grid scaled by
    /// the spacing.
    public func longAxes(exactLimit: Int = 4000) -> [UInt8: Double] {
        let s = size, spacing = geometry.spacing
        var boundary: [UInt8: [Vector3]] = [:]
        withUnsafeVoxels { v in
            for k in 0..<s.k { for j in 0..<s.j { for i in 0..<s.i {
                let n = (k * s.j + j) * s.i + i, label = v[n]
                guard label != 0 else { continue }
                let onEdge = i == 0 || j == 0 || k == 0 || i == s.i - 1 || j == s.j - 1 || k == s.k - 1
                let exposed = onEdge || v[n - 1] != label || v[n + 1] != label || v[n - s.i] != label || v[n + s.i] != label
                    || v[n - s.sliceCount] != label || v[n + s.sliceCount] != label
                if exposed { boundary[label, default: []].append(Vector3(Double(i) * spacing.x, Double(j) * spacing.y, Double(k) * spacing.z)) }
            }}}
        }
        return boundary.mapValues { points in
            guard points.count > 1 else { return (spacing.x * spacing.x + spacing.y * spacing.y + spacing.z * spacing.z).squareRoot() }
            return Self.longestExtent(points.count <= exactLimit ? points : Self.extremes(of: points, directions: 512), spacing: spacing)
        }
    }

    /// The largest, over pairs of points, of their distance plus a voxel's width along
    /// the line joining them.
    static func longestExtent(_ points: [Vector3], spacing: Vector3) -> Double {
        var best = 0.0
        for a in points.indices {
            for b in (a + 1)..<points.count {
                let d = points[a] - points[b], length = (d.x * d.x + d.y * d.y + d.z * d.z).squareRoot()
                guard length > 0 else { continue }
                best = Swift.max(best, length + (spacing.x * abs(d.x) + spacing.y * abs(d.y) + spacing.z * abs(d.z)) / length)
            }
        }
        return best
    }

    /// The points farthest along each of `directions` unit vectors (a Fibonacci lattice on
    /// the sphere), and against it.
    static func extremes(of points: [Vector3], directions: Int) -> [Vector3] {
        var chosen = Set<Int>()
        let golden = Double.pi * (3 - 5.0.squareRoot())
        for d in 0..<directions {
            let z = 1 - 2 * (Double(d) + 0.5) / Double(directions), r = (1 - z * z).squareRoot()
            let u = Vector3(r * cos(golden * Double(d)), r * sin(golden * Double(d)), z)
            var low = 0, high = 0, lowValue = Double.infinity, highValue = -Double.infinity
            for (n, p) in points.enumerated() {
                let t = p.x * u.x + p.y * u.y + p.z * u.z
                if t < lowValue { lowValue = t; low = n }
                if t > highValue { highValue = t; high = n }
            }
            chosen.insert(low)
            chosen.insert(high)
        }
        return chosen.sorted().map { points[$0] }
    }
}
