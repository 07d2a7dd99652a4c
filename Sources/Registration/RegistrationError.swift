import ImagingCore

/// Errors raised by Registration: transform files that cannot be read or hold something
/// other than one rigid transform, images that do not overlap, and settings or masks
/// that cannot work. Each message names the file (or input) and the problem.
public enum RegistrationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A transform file is not a well-formed ITK text transform (`line` is 1-based; 0
    /// when the problem concerns the whole file).
    case malformedTransformFile(path: String, line: Int, reason: String)
    /// A transform file holds a transform type we do not read (composite, B-spline, …).
    case unsupportedTransform(path: String, type: String, reason: String)
    /// A transform's matrix is not a rotation (it scales, shears or reflects).
    case notRigid(path: String, reason: String)
    /// Too few fixed-image samples map inside the moving image at the start transform.
    case insufficientOverlap(inside: Int, total: Int, required: Int)
    /// A mask selects no voxel.
    case emptyMask(String)
    /// A setting that cannot work (non-positive bins, percentage out of range, …).
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .malformedTransformFile(let path, let line, let reason):
            return line > 0 ? "\(path):\(line): not a readable ITK transform file: \(reason)"
                : "\(path): not a readable ITK transform file: \(reason)"
        case .unsupportedTransform(let path, let type, let reason):
            return "\(path): transform type \(type) is not supported: \(reason)"
        case .notRigid(let path, let reason):
            return "\(path): the transform is not rigid: \(reason)"
        case .insufficientOverlap(let inside, let total, let required):
            return "the images do not overlap at the start transform: \(inside) of \(total) fixed-image samples fall inside the moving image (at least \(required) needed); check the initialiser, the transform direction and both origins"
        case .emptyMask(let what):
            return "\(what): the mask selects no voxel"
        case .invalidSettings(let reason):
            return "invalid registration settings: \(reason)"
        }
    }
}
