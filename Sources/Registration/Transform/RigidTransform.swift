import Foundation
import ImagingCore

/// A rotation and translation about a centre, as ITK's Euler3DTransform and
/// VersorRigid3DTransform: `T(x) = R·(x − centre) + centre + translation`.
///
/// Direction, as in ITK: a registration's transform maps points of the *fixed* image's
/// world (LPS mm) to the *moving* image's world. Resampling the moving image onto the
/// fixed grid reads the moving image at `T(x)` for every fixed voxel centre `x`.
public struct RigidTransform: Sendable, Equatable, CustomStringConvertible {
    /// The rotation matrix (orthonormal, determinant +1).
    public var rotation: Matrix3
    /// The centre of rotation (LPS mm); it changes the parameters, not the mapping's kind.
    public var centre: Vector3
    /// The translation (mm) applied after rotating about `centre`.
    public var translation: Vector3

    /// A transform from its rotation matrix, centre and translation. The matrix is
    /// trusted; use `init(validating:…)` for one read from input.
    public init(rotation: Matrix3 = .identity, centre: Vector3 = .zero, translation: Vector3 = .zero) {
        self.rotation = rotation
        self.centre = centre
        self.translation = translation
    }

    /// The identity map.
    public static let identity = RigidTransform()

    /// A transform from ITK Euler3DTransform parameters: angles in radians about x, y and
    /// z, applied as `R = Rz·Rx·Ry` (ITK's default), or `Rz·Ry·Rx` when `zyx` is true.
    public init(eulerAngles angles: Vector3, translation: Vector3 = .zero, centre: Vector3 = .zero, zyx: Bool = false) {
        self.init(rotation: Rotation.euler(angles, zyx: zyx), centre: centre, translation: translation)
    }

    /// A transform from ITK VersorRigid3DTransform parameters: the vector part of a unit
    /// quaternion (its scalar part is `√(1 − |v|²)`).
    public init(versor: Vector3, translation: Vector3 = .zero, centre: Vector3 = .zero) {
        self.init(rotation: Rotation.versor(versor), centre: centre, translation: translation)
    }

    /// The Euler angles (radians, ZXY order as ITK's Euler3DTransform reports them).
    public var eulerAngles: Vector3 { Rotation.eulerAngles(of: rotation) }

    /// The versor (vector part of the unit quaternion with non-negative scalar part).
    public var versor: Vector3 { Rotation.versor(of: rotation) }

    /// The rotation angle in degrees (0 … 180).
    public var rotationAngleDegrees: Double {
        let m = rotation
        let cosine = ((m[0, 0] + m[1, 1] + m[2, 2]) - 1) / 2
        return acos(min(1, max(-1, cosine))) * 180 / .pi
    }

    /// The affine offset `o` with `T(x) = R·x + o`.
    public var offset: Vector3 { translation + centre - rotation * centre }

    /// Maps a point of the fixed world (LPS mm) to the moving world.
    @inlinable
    public func transformPoint(_ x: Vector3) -> Vector3 {
        rotation * (x - centre) + centre + translation
    }

    /// Maps a direction (no translation).
    public func transformVector(_ v: Vector3) -> Vector3 { rotation * v }

    /// The inverse map, about the same centre.
    public var inverse: RigidTransform {
        let rt = rotation.transposed
        return RigidTransform(rotation: rt, centre: centre, translation: -(rt * translation))
    }

    /// `self ∘ other`: first `other`, then `self` (ITK's CompositeTransform order when
    /// `other` is added last). The result keeps `other`'s centre.
    public func composed(after other: RigidTransform) -> RigidTransform {
        let r = rotation * other.rotation
        let t = rotation * (other.centre + other.translation - centre) + centre + translation - other.centre
        return RigidTransform(rotation: r, centre: other.centre, translation: t)
    }

    /// The same mapping expressed about another centre.
    public func recentred(at newCentre: Vector3) -> RigidTransform {
        RigidTransform(rotation: rotation, centre: newCentre, translation: offset + rotation * newCentre - newCentre)
    }

    /// The largest distance between where `self` and `other` send the given points.
    public func maximumDistance(to other: RigidTransform, over points: [Vector3]) -> Double {
        points.map { length(transformPoint($0) - other.transformPoint($0)) }.max() ?? 0
    }

    public var description: String {
        let a = eulerAngles * (180 / .pi)
        return String(format: "rotation (%.4f°, %.4f°, %.4f°) about (%.3f, %.3f, %.3f) mm, translation (%.4f, %.4f, %.4f) mm",
                      a.x, a.y, a.z, centre.x, centre.y, centre.z, translation.x, translation.y, translation.z)
    }
}

extension RigidTransform {
    /// The mapping from the fixed grid's continuous index to the moving grid's: an affine
    /// `c = A·t + b` (used by the resampler and the metric).
    public func indexMap(from fixed: ImageGeometry, to moving: ImageGeometry) -> (matrix: Matrix3, offset: Vector3) {
        let w2i = moving.worldToIndexMatrix
        let a = w2i * rotation * fixed.indexToWorldMatrix
        let b = w2i * (rotation * fixed.origin + offset - moving.origin)
        return (a, b)
    }
}
