import Foundation

/// A binary image on a grid: one byte per voxel (0 or 1), stored i fastest, then j, then k,
/// like `Volume`. The working type of the morphology in this folder; `Volume<UInt8>`
/// converts to and from it without copying geometry around by hand.
public struct BinaryGrid: Sendable, Equatable {
    /// Voxels along i, j, k.
    public let size: GridSize
    /// Voxel spacing in mm (distances and radii are in mm, never in voxels).
    public let spacing: Vector3
    /// 0 or 1 per voxel.
    public var bits: [UInt8]

    /// An empty (all 0) grid.
    public init(size: GridSize, spacing: Vector3) {
        self.size = size
        self.spacing = spacing
        self.bits = [UInt8](repeating: 0, count: size.voxelCount)
    }

    /// Wraps existing bits (any nonzero byte counts as 1); the count must match `size`.
    public init(size: GridSize, spacing: Vector3, bits: [UInt8]) throws {
        guard bits.count == size.voxelCount else {
            throw ImagingError.voxelCountMismatch(expected: size.voxelCount, found: bits.count)
        }
        self.size = size
        self.spacing = spacing
        self.bits = bits.map { $0 != 0 ? 1 : 0 }
    }

    /// The voxels of `volume` equal to `label` (or, with nil, every nonzero voxel).
    public init(_ volume: Volume<UInt8>, label: UInt8? = nil) {
        size = volume.size
        spacing = volume.geometry.spacing
        if let label {
            bits = volume.voxels.map { $0 == label ? 1 : 0 }
        } else {
            bits = volume.voxels.map { $0 != 0 ? 1 : 0 }
        }
    }

    /// Voxels set.
    public var count: Int { bits.reduce(0) { $0 + Int($1) } }

    /// Volume of the set voxels in millilitres.
    public var volumeML: Double { Double(count) * spacing.x * spacing.y * spacing.z / 1000 }

    /// Offsets between neighbours along i, j and k.
    @inlinable public var strides: (Int, Int, Int) { (1, size.i, size.i * size.j) }

    /// The extent along index axis `axis` (0 = i, 1 = j, 2 = k).
    @inlinable public func extent(_ axis: Int) -> Int { axis == 0 ? size.i : (axis == 1 ? size.j : size.k) }

    /// The stride along index axis `axis`.
    @inlinable public func stride(_ axis: Int) -> Int { axis == 0 ? 1 : (axis == 1 ? size.i : size.i * size.j) }

    /// The spacing along index axis `axis`.
    @inlinable public func spacing(_ axis: Int) -> Double { axis == 0 ? spacing.x : (axis == 1 ? spacing.y : spacing.z) }

    /// The smallest index box holding every set voxel, or nil when none is set.
    public var boundingBox: IndexBox? {
        var lo = VoxelIndex(Int.max, Int.max, Int.max), hi = VoxelIndex(-1, -1, -1)
        var o = 0
        for k in 0..<size.k { for j in 0..<size.j {
            for i in 0..<size.i where bits[o + i] != 0 {
                lo.i = min(lo.i, i); hi.i = max(hi.i, i)
                lo.j = min(lo.j, j); hi.j = max(hi.j, j)
                lo.k = min(lo.k, k); hi.k = max(hi.k, k)
            }
            o += size.i
        } }
        return hi.i < 0 ? nil : IndexBox(lower: lo, upper: hi)
    }

    /// The part of the grid inside `box` grown by `padding` voxels on every side (voxels
    /// beyond the grid read as 0), and where its first voxel sits in this grid.
    public func cropped(to box: IndexBox, padding: VoxelIndex) -> (grid: BinaryGrid, offset: VoxelIndex) {
        let lo = VoxelIndex(box.lower.i - padding.i, box.lower.j - padding.j, box.lower.k - padding.k)
        let out = GridSize(box.upper.i - box.lower.i + 1 + 2 * padding.i, box.upper.j - box.lower.j + 1 + 2 * padding.j,
                           box.upper.k - box.lower.k + 1 + 2 * padding.k)
        var grid = BinaryGrid(size: out, spacing: spacing)
        for k in 0..<out.k where lo.k + k >= 0 && lo.k + k < size.k {
            for j in 0..<out.j where lo.j + j >= 0 && lo.j + j < size.j {
                let src = ((lo.k + k) * size.j + lo.j + j) * size.i, dst = (k * out.j + j) * out.i
                for i in max(0, -lo.i)..<min(out.i, size.i - lo.i) { grid.bits[dst + i] = bits[src + lo.i + i] }
            }
        }
        return (grid, lo)
    }

    /// Writes `part` (cropped from this grid at `offset`) back; voxels of `part` beyond
    /// this grid are dropped.
    public mutating func paste(_ part: BinaryGrid, at offset: VoxelIndex) {
        let p = part.size
        for k in 0..<p.k where offset.k + k >= 0 && offset.k + k < size.k {
            for j in 0..<p.j where offset.j + j >= 0 && offset.j + j < size.j {
                let dst = ((offset.k + k) * size.j + offset.j + j) * size.i, src = (k * p.j + j) * p.i
                for i in max(0, -offset.i)..<min(p.i, size.i - offset.i) { bits[dst + offset.i + i] = part.bits[src + i] }
            }
        }
    }
}

/// An inclusive box of voxel indices.
public struct IndexBox: Sendable, Equatable {
    public var lower: VoxelIndex
    public var upper: VoxelIndex

    /// A box from its two inclusive corners.
    public init(lower: VoxelIndex, upper: VoxelIndex) {
        self.lower = lower
        self.upper = upper
    }
}
