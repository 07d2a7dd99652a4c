import Foundation
import ImagingCore

// NIfTI stores RAS world coordinates; the toolkit uses LPS. The conversion is the
// diagonal flip F = diag(-1, -1, 1): affine_LPS = F · affine_RAS (negate the first two
// rows), applied here and nowhere else.

private let rasToLPS = Matrix3(rows: Vector3(-1, 0, 0), Vector3(0, -1, 0), Vector3(0, 0, 1))

extension NIfTIHeader {
    /// Grid size and values per voxel from `dim`: up to three spatial axes, dim[4]
    /// (time) must be 1, dim[5] holds vector components.
    func layout(path: String) throws -> (size: GridSize, channels: Int) {
        let n = dim[0]
        guard (1...7).contains(n) else {
            throw ImageFormatError.invalidNIfTIHeader(path: path, field: "dim[0]", offset: Offset.dim, reason: "\(n) is not 1…7")
        }
        for axis in 1...n where dim[axis] < 1 {
            throw ImageFormatError.invalidNIfTIHeader(path: path, field: "dim[\(axis)]", offset: Offset.dim + 2 * axis,
                                                      reason: "extent \(dim[axis]) is not positive")
        }
        func extent(_ axis: Int) -> Int { axis <= n ? dim[axis] : 1 }
        guard extent(4) == 1, extent(6) == 1, extent(7) == 1 else {
            throw ImageFormatError.unsupportedFeature(path: path, key: "dim", reason: "time series and 6-7-D images (dim \(dim)) are not supported")
        }
        return (GridSize(extent(1), extent(2), extent(3)), extent(5))
    }

    /// The LPS geometry: from the sform when sform_code > 0, else from the quaternion
    /// (qform) when qform_code > 0, else pixdim alone with ITK's identity direction and
    /// zero origin. Spacing is pixdim[1...3] as ITK reads it, except that a sform whose
    /// column lengths disagree with pixdim (beyond float32 rounding) wins, as in nibabel.
    public func geometry(path: String) throws -> ImageGeometry {
        let size = try layout(path: path).size
        var spacing = Vector3((1...3).map { axis -> Double in
            axis <= dim[0] ? abs(pixdim[axis]) : (pixdim[axis] > 0 ? pixdim[axis] : 1)
        })
        var direction: Matrix3
        var origin: Vector3
        if sformCode > 0 {
            let m = Matrix3(rowMajor: [srow[0], srow[1], srow[2], srow[4], srow[5], srow[6], srow[8], srow[9], srow[10]])
            let columns = (0..<3).map { m.column($0) }
            let norms = columns.map(length)
            guard norms.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ImageFormatError.invalidGeometry(path: path, key: "srow", reason: "the sform has a zero or non-finite column")
            }
            for axis in 0..<3 where abs(norms[axis] - spacing[axis]) > 1e-5 * norms[axis] { spacing[axis] = norms[axis] }
            direction = Matrix3(columns: columns[0] / norms[0], columns[1] / norms[1], columns[2] / norms[2])
            origin = Vector3(srow[3], srow[7], srow[11])
        } else if qformCode > 0 {
            direction = Self.rotation(quaternion: quaternion, qfac: pixdim[0] < 0 ? -1 : 1)
            origin = Vector3(qoffset[0], qoffset[1], qoffset[2])
        } else {
            // No transform: ITK (and SimpleITK) use the identity in LPS, so undo the flip below.
            direction = rasToLPS
            origin = .zero
        }
        direction = rasToLPS * direction
        origin = rasToLPS * origin
        let geometry = ImageGeometry(unchecked: size, origin: origin, spacing: spacing, direction: direction)
        do {
            try geometry.validate()
        } catch let error as ImagingError {
            let key: String
            if case .nonPositiveSpacing = error { key = "pixdim" } else { key = sformCode > 0 ? "srow" : "quatern" }
            throw ImageFormatError.invalidGeometry(path: path, key: key, reason: error.description)
        }
        return geometry
    }

    /// nifti_quatern_to_mat44: the rotation of unit quaternion (a, b, c, d), a ≥ 0
    /// implied, with the third column times qfac.
    static func rotation(quaternion q: [Double], qfac: Double) -> Matrix3 {
        var (b, c, d) = (q[0], q[1], q[2])
        var a = 1 - (b * b + c * c + d * d)
        if a < 1e-7 {
            let s = 1 / (b * b + c * c + d * d).squareRoot()
            b *= s; c *= s; d *= s
            a = 0
        } else {
            a = a.squareRoot()
        }
        return Matrix3(rows:
            Vector3(a * a + b * b - c * c - d * d, 2 * (b * c - a * d), qfac * 2 * (b * d + a * c)),
            Vector3(2 * (b * c + a * d), a * a + c * c - b * b - d * d, qfac * 2 * (c * d - a * b)),
            Vector3(2 * (b * d - a * c), 2 * (c * d + a * b), qfac * (a * a + d * d - c * c - b * b)))
    }

    /// nifti_mat44_to_quatern for an orthonormal matrix: (b, c, d) and qfac.
    static func quaternion(of direction: Matrix3) -> (bcd: [Double], qfac: Double) {
        var r = direction
        var qfac = 1.0
        if r.determinant < 0 {
            qfac = -1
            for row in 0..<3 { r[row, 2] = -r[row, 2] }
        }
        let (r11, r12, r13) = (r[0, 0], r[0, 1], r[0, 2])
        let (r21, r22, r23) = (r[1, 0], r[1, 1], r[1, 2])
        let (r31, r32, r33) = (r[2, 0], r[2, 1], r[2, 2])
        var a = r11 + r22 + r33 + 1, b: Double, c: Double, d: Double
        if a > 0.5 {
            a = 0.5 * a.squareRoot()
            b = 0.25 * (r32 - r23) / a; c = 0.25 * (r13 - r31) / a; d = 0.25 * (r21 - r12) / a
        } else {
            let xd = 1 + r11 - (r22 + r33), yd = 1 + r22 - (r11 + r33), zd = 1 + r33 - (r11 + r22)
            if xd > 1 {
                b = 0.5 * xd.squareRoot(); c = 0.25 * (r12 + r21) / b; d = 0.25 * (r13 + r31) / b; a = 0.25 * (r32 - r23) / b
            } else if yd > 1 {
                c = 0.5 * yd.squareRoot(); b = 0.25 * (r12 + r21) / c; d = 0.25 * (r23 + r32) / c; a = 0.25 * (r13 - r31) / c
            } else {
                d = 0.5 * zd.squareRoot(); b = 0.25 * (r13 + r31) / d; c = 0.25 * (r23 + r32) / d; a = 0.25 * (r21 - r12) / d
            }
            if a < 0 { b = -b; c = -c; d = -d }
        }
        return ([b, c, d], qfac)
    }

    /// A header for writing `geometry` (LPS) with both qform and sform (code 1,
    /// scanner), voxels right after the 352-byte header and extension flag.
    init(geometry g: ImageGeometry, voxelType: VoxelType, channels: Int) {
        let rasDirection = rasToLPS * g.direction
        let rasOrigin = rasToLPS * g.origin
        let (bcd, qfac) = Self.quaternion(of: rasDirection)
        let affine = Matrix3(columns: rasDirection.column(0) * g.spacing.x, rasDirection.column(1) * g.spacing.y,
                             rasDirection.column(2) * g.spacing.z)
        let (r0, r1, r2) = affine.rows
        self.init(
            dim: channels > 1 ? [5, g.size.i, g.size.j, g.size.k, 1, channels, 1, 1] : [3, g.size.i, g.size.j, g.size.k, 1, 1, 1, 1],
            datatype: Self.datatype(of: voxelType), intentCode: channels > 1 ? 1007 : 0,
            pixdim: [qfac, g.spacing.x, g.spacing.y, g.spacing.z, 1, 1, 1, 1],
            voxOffset: 352, sclSlope: 1, sclInter: 0, qformCode: 1, sformCode: 1,
            quaternion: bcd, qoffset: [rasOrigin.x, rasOrigin.y, rasOrigin.z],
            srow: [r0.x, r0.y, r0.z, rasOrigin.x, r1.x, r1.y, r1.z, rasOrigin.y, r2.x, r2.y, r2.z, rasOrigin.z],
            magic: "n+1", isBigEndian: VoxelBytes.hostIsBigEndian)
    }
}
