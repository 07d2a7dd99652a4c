/// Where an image's voxels sit in the world: the grid size, the world position of the
/// first voxel's centre (`origin`), the distance between voxel centres along each index
/// axis (`spacing`, mm) and the direction matrix whose columns are the world directions
/// of the i, j and k axes.
///
/// World coordinates are DICOM patient coordinates (LPS) in millimetres:
/// `world = origin + direction · (spacing ⊙ index)`.
public struct ImageGeometry: Sendable, Equatable, Hashable {
    /// Voxels along i, j and k.
    public var size: GridSize
    /// World position (LPS mm) of the centre of voxel (0, 0, 0).
    public var origin: Vector3
    /// Distance between voxel centres along i, j and k, in mm.
    public var spacing: Vector3
    /// Column c is the world direction of index axis c.
    public var direction: Matrix3

    /// Largest |DᵀD − I| entry accepted as orthonormal; scanners write direction cosines
    /// with about six decimals, so 1e-4 accepts those and rejects real shears.
    public static let orthonormalityTolerance = 1e-4

    /// Creates a geometry and checks it: spacing positive, size at least 1, direction
    /// non-singular and orthonormal within `orthonormalityTolerance`.
    public init(size: GridSize, origin: Vector3 = .zero, spacing: Vector3 = Vector3(1, 1, 1),
                direction: Matrix3 = .identity) throws {
        self.init(unchecked: size, origin: origin, spacing: spacing, direction: direction)
        try validate()
    }

    /// Creates a geometry without checking it; call `validate()` before trusting it.
    public init(unchecked size: GridSize, origin: Vector3, spacing: Vector3, direction: Matrix3) {
        self.size = size
        self.origin = origin
        self.spacing = spacing
        self.direction = direction
    }

    /// Checks the invariants listed on `init(size:origin:spacing:direction:)`.
    public func validate(tolerance: Double = ImageGeometry.orthonormalityTolerance) throws {
        guard size.i >= 1, size.j >= 1, size.k >= 1 else { throw ImagingError.invalidSize(size) }
        guard spacing.x > 0, spacing.y > 0, spacing.z > 0,
              spacing.x.isFinite, spacing.y.isFinite, spacing.z.isFinite
        else { throw ImagingError.nonPositiveSpacing(spacing) }
        guard origin.x.isFinite, origin.y.isFinite, origin.z.isFinite else {
            throw ImagingError.nonFiniteGeometry("origin")
        }
        guard direction.rowMajor.allSatisfy(\.isFinite) else { throw ImagingError.nonFiniteGeometry("direction") }
        guard direction.inverse != nil else { throw ImagingError.singularDirection(direction) }
        let deviation = (direction.transposed * direction).maxAbsDifference(.identity)
        guard deviation <= tolerance else {
            throw ImagingError.nonOrthonormalDirection(direction, deviation: deviation, tolerance: tolerance)
        }
    }

    /// The world position of every corner voxel centre, useful for bounding boxes.
    public var cornerWorldPoints: [Vector3] {
        var corners: [Vector3] = []
        for k in [0, size.k - 1] { for j in [0, size.j - 1] { for i in [0, size.i - 1] {
            corners.append(continuousIndexToWorld(Vector3(Double(i), Double(j), Double(k))))
        } } }
        return corners
    }
}

extension ImageGeometry: CustomStringConvertible {
    public var description: String {
        "size \(size), origin (\(origin.x), \(origin.y), \(origin.z)), spacing (\(spacing.x), \(spacing.y), \(spacing.z)), direction \(direction)"
    }
}
