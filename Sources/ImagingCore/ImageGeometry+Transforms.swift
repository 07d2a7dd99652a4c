// World ⇄ index transforms. The forward map is `origin + D·(s ⊙ index)`; the inverse
// uses the exact inverse of D·diag(s) (not Dᵀ), so it stays the exact inverse even when
// a file's direction is only orthonormal to six decimals — the same choice ITK makes in
// TransformPhysicalPointToContinuousIndex.

extension ImageGeometry {
    /// The matrix D·diag(spacing) that maps an index step to a world step.
    @inlinable
    public var indexToWorldMatrix: Matrix3 {
        Matrix3(columns: direction.column(0) * spacing.x,
                direction.column(1) * spacing.y,
                direction.column(2) * spacing.z)
    }

    /// The inverse of `indexToWorldMatrix`, computed as diag(1/spacing)·D⁻¹ so that tiny
    /// voxels (whose scaled matrix has a determinant near zero) still invert exactly;
    /// identity if the direction is singular (a validated geometry's never is).
    public var worldToIndexMatrix: Matrix3 {
        guard let d = direction.inverse else { return .identity }
        let (r0, r1, r2) = d.rows
        return Matrix3(rows: r0 / spacing.x, r1 / spacing.y, r2 / spacing.z)
    }

    /// World position (LPS mm) of a continuous index `(i, j, k)`.
    @inlinable
    public func continuousIndexToWorld(_ index: Vector3) -> Vector3 {
        origin + indexToWorldMatrix * index
    }

    /// World position (LPS mm) of the centre of a voxel.
    @inlinable
    public func indexToWorld(_ index: VoxelIndex) -> Vector3 {
        continuousIndexToWorld(Vector3(Double(index.i), Double(index.j), Double(index.k)))
    }

    /// Continuous index `(i, j, k)` of a world point (LPS mm): the exact inverse of
    /// `continuousIndexToWorld`.
    @inlinable
    public func worldToContinuousIndex(_ world: Vector3) -> Vector3 {
        worldToIndexMatrix * (world - origin)
    }

    /// The voxel whose centre is nearest to a world point (rounding half away from zero,
    /// as ITK does), whether or not it lies inside the grid. Indices beyond ±2³¹ (a
    /// point absurdly far away, or NaN) are clamped to that range rather than trapping.
    public func worldToIndex(_ world: Vector3) -> VoxelIndex {
        let c = worldToContinuousIndex(world)
        return VoxelIndex(Self.saturatingIndex(c.x.rounded()), Self.saturatingIndex(c.y.rounded()), Self.saturatingIndex(c.z.rounded()))
    }

    /// `value` as an Int, clamped to ±2³¹ (NaN becomes the lower bound): safe for any
    /// input-derived coordinate, where `Int(_:)` would trap.
    @inlinable
    public static func saturatingIndex(_ value: Double) -> Int {
        let limit = Double(Int32.max)
        guard value > -limit else { return -Int(Int32.max) }
        guard value < limit else { return Int(Int32.max) }
        return Int(value)
    }

    /// Whether a continuous index lies within the grid's voxels (centres ± half a voxel).
    public func containsContinuousIndex(_ c: Vector3) -> Bool {
        c.x >= -0.5 && c.y >= -0.5 && c.z >= -0.5
            && c.x < Double(size.i) - 0.5 && c.y < Double(size.j) - 0.5 && c.z < Double(size.k) - 0.5
    }

    /// The unit normal of the k-slices (the third direction column).
    public var sliceNormal: Vector3 { direction.column(2) }
}
