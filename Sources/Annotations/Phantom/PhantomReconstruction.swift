import Foundation
import ImagingCore

/// How a phantom's scanner reconstructs its slices: the in-plane kernel and the noise. Two
/// populations scanned differently (a public archive and a hospital's scanner) give the
/// domain gap a model trained on one meets on the other.
public struct PhantomReconstruction: Sendable, Equatable {
    /// The in-plane reconstruction kernel.
    public enum Kernel: String, Sendable, CaseIterable {
        /// A smoothing kernel (soft tissue): a [1 2 1]/4 binomial blur along i and j.
        case soft
        /// The phantom as drawn.
        case standard
        /// An edge-enhancing kernel (lung, bone): an unsharp mask, v + 0.7 (v − soft(v)),
        /// with the overshoot at edges sharp kernels show.
        case sharp
    }

    public var kernel: Kernel
    /// Standard deviation of the Gaussian noise added after the kernel, in HU.
    public var noiseHU: Double

    /// The phantoms' default: as drawn, 15 HU of noise.
    public static let standard = PhantomReconstruction(kernel: .standard, noiseHU: 15)

    public init(kernel: Kernel, noiseHU: Double) {
        self.kernel = kernel
        self.noiseHU = noiseHU
    }

    /// Applies the kernel to `values` (K slices of `size.i` × `size.j`), slice by slice.
    public func filter(_ values: inout [Double], size: GridSize) {
        guard kernel != .standard, size.i > 2, size.j > 2 else { return }
        let n = size.sliceCount
        var row = [Double](repeating: 0, count: n), soft = [Double](repeating: 0, count: n)
        for k in 0..<size.k {
            let base = k * n
            for j in 0..<size.j { for i in 0..<size.i {
                let l = max(i - 1, 0), r = min(i + 1, size.i - 1)
                row[j * size.i + i] = 0.25 * values[base + j * size.i + l] + 0.5 * values[base + j * size.i + i]
                    + 0.25 * values[base + j * size.i + r]
            } }
            for j in 0..<size.j {
                let u = max(j - 1, 0), d = min(j + 1, size.j - 1)
                for i in 0..<size.i {
                    soft[j * size.i + i] = 0.25 * row[u * size.i + i] + 0.5 * row[j * size.i + i] + 0.25 * row[d * size.i + i]
                }
            }
            for v in 0..<n {
                values[base + v] = kernel == .soft ? soft[v] : values[base + v] + 0.7 * (values[base + v] - soft[v])
            }
        }
    }
}
