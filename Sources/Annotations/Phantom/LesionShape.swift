import Foundation
import ImagingCore

/// A lesion's 3-D shape as a binary mask on a small grid in millimetres, centred on its
/// centroid: a real nodule's consensus mask taken off its scan, so it can be drawn into
/// another scan at any position, orientation and voxel size.
public struct LesionShape: Sendable, Equatable {
    /// Voxels of the mask's box, with one empty voxel of padding on each side.
    public var size: GridSize
    /// The mask's voxel size in mm (its scan's spacing).
    public var spacing: Vector3
    /// One flag per voxel (i fastest).
    public var bits: [Bool]
    /// The centroid's continuous index in the box.
    public var centroid: Vector3

    /// The shape of `mask` on a grid of `spacing` mm; nil when the mask is empty.
    public init?(_ mask: BoxMask, spacing: Vector3) {
        let voxels = mask.voxels
        guard !voxels.isEmpty else { return nil }
        size = GridSize(mask.size.i + 2, mask.size.j + 2, mask.size.k + 2)
        self.spacing = spacing
        bits = Array(repeating: false, count: size.voxelCount)
        var sum = Vector3.zero
        for v in voxels {
            let (a, b, c) = (v.i - mask.lower.i + 1, v.j - mask.lower.j + 1, v.k - mask.lower.k + 1)
            bits[(c * size.j + b) * size.i + a] = true
            sum += Vector3(Double(a), Double(b), Double(c))
        }
        centroid = sum / Double(voxels.count)
    }

    /// Voxels set.
    public var voxelCount: Int { bits.reduce(0) { $1 ? $0 + 1 : $0 } }
    /// Volume in mm³.
    public var volumeMM3: Double { Double(voxelCount) * spacing.x * spacing.y * spacing.z }
    /// Diameter of the sphere of the same volume, mm.
    public var equivalentDiameterMM: Double { cbrt(6 * volumeMM3 / Double.pi) }

    /// The farthest a set voxel's corner lies from the centroid, mm: nothing of the shape
    /// is farther.
    public var reachMM: Double {
        var reach = 0.0
        for c in 0..<size.k { for b in 0..<size.j { for a in 0..<size.i where bits[(c * size.j + b) * size.i + a] {
            let d = (Vector3(Double(a), Double(b), Double(c)) - centroid) * spacing
            let corner = Vector3(abs(d.x) + spacing.x / 2, abs(d.y) + spacing.y / 2, abs(d.z) + spacing.z / 2)
            reach = max(reach, length(corner))
        } } }
        return reach
    }

    /// How much of the mask covers the point `offset` mm from the centroid (in the shape's
    /// own axes): the trilinear interpolation of its flags, 0 outside the box. A point is
    /// inside the shape when this is at least ½.
    public func occupancy(at offset: Vector3) -> Double {
        let x = centroid.x + offset.x / spacing.x, y = centroid.y + offset.y / spacing.y, z = centroid.z + offset.z / spacing.z
        let (i0, j0, k0) = (Int(x.rounded(.down)), Int(y.rounded(.down)), Int(z.rounded(.down)))
        guard i0 >= 0, j0 >= 0, k0 >= 0, i0 + 1 < size.i, j0 + 1 < size.j, k0 + 1 < size.k else { return 0 }
        let (fx, fy, fz) = (x - Double(i0), y - Double(j0), z - Double(k0))
        func bit(_ a: Int, _ b: Int, _ c: Int) -> Double { bits[(c * size.j + b) * size.i + a] ? 1 : 0 }
        var value = 0.0
        for dc in 0...1 { for db in 0...1 { for da in 0...1 {
            let w = (da == 0 ? 1 - fx : fx) * (db == 0 ? 1 - fy : fy) * (dc == 0 ? 1 - fz : fz)
            if w > 0 { value += w * bit(i0 + da, j0 + db, k0 + dc) }
        } } }
        return value
    }
}
