import Foundation
import ImagingCore

extension Volume where Voxel == Float {
    /// This volume smoothed by a Gaussian of standard deviation `sigma` millimetres along
    /// each index axis (separable, kernel cut at 3σ, edges replicated). Axes where σ is
    /// below a tenth of a voxel are left alone.
    public func smoothed(sigma: Double) -> Volume<Float> {
        var out = self
        let s = geometry.spacing
        for (axis, spacing) in [(0, s.x), (1, s.y), (2, s.z)] {
            let sv = sigma / spacing
            guard sv >= 0.1 else { continue }
            out = out.convolved(axis: axis, kernel: Self.gaussianKernel(sigmaVoxels: sv))
        }
        return out
    }

    /// The volume shrunk by `factor` along every axis (at most the axis length): each
    /// output voxel is the mean of a block of input voxels and sits at the block's centre.
    public func shrunk(by factor: Int) -> Volume<Float> {
        let n = size
        let f = (max(1, min(factor, n.i)), max(1, min(factor, n.j)), max(1, min(factor, n.k)))
        if f == (1, 1, 1) { return self }
        let out = GridSize(n.i / f.0, n.j / f.1, n.k / f.2)
        let spacing = Vector3(geometry.spacing.x * Double(f.0), geometry.spacing.y * Double(f.1), geometry.spacing.z * Double(f.2))
        let shift = Vector3(Double(f.0 - 1), Double(f.1 - 1), Double(f.2 - 1)) / 2
        let g = ImageGeometry(unchecked: out, origin: geometry.continuousIndexToWorld(shift), spacing: spacing, direction: geometry.direction)
        var result = Volume<Float>(geometry: g, repeating: 0)
        let weight = Float(1) / Float(f.0 * f.1 * f.2)
        withUnsafeVoxels { input in
            result.withUnsafeMutableVoxels { output in
                for k in 0..<out.k { for j in 0..<out.j { for i in 0..<out.i {
                    var sum: Float = 0
                    for dk in 0..<f.2 { for dj in 0..<f.1 {
                        let row = ((k * f.2 + dk) * n.j + (j * f.1 + dj)) * n.i * channelCount
                        for di in 0..<f.0 { sum += input[row + (i * f.0 + di) * channelCount] }
                    } }
                    output[(k * out.j + j) * out.i + i] = sum * weight
                } } }
            }
        }
        return result
    }

    static func gaussianKernel(sigmaVoxels s: Double) -> [Float] {
        let radius = max(1, Int((3 * s).rounded(.up)))
        var w = (-radius...radius).map { exp(-Double($0 * $0) / (2 * s * s)) }
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        return w.map { Float($0) }
    }

    /// One-axis convolution with replicated edges (channel 0 only).
    func convolved(axis: Int, kernel: [Float]) -> Volume<Float> {
        let n = size, radius = kernel.count / 2
        var out = Volume<Float>(geometry: geometry, repeating: 0)
        let length = axis == 0 ? n.i : axis == 1 ? n.j : n.k
        let stride = axis == 0 ? 1 : axis == 1 ? n.i : n.i * n.j
        let nc = channelCount, taps = kernel.count
        withUnsafeVoxels { input in
            kernel.withUnsafeBufferPointer { weights in
                out.withUnsafeMutableVoxels { output in
                    for k in 0..<n.k { for j in 0..<n.j { for i in 0..<n.i {
                        let o = (k * n.j + j) * n.i + i
                        let position = axis == 0 ? i : axis == 1 ? j : k
                        let lineStart = o - position * stride
                        var sum: Float = 0
                        for t in 0..<taps {
                            var p = position + t - radius
                            if p < 0 { p = 0 } else if p >= length { p = length - 1 }
                            sum += weights[t] * input[(lineStart + p * stride) * nc]
                        }
                        output[o] = sum
                    } } }
                }
            }
        }
        return out
    }
}
