import Foundation
import ImagingCore

/// Rotation matrices from and to the parameterisations ITK writes: Euler angles
/// (Euler3DTransform) and versors (VersorRigid3DTransform).
public enum Rotation {
    /// `Rz·Rx·Ry` (ITK's default), or `Rz·Ry·Rx` when `zyx`, for angles (x, y, z) in radians.
    public static func euler(_ a: Vector3, zyx: Bool = false) -> Matrix3 {
        let (cx, sx) = (cos(a.x), sin(a.x)), (cy, sy) = (cos(a.y), sin(a.y)), (cz, sz) = (cos(a.z), sin(a.z))
        let rx = Matrix3(rows: Vector3(1, 0, 0), Vector3(0, cx, -sx), Vector3(0, sx, cx))
        let ry = Matrix3(rows: Vector3(cy, 0, sy), Vector3(0, 1, 0), Vector3(-sy, 0, cy))
        let rz = Matrix3(rows: Vector3(cz, -sz, 0), Vector3(sz, cz, 0), Vector3(0, 0, 1))
        return zyx ? rz * ry * rx : rz * rx * ry
    }

    /// The ZXY Euler angles of a rotation, as ITK's Euler3DTransform::ComputeMatrixParameters.
    public static func eulerAngles(of m: Matrix3) -> Vector3 {
        let ax = asin(min(1, max(-1, m[2, 1])))
        let c = cos(ax)
        if abs(c) > 0.00005 {
            return Vector3(ax, atan2(-m[2, 0] / c, m[2, 2] / c), atan2(-m[0, 1] / c, m[1, 1] / c))
        }
        return Vector3(ax, atan2(m[1, 0], m[0, 0]), 0)
    }

    /// The rotation of a versor (vector part of a unit quaternion). A vector longer than
    /// one is scaled to unit length with a zero scalar part.
    public static func versor(_ v: Vector3) -> Matrix3 {
        let n2 = dot(v, v)
        let (x, y, z): (Double, Double, Double)
        let w: Double
        if n2 > 1 {
            let n = n2.squareRoot()
            (x, y, z, w) = (v.x / n, v.y / n, v.z / n, 0)
        } else {
            (x, y, z, w) = (v.x, v.y, v.z, (1 - n2).squareRoot())
        }
        return Matrix3(rows: Vector3(1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)),
                       Vector3(2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)),
                       Vector3(2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)))
    }

    /// The versor of a rotation matrix, with a non-negative scalar part.
    public static func versor(of m: Matrix3) -> Vector3 {
        let trace = m[0, 0] + m[1, 1] + m[2, 2]
        var q: (w: Double, x: Double, y: Double, z: Double)
        if trace > 0 {
            let s = (trace + 1).squareRoot() * 2
            q = (s / 4, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s)
        } else if m[0, 0] > m[1, 1], m[0, 0] > m[2, 2] {
            let s = (1 + m[0, 0] - m[1, 1] - m[2, 2]).squareRoot() * 2
            q = ((m[2, 1] - m[1, 2]) / s, s / 4, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s)
        } else if m[1, 1] > m[2, 2] {
            let s = (1 + m[1, 1] - m[0, 0] - m[2, 2]).squareRoot() * 2
            q = ((m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, s / 4, (m[1, 2] + m[2, 1]) / s)
        } else {
            let s = (1 + m[2, 2] - m[0, 0] - m[1, 1]).squareRoot() * 2
            q = ((m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, s / 4)
        }
        let sign: Double = q.w < 0 ? -1 : 1
        return Vector3(q.x, q.y, q.z) * sign
    }

    /// How far `m` is from a proper rotation: the largest |MᵀM − I| entry, and its determinant.
    public static func rigidityDefect(of m: Matrix3) -> (orthonormality: Double, determinant: Double) {
        ((m.transposed * m).maxAbsDifference(.identity), m.determinant)
    }
}
