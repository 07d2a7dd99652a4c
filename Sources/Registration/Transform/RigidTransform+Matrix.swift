import Foundation
import ImagingCore

extension RigidTransform {
    /// The 4×4 homogeneous matrix of the mapping, row major (16 values, last row 0 0 0 1):
    /// `[R | offset]`, so `T(x) = M · (x, 1)`. DICOM's Frame of Reference Transformation
    /// Matrix takes this layout.
    public var homogeneousMatrix: [Double] {
        let r = rotation.rowMajor, o = offset
        return [r[0], r[1], r[2], o.x, r[3], r[4], r[5], o.y, r[6], r[7], r[8], o.z, 0, 0, 0, 1]
    }

    /// The transform of a row-major 4×4 rigid matrix; nil when it is not one (16 finite
    /// values, last row 0 0 0 1, a proper rotation within `tolerance`).
    public init?(homogeneousMatrix m: [Double], tolerance: Double = 1e-6) {
        guard m.count == 16, m.allSatisfy(\.isFinite), Array(m[12...]) == [0, 0, 0, 1] else { return nil }
        let r = Matrix3(rows: Vector3(m[0], m[1], m[2]), Vector3(m[4], m[5], m[6]), Vector3(m[8], m[9], m[10]))
        let defect = Rotation.rigidityDefect(of: r)
        guard defect.orthonormality <= tolerance, defect.determinant > 0 else { return nil }
        self.init(rotation: r, centre: .zero, translation: Vector3(m[3], m[7], m[11]))
    }
}
