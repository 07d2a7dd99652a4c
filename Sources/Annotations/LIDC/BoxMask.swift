import ImagingCore

/// A binary mask over a box of a scan's grid: the box's first voxel, its size, and one
/// flag per voxel (i fastest, then j, then k, as in a `Volume`). Readers' masks are small
/// beside their scan, so they are kept as boxes and painted into a full mask at the end.
public struct BoxMask: Sendable, Equatable {
    /// Grid index of the box's voxel (0, 0, 0).
    public var lower: VoxelIndex
    /// Voxels along i, j and k.
    public var size: GridSize
    /// One flag per voxel of the box.
    public var bits: [Bool]

    /// An empty box mask.
    public init(lower: VoxelIndex, size: GridSize) {
        self.lower = lower
        self.size = size
        bits = Array(repeating: false, count: max(0, size.i) * max(0, size.j) * max(0, size.k))
    }

    /// No voxel at all.
    public static let empty = BoxMask(lower: VoxelIndex(0, 0, 0), size: GridSize(0, 0, 0))

    /// Whether grid voxel (i, j, k) is set (false outside the box).
    public subscript(i: Int, j: Int, k: Int) -> Bool {
        let (a, b, c) = (i - lower.i, j - lower.j, k - lower.k)
        guard a >= 0, b >= 0, c >= 0, a < size.i, b < size.j, c < size.k else { return false }
        return bits[(c * size.j + b) * size.i + a]
    }

    /// Number of voxels set.
    public var count: Int { bits.reduce(0) { $1 ? $0 + 1 : $0 } }

    /// The grid indices of the voxels set, in storage order.
    public var voxels: [VoxelIndex] {
        var out: [VoxelIndex] = []
        for c in 0..<max(0, size.k) { for b in 0..<max(0, size.j) { for a in 0..<max(0, size.i)
            where bits[(c * size.j + b) * size.i + a] {
            out.append(VoxelIndex(lower.i + a, lower.j + b, lower.k + c))
        } } }
        return out
    }

    /// The k-slices holding a voxel, nil when none does.
    public var sliceRange: ClosedRange<Int>? {
        let ks = voxels.map(\.k)
        guard let lo = ks.min(), let hi = ks.max() else { return nil }
        return lo...hi
    }
}
