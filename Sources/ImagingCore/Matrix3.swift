/// A point or vector in 3-space, in double precision.
public typealias Vector3 = SIMD3<Double>

/// A 3x3 matrix stored by rows. For an image direction matrix, column `c` is the
/// world-space unit vector along index axis `c` (i, j or k), as in ITK and DICOM.
public struct Matrix3: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Rows of the matrix, top to bottom.
    public var rows: (Vector3, Vector3, Vector3) {
        get { (r0, r1, r2) }
        set { (r0, r1, r2) = newValue }
    }
    private var r0: Vector3
    private var r1: Vector3
    private var r2: Vector3

    /// Builds a matrix from its rows.
    public init(rows r0: Vector3, _ r1: Vector3, _ r2: Vector3) {
        self.r0 = r0; self.r1 = r1; self.r2 = r2
    }

    /// Builds a matrix from its columns (the axis directions of an image).
    public init(columns c0: Vector3, _ c1: Vector3, _ c2: Vector3) {
        self.init(rows: Vector3(c0.x, c1.x, c2.x), Vector3(c0.y, c1.y, c2.y), Vector3(c0.z, c1.z, c2.z))
    }

    /// Builds a matrix from nine values listed row by row.
    public init(rowMajor v: [Double]) {
        precondition(v.count == 9, "Matrix3 needs nine values")
        self.init(rows: Vector3(v[0], v[1], v[2]), Vector3(v[3], v[4], v[5]), Vector3(v[6], v[7], v[8]))
    }

    /// The identity matrix.
    public static let identity = Matrix3(rows: Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1))

    /// Element at `row`, `column` (0-based).
    public subscript(row: Int, column: Int) -> Double {
        get {
            switch row { case 0: return r0[column]; case 1: return r1[column]; default: return r2[column] }
        }
        set {
            switch row { case 0: r0[column] = newValue; case 1: r1[column] = newValue; default: r2[column] = newValue }
        }
    }

    /// Column `c` (0-based).
    public func column(_ c: Int) -> Vector3 { Vector3(r0[c], r1[c], r2[c]) }

    /// The nine values row by row.
    public var rowMajor: [Double] { [r0.x, r0.y, r0.z, r1.x, r1.y, r1.z, r2.x, r2.y, r2.z] }

    /// The nine values column by column (MetaImage's TransformMatrix order).
    public var columnMajor: [Double] { transposed.rowMajor }

    /// The transpose.
    public var transposed: Matrix3 { Matrix3(columns: r0, r1, r2) }

    /// The determinant.
    public var determinant: Double {
        let c = cross(r1, r2)
        return (r0 * c).sum()
    }

    /// The inverse, or nil when the matrix is singular (|det| below 1e-12).
    public var inverse: Matrix3? {
        let det = determinant
        guard abs(det) > 1e-12 else { return nil }
        // Rows of the inverse are the cross products of the columns, over det.
        let c0 = column(0), c1 = column(1), c2 = column(2)
        return Matrix3(rows: cross(c1, c2) / det, cross(c2, c0) / det, cross(c0, c1) / det)
    }

    /// Matrix times vector.
    @inlinable
    public static func * (m: Matrix3, v: Vector3) -> Vector3 {
        let (a, b, c) = m.rows
        return Vector3((a * v).sum(), (b * v).sum(), (c * v).sum())
    }

    /// Matrix product.
    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(columns: a * b.column(0), a * b.column(1), a * b.column(2))
    }

    /// Largest absolute difference between this matrix's entries and `other`'s.
    public func maxAbsDifference(_ other: Matrix3) -> Double {
        zip(rowMajor, other.rowMajor).map { abs($0 - $1) }.max() ?? 0
    }

    public static func == (a: Matrix3, b: Matrix3) -> Bool { a.rowMajor == b.rowMajor }
    public func hash(into hasher: inout Hasher) { hasher.combine(rowMajor) }

    public var description: String {
        "[" + [r0, r1, r2].map { "\($0.x) \($0.y) \($0.z)" }.joined(separator: "; ") + "]"
    }
}

/// The cross product of two vectors.
@inlinable
public func cross(_ a: Vector3, _ b: Vector3) -> Vector3 {
    Vector3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// The dot product of two vectors.
@inlinable
public func dot(_ a: Vector3, _ b: Vector3) -> Double { (a * b).sum() }

/// The Euclidean length of a vector.
@inlinable
public func length(_ v: Vector3) -> Double { dot(v, v).squareRoot() }
