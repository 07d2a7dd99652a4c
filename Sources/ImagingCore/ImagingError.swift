/// Errors raised by ImagingCore: geometry that cannot describe a real image, voxel
/// buffers that do not match their geometry, and files that cannot be written.
public enum ImagingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A spacing component is zero, negative or not finite.
    case nonPositiveSpacing(Vector3)
    /// A size component is below one.
    case invalidSize(GridSize)
    /// The direction matrix is singular (its columns do not span 3-space).
    case singularDirection(Matrix3)
    /// The direction matrix is not orthonormal within `tolerance`.
    case nonOrthonormalDirection(Matrix3, deviation: Double, tolerance: Double)
    /// An origin or direction entry is NaN or infinite.
    case nonFiniteGeometry(String)
    /// The number of voxels does not match the geometry.
    case voxelCountMismatch(expected: Int, found: Int)
    /// A voxel index lies outside the grid.
    case indexOutOfBounds(VoxelIndex, GridSize)
    /// A file could not be written.
    case writeFailed(path: String, reason: String)
    /// Lung segmentation found nothing that can be a lung (the reason says what it saw).
    case lungsNotFound(String)
    /// A UID (from `source`) cannot name a file inside `folder` (see `UIDFileName`).
    case unsafeFileName(uid: String, source: String, folder: String)

    public var description: String {
        switch self {
        case .nonPositiveSpacing(let s):
            return "spacing must be positive and finite in every axis, found (\(s.x), \(s.y), \(s.z))"
        case .invalidSize(let size):
            return "image size must be at least 1 along every axis, found \(size)"
        case .singularDirection(let m):
            return "direction matrix \(m) is singular: its columns do not span 3-space"
        case .nonOrthonormalDirection(let m, let deviation, let tolerance):
            return "direction matrix \(m) is not orthonormal: |DᵀD − I| = \(deviation) exceeds the tolerance \(tolerance)"
        case .nonFiniteGeometry(let what):
            return "geometry has a non-finite value in \(what)"
        case .voxelCountMismatch(let expected, let found):
            return "voxel buffer holds \(found) values but the geometry needs \(expected)"
        case .indexOutOfBounds(let index, let size):
            return "voxel index \(index) lies outside the grid \(size)"
        case .writeFailed(let path, let reason):
            return "could not write \(path): \(reason)"
        case .lungsNotFound(let reason):
            return "no lungs found: \(reason)"
        case .unsafeFileName(let uid, let source, let folder):
            return "\(source): '\(uid)' cannot name a file in \(folder): \(UIDFileName.problem(uid) ?? "it is not a safe name")"
        }
    }
}
