import Foundation
import ImagingCore

/// Mattes mutual information between fixed-image samples and a moving image, with its
/// gradient with respect to the six Euler parameters of a rigid transform (Mattes et al.
/// 2003, as ITK's MattesMutualInformationImageToImageMetricv4): fixed values fall into
/// bins by a zero-order (box) window, moving values spread over bins by a cubic B-spline
/// Parzen window, and the gradient follows from the moving window's derivative.
///
/// Samples are processed in blocks of a size set by the sample count whose partial histograms and gradients
/// are added in block order, so the result is the same for any thread count.
struct MattesMutualInformation {
    /// Fixed-image samples: world points (LPS mm) and their fixed-histogram bins.
    let points: [Vector3]
    let fixedBins: [Int32]
    let moving: Volume<Float>
    let bins: Int
    let movingMinimum: Double
    let movingBinWidth: Double
    let threads: Int
    static let padding = 2
    /// Samples per block: at least 2048, and few enough blocks (≤ 64) that the partial
    /// histograms stay small. It depends on the sample count only, never on threads.
    static func blockSize(for count: Int) -> Int { max(2048, (count + 63) / 64) }

    /// Builds the sampled metric; fixed values are binned once here.
    init(points: [Vector3], fixedValues: [Float], moving: Volume<Float>, bins: Int, threads: Int) {
        self.points = points
        self.moving = moving
        self.bins = bins
        self.threads = threads
        let usable = Double(bins - 2 * Self.padding)
        let fmin = Double(fixedValues.min() ?? 0), fmax = Double(fixedValues.max() ?? 1)
        let fwidth = max(fmax - fmin, 1e-12) / usable
        fixedBins = fixedValues.map { v in
            Int32(min(max(Int((Double(v) - fmin) / fwidth) + Self.padding, Self.padding), bins - Self.padding - 1))
        }
        let stats = moving.statistics
        movingMinimum = stats.minimum.isFinite ? stats.minimum : 0
        movingBinWidth = max((stats.maximum.isFinite ? stats.maximum : 1) - movingMinimum, 1e-12) / usable
    }

    /// One evaluation at a transform.
    struct Evaluation {
        /// Mutual information (nats); higher is better aligned.
        var mutualInformation: Double
        /// d MI / d (angle x, y, z, translation x, y, z).
        var gradient: [Double]
        /// Samples that mapped inside the moving image.
        var inside: Int
        /// Entropies (nats) of the fixed and moving marginals of the joint histogram.
        var fixedEntropy = 0.0, movingEntropy = 0.0
    }

    /// Samples that map inside the moving image under `transform`.
    func countInside(_ transform: RigidTransform) -> Int {
        let g = moving.geometry
        return points.reduce(0) { n, p in n + (g.containsContinuousIndex(g.worldToContinuousIndex(transform.transformPoint(p))) ? 1 : 0) }
    }

    /// MI and its gradient for Euler parameters `angles` (ZXY, radians) and `translation` about `centre`.
    func evaluate(angles: Vector3, translation: Vector3, centre: Vector3) -> Evaluation {
        moving.withUnsafeVoxels { voxels in
            points.withUnsafeBufferPointer { pts in
                fixedBins.withUnsafeBufferPointer { fixed in
                    evaluate(angles: angles, translation: translation, centre: centre, voxels: voxels, points: pts, fixedBins: fixed)
                }
            }
        }
    }

    // The kernels read raw buffers only: no reference counting per sample (debug builds
    // spend most of their time there otherwise).
    private func evaluate(angles: Vector3, translation: Vector3, centre: Vector3, voxels: UnsafeBufferPointer<Float>,
                          points: UnsafeBufferPointer<Vector3>, fixedBins: UnsafeBufferPointer<Int32>) -> Evaluation {
        let transform = RigidTransform(eulerAngles: angles, translation: translation, centre: centre)
        let derivatives = Self.rotationDerivatives(angles)
        let count = points.count, bins = self.bins, blockSize = Self.blockSize(for: points.count)
        let blocks = (count + blockSize - 1) / blockSize
        let samples = SampleReader(metric: self, voxels: voxels, points: points, transform: transform)
        let input = UncheckedBox((points, fixedBins))
        // Pass 1: the joint histogram of Parzen weights, per block, then summed in order.
        var partial = [Double](repeating: 0, count: blocks * bins * bins)
        var insideCounts = [Int](repeating: 0, count: blocks)
        partial.withUnsafeMutableBufferPointer { out in
            insideCounts.withUnsafeMutableBufferPointer { counts in
                let o = UncheckedBox((out, counts))
                ParallelSlices.run(blocks, threads: threads) { range in
                    let (joint, inside) = o.value, fixed = input.value.1
                    for b in range {
                        let base = b * bins * bins
                        var n = 0
                        for s in (b * blockSize)..<min(count, (b + 1) * blockSize) {
                            guard let r = samples.read(s) else { continue }
                            n += 1
                            let cell = base + Int(fixed[s]) * bins + r.firstBin
                            joint[cell] += r.weights.x; joint[cell + 1] += r.weights.y
                            joint[cell + 2] += r.weights.z; joint[cell + 3] += r.weights.w
                        }
                        inside[b] = n
                    }
                }
            }
        }
        var joint = [Double](repeating: 0, count: bins * bins)
        for b in 0..<blocks { for n in 0..<joint.count { joint[n] += partial[b * bins * bins + n] } }
        let inside = insideCounts.reduce(0, +)
        guard inside > 0 else { return Evaluation(mutualInformation: 0, gradient: [0, 0, 0, 0, 0, 0], inside: 0) }
        let total = joint.reduce(0, +)
        var fixedMarginal = [Double](repeating: 0, count: bins), movingMarginal = [Double](repeating: 0, count: bins)
        for f in 0..<bins { for m in 0..<bins {
            let p = joint[f * bins + m] / total
            joint[f * bins + m] = p
            fixedMarginal[f] += p; movingMarginal[m] += p
        } }
        let entropy = { (p: [Double]) in p.reduce(0.0) { $1 > 0 ? $0 - $1 * log($1) : $0 } }
        var mi = 0.0
        // log(P(f, m) / P(m)): the factor each sample's window derivative meets.
        var logRatio = [Double](repeating: 0, count: bins * bins)
        for f in 0..<bins { for m in 0..<bins {
            let p = joint[f * bins + m]
            guard p > 1e-16, movingMarginal[m] > 0, fixedMarginal[f] > 0 else { continue }
            mi += p * log(p / (fixedMarginal[f] * movingMarginal[m]))
            logRatio[f * bins + m] = log(p / movingMarginal[m])
        } }
        // Pass 2: dMI/dp = Σ dP(f, m)/dp · log(P(f, m)/P(m)).
        var partialGradients = [Double](repeating: 0, count: blocks * 6)
        let scale = 1 / (total * movingBinWidth)
        let d0 = derivatives.0.rowMajor, d1 = derivatives.1.rowMajor, d2 = derivatives.2.rowMajor
        let rows = UncheckedBox(((d0[0], d0[1], d0[2], d0[3], d0[4], d0[5], d0[6], d0[7], d0[8]),
                                 (d1[0], d1[1], d1[2], d1[3], d1[4], d1[5], d1[6], d1[7], d1[8]),
                                 (d2[0], d2[1], d2[2], d2[3], d2[4], d2[5], d2[6], d2[7], d2[8])))
        let (cx, cy, cz) = (centre.x, centre.y, centre.z)
        logRatio.withUnsafeBufferPointer { ratios in
            partialGradients.withUnsafeMutableBufferPointer { out in
                let o = UncheckedBox((out, ratios))
                ParallelSlices.run(blocks, threads: threads) { range in
                    let (g, logs) = o.value, (pts, fixed) = input.value
                    let m = rows.value
                    for b in range {
                        var g0 = 0.0, g1 = 0.0, g2 = 0.0, g3 = 0.0, g4 = 0.0, g5 = 0.0
                        for s in (b * blockSize)..<min(count, (b + 1) * blockSize) {
                            guard let r = samples.read(s) else { continue }
                            let cell = Int(fixed[s]) * bins + r.firstBin
                            let coefficient = -(r.weightDerivatives.x * logs[cell] + r.weightDerivatives.y * logs[cell + 1]
                                + r.weightDerivatives.z * logs[cell + 2] + r.weightDerivatives.w * logs[cell + 3])
                            guard coefficient != 0 else { continue }
                            // dm/dp: the moving gradient (world) w against ∂T/∂p; ∂T/∂θa = (∂R/∂θa)·(x − centre),
                            // so dm/dθa = wᵀ·(∂R/∂θa)·(x − centre).
                            let f = coefficient * scale
                            let wx = r.gx * f, wy = r.gy * f, wz = r.gz * f
                            let p = pts[s]
                            let dx = p.x - cx, dy = p.y - cy, dz = p.z - cz
                            let a = m.0, bb = m.1, c = m.2
                            g0 += wx * (a.0 * dx + a.1 * dy + a.2 * dz) + wy * (a.3 * dx + a.4 * dy + a.5 * dz) + wz * (a.6 * dx + a.7 * dy + a.8 * dz)
                            g1 += wx * (bb.0 * dx + bb.1 * dy + bb.2 * dz) + wy * (bb.3 * dx + bb.4 * dy + bb.5 * dz) + wz * (bb.6 * dx + bb.7 * dy + bb.8 * dz)
                            g2 += wx * (c.0 * dx + c.1 * dy + c.2 * dz) + wy * (c.3 * dx + c.4 * dy + c.5 * dz) + wz * (c.6 * dx + c.7 * dy + c.8 * dz)
                            g3 += wx; g4 += wy; g5 += wz
                        }
                        g[b * 6] = g0; g[b * 6 + 1] = g1; g[b * 6 + 2] = g2; g[b * 6 + 3] = g3; g[b * 6 + 4] = g4; g[b * 6 + 5] = g5
                    }
                }
            }
        }
        var gradient = [Double](repeating: 0, count: 6)
        for b in 0..<blocks { for n in 0..<6 { gradient[n] += partialGradients[b * 6 + n] } }
        return Evaluation(mutualInformation: mi, gradient: gradient, inside: inside,
                          fixedEntropy: entropy(fixedMarginal), movingEntropy: entropy(movingMarginal))
    }

    /// ∂R/∂θx, ∂R/∂θy, ∂R/∂θz for R = Rz·Rx·Ry.
    static func rotationDerivatives(_ a: Vector3) -> (Matrix3, Matrix3, Matrix3) {
        let (cx, sx) = (cos(a.x), sin(a.x)), (cy, sy) = (cos(a.y), sin(a.y)), (cz, sz) = (cos(a.z), sin(a.z))
        let rx = Matrix3(rows: Vector3(1, 0, 0), Vector3(0, cx, -sx), Vector3(0, sx, cx))
        let ry = Matrix3(rows: Vector3(cy, 0, sy), Vector3(0, 1, 0), Vector3(-sy, 0, cy))
        let rz = Matrix3(rows: Vector3(cz, -sz, 0), Vector3(sz, cz, 0), Vector3(0, 0, 1))
        let drx = Matrix3(rows: Vector3(0, 0, 0), Vector3(0, -sx, -cx), Vector3(0, cx, -sx))
        let dry = Matrix3(rows: Vector3(-sy, 0, cy), Vector3(0, 0, 0), Vector3(-cy, 0, -sy))
        let drz = Matrix3(rows: Vector3(-sz, -cz, 0), Vector3(cz, -sz, 0), Vector3(0, 0, 0))
        return (rz * drx * ry, rz * rx * dry, drz * rx * ry)
    }
}

/// Reads one sample: the moving value by trilinear interpolation, its world gradient,
/// and the cubic B-spline Parzen weights (and their derivatives) over four moving bins.
struct SampleReader {
    struct Reading {
        var firstBin: Int
        var weights: SIMD4<Double>
        var weightDerivatives: SIMD4<Double>
        /// The moving image's gradient in world axes at the sample.
        var gx: Double, gy: Double, gz: Double
    }
    // Fixed world → moving continuous index (a, b), and index gradient → world gradient (t), as scalars.
    let a0, a1, a2, a3, a4, a5, a6, a7, a8, b0, b1, b2: Double
    let t0, t1, t2, t3, t4, t5, t6, t7, t8: Double
    let ni: Int, nj: Int, nk: Int
    let hiX: Double, hiY: Double, hiZ: Double
    let minimum: Double, binWidth: Double, lastFirstBin: Int
    let voxels: UnsafeBufferPointer<Float>, points: UnsafeBufferPointer<Vector3>

    init(metric: MattesMutualInformation, voxels: UnsafeBufferPointer<Float>, points: UnsafeBufferPointer<Vector3>, transform: RigidTransform) {
        let g = metric.moving.geometry
        let a = (g.worldToIndexMatrix * transform.rotation).rowMajor
        let offset = g.worldToIndexMatrix * (transform.offset - g.origin)
        let t = g.worldToIndexMatrix.transposed.rowMajor
        (a0, a1, a2, a3, a4, a5, a6, a7, a8) = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8])
        (b0, b1, b2) = (offset.x, offset.y, offset.z)
        (t0, t1, t2, t3, t4, t5, t6, t7, t8) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8])
        (ni, nj, nk) = (g.size.i, g.size.j, g.size.k)
        (hiX, hiY, hiZ) = (Double(ni) - 0.5, Double(nj) - 0.5, Double(nk) - 0.5)
        minimum = metric.movingMinimum; binWidth = metric.movingBinWidth; lastFirstBin = metric.bins - 4
        self.voxels = voxels; self.points = points
    }

    @inline(__always)
    func read(_ s: Int) -> Reading? {
        let p = points[s]
        let x = a0 * p.x + a1 * p.y + a2 * p.z + b0
        let y = a3 * p.x + a4 * p.y + a5 * p.z + b1
        let z = a6 * p.x + a7 * p.y + a8 * p.z + b2
        guard x >= -0.5, y >= -0.5, z >= -0.5, x < hiX, y < hiY, z < hiZ else { return nil }
        let (value, gi, gj, gk) = Self.trilinear(voxels, ni, nj, nk, x, y, z)
        let xi = (value - minimum) / binWidth + Double(MattesMutualInformation.padding)
        let first = min(max(Int(xi.rounded(.down)) - 1, 0), lastFirstBin)
        let u = Double(first) - xi
        // ∂β(bin − ξ)/∂ξ = −β'(bin − ξ): the minus is applied where the coefficient is formed.
        let weights = SIMD4(Self.cubic(u), Self.cubic(u + 1), Self.cubic(u + 2), Self.cubic(u + 3))
        let derivatives = SIMD4(Self.cubicDerivative(u), Self.cubicDerivative(u + 1), Self.cubicDerivative(u + 2), Self.cubicDerivative(u + 3))
        return Reading(firstBin: first, weights: weights, weightDerivatives: derivatives,
                       gx: t0 * gi + t1 * gj + t2 * gk, gy: t3 * gi + t4 * gj + t5 * gk, gz: t6 * gi + t7 * gj + t8 * gk)
    }

    @inline(__always)
    static func cubic(_ u: Double) -> Double {
        let x = u < 0 ? -u : u
        if x < 1 { return (4 - 6 * x * x + 3 * x * x * x) / 6 }
        if x < 2 { let t = 2 - x; return t * t * t / 6 }
        return 0
    }

    @inline(__always)
    static func cubicDerivative(_ u: Double) -> Double {
        let x = u < 0 ? -u : u
        if x < 1 { return -2 * u + 1.5 * u * x }
        if x < 2 { let t = 2 - x; return u < 0 ? t * t / 2 : -t * t / 2 }
        return 0
    }

    /// Value and index-space gradient of the trilinear interpolant (edges clamped).
    static func trilinear(_ v: UnsafeBufferPointer<Float>, _ ni: Int, _ nj: Int, _ nk: Int,
                          _ cx: Double, _ cy: Double, _ cz: Double) -> (Double, Double, Double, Double) {
        // Plain comparisons, not min/max: generic calls in debug builds cost more than the rest.
        let mx = Double(ni - 1), my = Double(nj - 1), mz = Double(nk - 1)
        let x = cx < 0 ? 0 : cx > mx ? mx : cx, y = cy < 0 ? 0 : cy > my ? my : cy, z = cz < 0 ? 0 : cz > mz ? mz : cz
        var i0 = Int(x), j0 = Int(y), k0 = Int(z)
        if i0 > ni - 2 { i0 = ni > 1 ? ni - 2 : 0 }
        if j0 > nj - 2 { j0 = nj > 1 ? nj - 2 : 0 }
        if k0 > nk - 2 { k0 = nk > 1 ? nk - 2 : 0 }
        let di = ni > 1 ? 1 : 0, dj = nj > 1 ? ni : 0, dk = nk > 1 ? ni * nj : 0
        let fx = x - Double(i0), fy = y - Double(j0), fz = z - Double(k0)
        let o = (k0 * nj + j0) * ni + i0
        let v000 = Double(v[o]), v100 = Double(v[o + di]), v010 = Double(v[o + dj]), v110 = Double(v[o + dj + di])
        let v001 = Double(v[o + dk]), v101 = Double(v[o + dk + di]), v011 = Double(v[o + dk + dj]), v111 = Double(v[o + dk + dj + di])
        let c00 = v000 + (v100 - v000) * fx, c10 = v010 + (v110 - v010) * fx
        let c01 = v001 + (v101 - v001) * fx, c11 = v011 + (v111 - v011) * fx
        let c0 = c00 + (c10 - c00) * fy, c1 = c01 + (c11 - c01) * fy
        let value = c0 + (c1 - c0) * fz
        let gx = ((v100 - v000) * (1 - fy) + (v110 - v010) * fy) * (1 - fz) + ((v101 - v001) * (1 - fy) + (v111 - v011) * fy) * fz
        let gy = (c10 - c00) * (1 - fz) + (c11 - c01) * fz
        let gz = c1 - c0
        return (value, di == 0 ? 0 : gx, dj == 0 ? 0 : gy, dk == 0 ? 0 : gz)
    }
}
