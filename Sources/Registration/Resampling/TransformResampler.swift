import ImagingCore

/// Resampling of a volume through a rigid transform onto a reference grid, with ITK's
/// edge rules: a continuous index c is inside when −0.5 ≤ c < n − 0.5 on every axis;
/// linear reads clamp to the edge voxel within that half-voxel border, and nearest
/// rounds halves up (⌊c + 0.5⌋). Work is split over output slices; along each row the
/// moving index advances by one constant step, and only the part of the row that can
/// fall inside the moving image is visited.
public enum TransformResampler {
    /// `moving` read at `transform(x)` for every voxel centre x of `reference`, with an
    /// explicit interpolation (for label maps stored in a type other than UInt8, pass
    /// `.nearest`). Linear results are rounded to nearest for integer voxel types
    /// (SimpleITK truncates toward zero there). Only channel 0 is resampled.
    public static func resample<V: VoxelScalar>(_ moving: Volume<V>, onto reference: ImageGeometry,
                                                through transform: RigidTransform = .identity,
                                                interpolation: Interpolation, defaultValue: V = .zero,
                                                threads: Int? = nil) -> Volume<V> {
        // Concrete types take a specialised path (a generic call from another module
        // would otherwise read every voxel through a witness table).
        if let v = moving as? Volume<Float>, let d = defaultValue as? Float,
           let r = run(v, reference, transform, interpolation, d, threads) as? Volume<V> { return r }
        if let v = moving as? Volume<Int16>, let d = defaultValue as? Int16,
           let r = run(v, reference, transform, interpolation, d, threads) as? Volume<V> { return r }
        if let v = moving as? Volume<UInt8>, let d = defaultValue as? UInt8,
           let r = run(v, reference, transform, interpolation, d, threads) as? Volume<V> { return r }
        return run(moving, reference, transform, interpolation, defaultValue, threads)
    }

    private static func run<V: VoxelScalar>(_ moving: Volume<V>, _ reference: ImageGeometry, _ transform: RigidTransform,
                                            _ interpolation: Interpolation, _ defaultValue: V, _ threads: Int?) -> Volume<V> {
        let map = transform.indexMap(from: reference, to: moving.geometry)
        let kernel = RowKernel(map: map, source: moving.size, channels: moving.channelCount, target: reference.size)
        let ts = reference.size, count = ts.voxelCount
        // Every output voxel is written once (default or value), straight into a buffer
        // backed by huge pages: no zero-fill pass, a few hundred page faults for a CT grid.
        let voxels = moving.withUnsafeVoxels { input in
            [V](unsafeUninitializedCapacity: count) { buffer, initialised in
                HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
                let base = UncheckedBox(buffer.baseAddress), source = UncheckedBox(input)
                ParallelSlices.run(ts.k, threads: threads ?? ParallelSlices.defaultThreads) { slices in
                    guard let pointer = base.value else { return }
                    for k in slices {
                        for j in 0..<ts.j {
                            let row = pointer + (k * ts.j + j) * ts.i
                            switch interpolation {
                            case .linear: kernel.linearRow(j: j, k: k, input: source.value, output: row, defaultValue: defaultValue)
                            case .nearest: kernel.nearestRow(j: j, k: k, input: source.value, output: row, defaultValue: defaultValue)
                            }
                        }
                    }
                }
                initialised = count
            }
        }
        return (try? Volume(geometry: reference, voxels: voxels)) ?? Volume(geometry: reference, repeating: defaultValue)
    }
}

/// The per-row work of the resampler, in scalar Doubles (fast in debug builds too).
struct RowKernel {
    let a: Matrix3, b: Vector3
    let ni: Int, nj: Int, nk: Int, nc: Int, ti: Int
    // Row start = b + a·(0, j, k); step along i = a's first column.
    let stepX: Double, stepY: Double, stepZ: Double

    init(map: (matrix: Matrix3, offset: Vector3), source: GridSize, channels: Int, target: GridSize) {
        a = map.matrix; b = map.offset
        ni = source.i; nj = source.j; nk = source.k; nc = channels; ti = target.i
        let s = a.column(0)
        stepX = s.x; stepY = s.y; stepZ = s.z
    }

    /// Writes the default outside the candidate range of a row.
    @inline(__always)
    func fillOutside<V>(_ range: Range<Int>, _ output: UnsafeMutablePointer<V>, _ value: V) {
        if range.isEmpty {
            output.initialize(repeating: value, count: ti)
            return
        }
        if range.lowerBound > 0 { output.initialize(repeating: value, count: range.lowerBound) }
        if range.upperBound < ti { (output + range.upperBound).initialize(repeating: value, count: ti - range.upperBound) }
    }

    /// The continuous moving index of row (j, k)'s first voxel.
    @inline(__always)
    func rowStart(j: Int, k: Int) -> (Double, Double, Double) {
        let c = b + a * Vector3(0, Double(j), Double(k))
        return (c.x, c.y, c.z)
    }

    /// The i range of a row that can be inside the moving grid (one voxel of slack each
    /// side; the per-voxel test decides).
    @inline(__always)
    func candidateRange(_ c0: (Double, Double, Double)) -> Range<Int> {
        var lo = 0, hi = ti
        for axis in 0..<3 {
            let (start, step, n) = axis == 0 ? (c0.0, stepX, ni) : axis == 1 ? (c0.1, stepY, nj) : (c0.2, stepZ, nk)
            let low = -0.5, high = Double(n) - 0.5
            if step == 0 {
                if !(start >= low && start < high) { return 0..<0 }
                continue
            }
            let t1 = (low - start) / step, t2 = (high - start) / step
            let first = min(t1, t2), last = max(t1, t2)
            guard first.isFinite, last.isFinite else { return 0..<0 }
            lo = max(lo, ImageGeometry.saturatingIndex(first.rounded(.down)) - 1)
            hi = min(hi, ImageGeometry.saturatingIndex(last.rounded(.up)) + 2)
        }
        return lo < hi ? lo..<hi : 0..<0
    }

    func linearRow<V: VoxelScalar>(j: Int, k: Int, input: UnsafeBufferPointer<V>, output: UnsafeMutablePointer<V>, defaultValue: V) {
        let c0 = rowStart(j: j, k: k)
        let range = candidateRange(c0)
        fillOutside(range, output, defaultValue)
        // Inside the interior every voxel has all eight neighbours: no clamping, no tests.
        let inner = interiorRange(c0, within: range)
        linearBorder(range.lowerBound..<inner.lowerBound, c0, input, output, defaultValue)
        let strideJ = ni * nc, strideK = ni * nj * nc
        for i in inner {
            let di = Double(i)
            let x = c0.0 + stepX * di, y = c0.1 + stepY * di, z = c0.2 + stepZ * di
            let i0 = Int(x), j0 = Int(y), k0 = Int(z)
            let fx = x - Double(i0), fy = y - Double(j0), fz = z - Double(k0)
            let o = k0 * strideK + j0 * strideJ + i0 * nc
            let v000 = input[o].doubleValue, v100 = input[o + nc].doubleValue
            let v010 = input[o + strideJ].doubleValue, v110 = input[o + strideJ + nc].doubleValue
            let v001 = input[o + strideK].doubleValue, v101 = input[o + strideK + nc].doubleValue
            let v011 = input[o + strideK + strideJ].doubleValue, v111 = input[o + strideK + strideJ + nc].doubleValue
            let c00 = v000 + (v100 - v000) * fx, c10 = v010 + (v110 - v010) * fx
            let c01 = v001 + (v101 - v001) * fx, c11 = v011 + (v111 - v011) * fx
            let c0v = c00 + (c10 - c00) * fy, c1v = c01 + (c11 - c01) * fy
            output[i] = V(clampingDouble: c0v + (c1v - c0v) * fz)
        }
        linearBorder(inner.upperBound..<range.upperBound, c0, input, output, defaultValue)
    }

    /// The i range of a row (inside `range`) where 0 ≤ c < n − 1 on every axis. The
    /// analytic bounds are then checked with the loop's own arithmetic, which is monotone
    /// in i, so every i between two checked ends is interior too.
    @inline(__always)
    func interiorRange(_ c0: (Double, Double, Double), within range: Range<Int>) -> Range<Int> {
        guard ni > 1, nj > 1, nk > 1, !range.isEmpty else { return range.lowerBound..<range.lowerBound }
        func interior(_ i: Int) -> Bool {
            let di = Double(i)
            let x = c0.0 + stepX * di, y = c0.1 + stepY * di, z = c0.2 + stepZ * di
            return x >= 0 && y >= 0 && z >= 0 && x < Double(ni - 1) && y < Double(nj - 1) && z < Double(nk - 1)
        }
        var lo = range.lowerBound, hi = range.upperBound
        for axis in 0..<3 {
            let (start, step, n) = axis == 0 ? (c0.0, stepX, ni) : axis == 1 ? (c0.1, stepY, nj) : (c0.2, stepZ, nk)
            if step == 0 { continue }
            let t1 = -start / step, t2 = (Double(n - 1) - start) / step
            let first = min(t1, t2), last = max(t1, t2)
            guard first.isFinite, last.isFinite else { return range.lowerBound..<range.lowerBound }
            lo = max(lo, ImageGeometry.saturatingIndex(first.rounded(.up)) + 1)
            hi = min(hi, ImageGeometry.saturatingIndex(last.rounded(.down)) - 1)
        }
        guard lo < hi else { return range.lowerBound..<range.lowerBound }
        while lo < hi, !interior(lo) { lo += 1 }
        while hi > lo, !interior(hi - 1) { hi -= 1 }
        return lo..<hi
    }

    /// The careful path: per-voxel inside test and edge clamping.
    func linearBorder<V: VoxelScalar>(_ range: Range<Int>, _ c0: (Double, Double, Double), _ input: UnsafeBufferPointer<V>,
                                      _ output: UnsafeMutablePointer<V>, _ defaultValue: V) {
        let hiX = Double(ni) - 0.5, hiY = Double(nj) - 0.5, hiZ = Double(nk) - 0.5
        let maxX = Double(ni - 1), maxY = Double(nj - 1), maxZ = Double(nk - 1)
        let strideJ = ni * nc, strideK = ni * nj * nc
        for i in range {
            let di = Double(i)
            let x = c0.0 + stepX * di, y = c0.1 + stepY * di, z = c0.2 + stepZ * di
            guard x >= -0.5, y >= -0.5, z >= -0.5, x < hiX, y < hiY, z < hiZ else { output[i] = defaultValue; continue }
            let cx = min(max(x, 0), maxX), cy = min(max(y, 0), maxY), cz = min(max(z, 0), maxZ)
            let i0 = Int(cx), j0 = Int(cy), k0 = Int(cz)
            let fx = cx - Double(i0), fy = cy - Double(j0), fz = cz - Double(k0)
            let di1 = i0 + 1 < ni ? nc : 0, dj1 = j0 + 1 < nj ? strideJ : 0, dk1 = k0 + 1 < nk ? strideK : 0
            let o = k0 * strideK + j0 * strideJ + i0 * nc
            let v000 = input[o].doubleValue, v100 = input[o + di1].doubleValue
            let v010 = input[o + dj1].doubleValue, v110 = input[o + dj1 + di1].doubleValue
            let v001 = input[o + dk1].doubleValue, v101 = input[o + dk1 + di1].doubleValue
            let v011 = input[o + dk1 + dj1].doubleValue, v111 = input[o + dk1 + dj1 + di1].doubleValue
            let c00 = v000 + (v100 - v000) * fx, c10 = v010 + (v110 - v010) * fx
            let c01 = v001 + (v101 - v001) * fx, c11 = v011 + (v111 - v011) * fx
            let c0v = c00 + (c10 - c00) * fy, c1v = c01 + (c11 - c01) * fy
            output[i] = V(clampingDouble: c0v + (c1v - c0v) * fz)
        }
    }

    func nearestRow<V: VoxelScalar>(j: Int, k: Int, input: UnsafeBufferPointer<V>, output: UnsafeMutablePointer<V>, defaultValue: V) {
        let c0 = rowStart(j: j, k: k)
        let range = candidateRange(c0)
        fillOutside(range, output, defaultValue)
        let hiX = Double(ni) - 0.5, hiY = Double(nj) - 0.5, hiZ = Double(nk) - 0.5
        for i in range {
            let di = Double(i)
            let x = c0.0 + stepX * di, y = c0.1 + stepY * di, z = c0.2 + stepZ * di
            guard x >= -0.5, y >= -0.5, z >= -0.5, x < hiX, y < hiY, z < hiZ else { output[i] = defaultValue; continue }
            // Round half up, as ITK's NearestNeighborInterpolateImageFunction.
            let ii = Int((x + 0.5).rounded(.down)), jj = Int((y + 0.5).rounded(.down)), kk = Int((z + 0.5).rounded(.down))
            output[i] = input[((kk * nj + jj) * ni + ii) * nc]
        }
    }
}
