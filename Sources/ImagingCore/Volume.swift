/// An image: voxels plus the geometry that places them in the world. Voxels are stored
/// contiguously, i fastest, then j, then k (the order of a MetaImage raw file and of
/// DICOM frames). A volume may hold several channels per voxel (`channelCount`), stored
/// interleaved per voxel, as MetaImage's ElementNumberOfChannels does.
public struct Volume<Voxel: VoxelScalar>: Sendable {
    /// Where the voxels sit in the world.
    public var geometry: ImageGeometry
    /// Backing buffer: `geometry.size.voxelCount * channelCount` values.
    @usableFromInline var storage: [Voxel]
    /// The voxel values, read-only; mutate through subscripts or `withUnsafeMutableVoxels`.
    @inlinable public var voxels: [Voxel] { storage }
    /// Values per voxel (1 for scalar images).
    public let channelCount: Int

    /// Wraps existing voxels; throws when their count does not match the geometry.
    public init(geometry: ImageGeometry, voxels: [Voxel], channelCount: Int = 1) throws {
        let expected = geometry.size.voxelCount * max(channelCount, 1)
        guard voxels.count == expected, channelCount >= 1 else {
            throw ImagingError.voxelCountMismatch(expected: expected, found: voxels.count)
        }
        self.geometry = geometry
        self.storage = voxels
        self.channelCount = channelCount
    }

    /// A volume filled with one value.
    public init(geometry: ImageGeometry, repeating value: Voxel, channelCount: Int = 1) {
        self.geometry = geometry
        self.channelCount = max(channelCount, 1)
        self.storage = Array(repeating: value, count: geometry.size.voxelCount * self.channelCount)
    }

    /// The grid size.
    @inlinable public var size: GridSize { geometry.size }

    /// The runtime tag of the voxel type.
    public var voxelType: VoxelType { Voxel.voxelType }

    /// The voxel at `(i, j, k)` (channel 0). Indices are programmer-checked.
    @inlinable
    public subscript(i: Int, j: Int, k: Int) -> Voxel {
        get { storage[((k * size.j + j) * size.i + i) * channelCount] }
        set { storage[((k * size.j + j) * size.i + i) * channelCount] = newValue }
    }

    /// The voxel at `index` (channel 0).
    @inlinable
    public subscript(index: VoxelIndex) -> Voxel {
        get { self[index.i, index.j, index.k] }
        set { self[index.i, index.j, index.k] = newValue }
    }

    /// The voxel at `index`, or an error when the index lies outside the grid.
    public func value(at index: VoxelIndex) throws -> Voxel {
        guard size.contains(index) else { throw ImagingError.indexOutOfBounds(index, size) }
        return self[index]
    }

    /// The values of k-slice `k`, i fastest (all channels, interleaved).
    public func slice(k: Int) -> ArraySlice<Voxel> {
        let n = size.sliceCount * channelCount
        return voxels[(k * n)..<((k + 1) * n)]
    }

    /// Calls `body` with mutable access to the voxel buffer (for hot loops).
    @inlinable
    public mutating func withUnsafeMutableVoxels<R>(_ body: (inout UnsafeMutableBufferPointer<Voxel>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { try body(&$0) }
    }

    /// Calls `body` with read access to the voxel buffer.
    @inlinable
    public func withUnsafeVoxels<R>(_ body: (UnsafeBufferPointer<Voxel>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body($0) }
    }

    /// A volume of another voxel type on the same geometry (values converted with
    /// rounding and clamping).
    public func converted<Other: VoxelScalar>(to: Other.Type) -> Volume<Other> {
        var out = Volume<Other>(geometry: geometry, repeating: .zero, channelCount: channelCount)
        out.storage = storage.map { Other(clampingDouble: $0.doubleValue) }
        return out
    }

    /// Replaces the voxels wholesale; throws when the count is wrong.
    public mutating func replaceVoxels(_ newVoxels: [Voxel]) throws {
        guard newVoxels.count == voxels.count else {
            throw ImagingError.voxelCountMismatch(expected: voxels.count, found: newVoxels.count)
        }
        storage = newVoxels
    }
}

extension Volume: Equatable where Voxel: Equatable {}
