/// How to read a value between voxel centres.
public enum Interpolation: String, Sendable, CaseIterable {
    /// The nearest voxel's value: the only choice for label maps.
    case nearest
    /// Trilinear interpolation of the eight surrounding voxels.
    case linear
}

extension Volume {
    /// This volume resampled onto `target` (another grid in the same world): for each
    /// target voxel, its world position is mapped into this volume's continuous index and
    /// read with `interpolation`. Points outside this volume get `defaultValue`.
    /// Only channel 0 is resampled.
    public func resampled(onto target: ImageGeometry, interpolation: Interpolation,
                          defaultValue: Voxel = .zero) -> Volume<Voxel> {
        var out = Volume<Voxel>(geometry: target, repeating: defaultValue)
        // target index → source continuous index is affine: c = A·t + b.
        let a = geometry.worldToIndexMatrix * target.indexToWorldMatrix
        let b = geometry.worldToIndexMatrix * (target.origin - geometry.origin)
        let src = size, nc = channelCount
        let ts = target.size
        voxels.withUnsafeBufferPointer { input in
            out.withUnsafeMutableVoxels { output in
                for k in 0..<ts.k {
                    for j in 0..<ts.j {
                        let rowStart = b + a * Vector3(0, Double(j), Double(k))
                        let step = a.column(0)
                        for i in 0..<ts.i {
                            let c = rowStart + step * Double(i)
                            let o = (k * ts.j + j) * ts.i + i
                            switch interpolation {
                            case .nearest:
                                let ii = ImageGeometry.saturatingIndex(c.x.rounded()), jj = ImageGeometry.saturatingIndex(c.y.rounded()),
                                    kk = ImageGeometry.saturatingIndex(c.z.rounded())
                                if ii >= 0, jj >= 0, kk >= 0, ii < src.i, jj < src.j, kk < src.k {
                                    output[o] = input[((kk * src.j + jj) * src.i + ii) * nc]
                                }
                            case .linear:
                                if let v = Self.trilinear(input, src, nc, c) {
                                    output[o] = Voxel(clampingDouble: v)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Trilinear read at continuous index `c`, or nil outside the grid. Points within
    /// half a voxel of the border clamp to the edge voxel, as ITK's interpolator does
    /// for points inside the image's buffered region.
    @usableFromInline
    static func trilinear(_ input: UnsafeBufferPointer<Voxel>, _ s: GridSize, _ nc: Int, _ c: Vector3) -> Double? {
        guard c.x >= -0.5, c.y >= -0.5, c.z >= -0.5,
              c.x <= Double(s.i) - 0.5, c.y <= Double(s.j) - 0.5, c.z <= Double(s.k) - 0.5 else { return nil }
        let x = min(max(c.x, 0), Double(s.i - 1))
        let y = min(max(c.y, 0), Double(s.j - 1))
        let z = min(max(c.z, 0), Double(s.k - 1))
        let i0 = Int(x), j0 = Int(y), k0 = Int(z)
        let i1 = min(i0 + 1, s.i - 1), j1 = min(j0 + 1, s.j - 1), k1 = min(k0 + 1, s.k - 1)
        let fx = x - Double(i0), fy = y - Double(j0), fz = z - Double(k0)
        @inline(__always) func at(_ i: Int, _ j: Int, _ k: Int) -> Double {
            input[((k * s.j + j) * s.i + i) * nc].doubleValue
        }
        let c00 = at(i0, j0, k0) * (1 - fx) + at(i1, j0, k0) * fx
        let c10 = at(i0, j1, k0) * (1 - fx) + at(i1, j1, k0) * fx
        let c01 = at(i0, j0, k1) * (1 - fx) + at(i1, j0, k1) * fx
        let c11 = at(i0, j1, k1) * (1 - fx) + at(i1, j1, k1) * fx
        let c0 = c00 * (1 - fy) + c10 * fy
        let c1 = c01 * (1 - fy) + c11 * fy
        return c0 * (1 - fz) + c1 * fz
    }
}

extension Volume where Voxel == UInt8 {
    /// A label map resampled onto `target` by nearest neighbour: labels never blend.
    public func resampledLabels(onto target: ImageGeometry) -> Volume<UInt8> {
        resampled(onto: target, interpolation: .nearest)
    }
}
