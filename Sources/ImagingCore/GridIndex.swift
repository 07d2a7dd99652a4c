/// The number of voxels along each index axis: `i` columns, `j` rows, `k` slices.
public struct GridSize: Hashable, Sendable, CustomStringConvertible {
    public var i: Int
    public var j: Int
    public var k: Int

    /// Creates a size from its three extents.
    public init(_ i: Int, _ j: Int, _ k: Int) { self.i = i; self.j = j; self.k = k }

    /// Voxels in the whole grid.
    @inlinable public var voxelCount: Int { i * j * k }
    /// Voxels in one k-slice.
    @inlinable public var sliceCount: Int { i * j }

    /// Whether `index` lies inside the grid.
    @inlinable
    public func contains(_ index: VoxelIndex) -> Bool {
        index.i >= 0 && index.j >= 0 && index.k >= 0 && index.i < i && index.j < j && index.k < k
    }

    /// Offset of `index` in a buffer stored i fastest, then j, then k.
    @inlinable
    public func linearOffset(_ index: VoxelIndex) -> Int { (index.k * j + index.j) * i + index.i }

    public var description: String { "\(i)x\(j)x\(k)" }
}

/// A whole-voxel index `(i, j, k)` = (column, row, slice).
public struct VoxelIndex: Hashable, Sendable, CustomStringConvertible {
    public var i: Int
    public var j: Int
    public var k: Int

    /// Creates an index from column, row and slice.
    public init(_ i: Int, _ j: Int, _ k: Int) { self.i = i; self.j = j; self.k = k }

    public var description: String { "(\(i), \(j), \(k))" }
}
