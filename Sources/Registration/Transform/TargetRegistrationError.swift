import Foundation
import ImagingCore

/// How far an estimated transform is from a known one over a region of the fixed image.
public struct TargetRegistrationError: Codable, Sendable, Equatable {
    /// Mean and largest distance (mm) between where the two transforms send the points.
    public var meanMM: Double, maximumMM: Double
    /// How many fixed-world points were compared.
    public var points: Int

    /// The error of `estimate` against `truth` over the fixed grid: a 10 × 10 × 10 lattice
    /// of points spanning the inner 80 % of the grid along each axis (fewer along an axis
    /// with fewer voxels), or, given a mask on that grid, every non-zero voxel of it (at
    /// most 20 000, evenly picked).
    public init(estimate: RigidTransform, truth: RigidTransform, over grid: ImageGeometry, mask: Volume<UInt8>? = nil) {
        var points: [Vector3] = []
        if let mask {
            var all: [Vector3] = []
            let n = mask.size
            for k in 0..<n.k { for j in 0..<n.j { for i in 0..<n.i where mask[i, j, k] != 0 { all.append(mask.geometry.indexToWorld(VoxelIndex(i, j, k))) } } }
            let step = max(1, all.count / 20_000)
            points = stride(from: 0, to: all.count, by: step).map { all[$0] }
        }
        if points.isEmpty {
            func positions(_ n: Int) -> [Double] {
                let count = min(10, n)
                return (0..<count).map { count == 1 ? Double(n - 1) / 2 : 0.1 * Double(n - 1) + 0.8 * Double(n - 1) * Double($0) / Double(count - 1) }
            }
            let s = grid.size
            for z in positions(s.k) { for y in positions(s.j) { for x in positions(s.i) { points.append(grid.continuousIndexToWorld(Vector3(x, y, z))) } } }
        }
        let distances = points.map { length(estimate.transformPoint($0) - truth.transformPoint($0)) }
        meanMM = distances.reduce(0, +) / Double(max(1, distances.count))
        maximumMM = distances.max() ?? 0
        self.points = distances.count
    }
}
