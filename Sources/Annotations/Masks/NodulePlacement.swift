import ImagingCore

/// Where a nodule falls in one scan's voxel grid.
public enum NoduleStatus: String, Sendable, Equatable {
    /// The whole sphere lies inside the volume.
    case inside
    /// Part of the sphere lies outside the volume; the mask holds the part inside.
    case clipped
    /// No part of the sphere reaches the volume.
    case outside
    /// No scan in the folder carries the nodule's series UID.
    case noScan = "no-scan"
    /// The nodule's scan could not be read or written.
    case scanError = "scan-error"
}

/// A nodule located in a scan: its indices, its extent in voxels and what its mask holds.
public struct NodulePlacement: Sendable, Equatable {
    /// The annotation this placement came from.
    public var annotation: NoduleAnnotation
    /// The 1-based order of the nodule among its scan's rows (its label with `--labels`).
    public var label: Int
    /// Continuous index (i, j, k) of the world centre, through the full direction matrix.
    public var continuousIndex: Vector3
    /// The voxel nearest the centre (may lie outside the grid).
    public var nearestVoxel: VoxelIndex
    /// Radius in voxels along i, j and k (radius mm / spacing).
    public var radiusInVoxels: Vector3
    /// Voxels whose centre lies within the sphere and inside the grid.
    public var maskVoxelCount: Int
    /// First and last k-slice holding a mask voxel, nil when none does.
    public var sliceRange: ClosedRange<Int>?
    /// Inside, clipped or outside.
    public var status: NoduleStatus
}
