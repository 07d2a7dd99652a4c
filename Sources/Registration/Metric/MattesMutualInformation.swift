import Foundation
import ImagingCore

/// Mattes mutual information between fixed-image samples and a moving image, with its
/// gradient with respect to the six Euler parameters of a rigid transform (Mattes et al.
/// 2003, as ITK's MattesMutualInformationImageToImageMetricv4): fixed values fall into
/// bins by a zero-order (box) window, moving values spread over bins by a cubic B-spline
/// Parzen window, and the gradient follows from the moving window's derivative.
///
/// Samples are processed in blocks of a fixed size whose partial histograms and gradients
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
    static let blockSize = 2048

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
    }

    /// Samples that map inside the moving image under `transform`.
    func countInside(_ transform: RigidTransform) -> Int {
        let g = moving.geometry
        return points.reduce(0) { n, p in n + (g.containsContinuousIndex(g.worldToContinuousIndex(transform.transformPoint(p))) ? 1 : 0) }
    }

    /// MI and its gradient for Euler parameters `angles` (ZXY, radians) and `translation` about `centre`.
    func evaluate(angles: Vector3, translation: Vector3, centre: Vector3) -> Evaluation {
        let transform = RigidTransform(eulerAngles: angles, translation: translation, centre: centre)
        let derivatives = Self.rotationDerivatives(angles)
        let blocks = (points.count + Self.blockSize - 1) / Self.blockSize
        // Pass 1: the joint histogram of Parzen weights, per block, then summed in order.
        var partial = [[Double]](repeating: [], count: blocks)
        var insideCounts = [Int](repeating: 0, count: blocks)
        let samples = SampleReader(metric: self, transform: transform)
        partial.withUnsafeMutableBufferPointer { out in
            insideCounts.withUnsafeMutableBufferPointer { counts in
                let o = UncheckedBox(out), c = UncheckedBox(counts)
                ParallelSlices.run(blocks, threads: threads) { range in
                    for b in range {
                        var joint = [Double](repeating: 0, count: bins * bins)
                        var inside = 0
                        for s in (b * Self.blockSize)..<min(points.count, (b + 1) * Self.blockSize) {
                            guard let r = samples.read(s) else { continue }
                            inside += 1
                            let row = Int(fixedBins[s]) * bins
                            for t in 0..<4 { joint[row + r.firstBin + t] += r.weights[t] }
                        }
                        o.value[b] = joint
                        c.value[b] = inside
                    }
                }
            }
        }
        var joint = [Double](repeating: 0, count: bins * bins)
        for p in partial where !p.isEmpty { for n in 0..<joint.count { joint[n] += p[n] } }
        let inside = insideCounts.reduce(0, +)
        guard inside > 0 else { return Evaluation(mutualInformation: 0, gradient: [0, 0, 0, 0, 0, 0], inside: 0) }
        let total = joint.reduce(0, +)
        var fixedMarginal = [Double](repeating: 0, count: bins), movingMarginal = [Double](repeating: 0, count: bins)
        for f in 0..<bins { for m in 0..<bins {
            let p = joint[f * bins + m] / total
            joint[f * bins + m] = p
            fixedMarginal[f] += p; movingMarginal[m] += p
        } }
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
        var partialGradients = [[Double]](repeating: [0, 0, 0, 0, 0, 0], count: blocks)
        let derivativeRows = [derivatives.0.rowMajor, derivatives.1.rowMajor, derivatives.2.rowMajor]
        let scale = 1 / (total * movingBinWidth)
        partialGradients.withUnsafeMutableBufferPointer { out in
            let o = UncheckedBox(out)
            ParallelSlices.run(blocks, threads: threads) { range in
                for b in range {
                    var g = [Double](repeating: 0, count: 6)
                    for s in (b * Self.blockSize)..<min(points.count, (b + 1) * Self.blockSize) {
                        guard let r = samples.read(s) else { continue }
                        let row = Int(fixedBins[s]) * bins
                        var coefficient = 0.0
                        for t in 0..<4 { coefficient -= r.weightDerivatives[t] * logRatio[row + r.firstBin + t] }
                        guard coefficient != 0 else { continue }
                        // dm/dp: the moving gradient (world) against ∂T/∂p; ∂T/∂θa = (∂R/∂θa)·(x − centre),
                        // so dm/dθa = (x − centre) · ((∂R/∂θa)ᵀ w), with the transposes formed once above.
                        let f = coefficient * scale
                        let wx = r.gx * f, wy = r.gy * f, wz = r.gz * f
                        let p = points[s]
                        let dx = p.x - centre.x, dy = p.y - centre.y, dz = p.z - centre.z
                        for a in 0..<3 {
                            let m = derivativeRows[a]
                            g[a] += dx * (m[0] * wx + m[3] * wy + m[6] * wz) + dy * (m[1] * wx + m[4] * wy + m[7] * wz)
                                + dz * (m[2] * wx + m[5] * wy + m[8] * wz)
                        }
                        g[3] += wx; g[4] += wy; g[5] += wz
                    }
                    o.value[b] = g
                }
            }
        }
        var gradient = [Double](repeating: 0, count: 6)
        for p in partialGradients { for n in 0..<6 { gradient[n] += p[n] } }
        return Evaluation(mutualInformation: mi, gradient: gradient, inside: inside)
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
    let metric: MattesMutualInformation
    // Fixed world → moving continuous index, and index gradient → world gradient, row by row.
    let a: [Double], b: [Double], toWorld: [Double]
    let ni: Int, nj: Int, nk: Int
    let hiX: Double, hiY: Double, hiZ: Double

    init(metric: MattesMutualInformation, transform: RigidTransform) {
        self.metric = metric
        let g = metric.moving.geometry
        a = (g.worldToIndexMatrix * transform.rotation).rowMajor
        let offset = g.worldToIndexMatrix * (transform.offset - g.origin)
        b = [offset.x, offset.y, offset.z]
        toWorld = g.worldToIndexMatrix.transposed.rowMajor
        (ni, nj, nk) = (g.size.i, g.size.j, g.size.k)
        (hiX, hiY, hiZ) = (Double(ni) - 0.5, Double(nj) - 0.5, Double(nk) - 0.5)
    }

    func read(_ s: Int) -> Reading? {
        let p = metric.points[s]
        let x = a[0] * p.x + a[1] * p.y + a[2] * p.z + b[0]
        let y = a[3] * p.x + a[4] * p.y + a[5] * p.z + b[1]
        let z = a[6] * p.x + a[7] * p.y + a[8] * p.z + b[2]
        guard x >= -0.5, y >= -0.5, z >= -0.5, x < hiX, y < hiY, z < hiZ else { return nil }
        let (value, gi, gj, gk) = metric.moving.withUnsafeVoxels { Self.trilinear($0, ni, nj, nk, x, y, z) }
        let xi = (value - metric.movingMinimum) / metric.movingBinWidth + Double(MattesMutualInformation.padding)
        let first = min(max(Int(xi.rounded(.down)) - 1, 0), metric.bins - 4)
        let u = Double(first) - xi
        // ∂β(bin − ξ)/∂ξ = −β'(bin − ξ): the minus is applied where the coefficient is formed.
        let weights = SIMD4(Self.cubic(u), Self.cubic(u + 1), Self.cubic(u + 2), Self.cubic(u + 3))
        let derivatives = SIMD4(Self.cubicDerivative(u), Self.cubicDerivative(u + 1), Self.cubicDerivative(u + 2), Self.cubicDerivative(u + 3))
        let t = toWorld
        return Reading(firstBin: first, weights: weights, weightDerivatives: derivatives,
                       gx: t[0] * gi + t[1] * gj + t[2] * gk, gy: t[3] * gi + t[4] * gj + t[5] * gk, gz: t[6] * gi + t[7] * gj + t[8] * gk)
    }

    static func cubic(_ u: Double) -> Double {
        let x = abs(u)
        if x < 1 { return (4 - 6 * x * x + 3 * x * x * x) / 6 }
        if x < 2 { let t = 2 - x; return t * t * t / 6 }
        return 0
    }

    static func cubicDerivative(_ u: Double) -> Double {
        let x = abs(u)
        if x < 1 { return -2 * u + 1.5 * u * x }
        if x < 2 { let t = 2 - x; return u < 0 ? t * t / 2 : -t * t / 2 }
        return 0
    }

    /// Value and index-space gradient of the trilinear interpolant (edges clamped).
    static func trilinear(_ v: UnsafeBufferPointer<Float>, _ ni: Int, _ nj: Int, _ nk: Int,
                          _ cx: Double, _ cy: Double, _ cz: Double) -> (Double, Double, Double, Double) {
        let x = min(max(cx, 0), Double(ni - 1)), y = min(max(cy, 0), Double(nj - 1)), z = min(max(cz, 0), Double(nk - 1))
        let i0 = min(Int(x), max(ni - 2, 0)), j0 = min(Int(y), max(nj - 2, 0)), k0 = min(Int(z), max(nk - 2, 0))
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
