import Foundation

/// Connected regions of a binary grid.
public struct ConnectedComponents: Sendable {
    /// Region number per voxel: 0 for unset voxels, 1…count for the regions, numbered in
    /// the order their first voxel appears in storage order.
    public let labels: [Int32]
    /// Voxels of region n at index n − 1.
    public let voxelCounts: [Int]

    /// Which neighbours touch.
    public enum Connectivity: Sendable {
        /// Faces only (6 neighbours in 3-D).
        case faces
        /// Faces, edges and corners (26 neighbours).
        case full
    }

    /// Labels the set voxels of `grid` (an explicit stack, no recursion).
    public init(_ grid: BinaryGrid, connectivity: Connectivity = .faces) {
        let s = grid.size
        var labels = [Int32](repeating: 0, count: grid.bits.count)
        var counts: [Int] = []
        var stack: [Int] = []
        grid.bits.withUnsafeBufferPointer { bits in
            for start in bits.indices where bits[start] != 0 && labels[start] == 0 {
                let id = Int32(counts.count + 1)
                var count = 0
                labels[start] = id
                stack.append(start)
                while let v = stack.popLast() {
                    count += 1
                    let i = v % s.i, j = (v / s.i) % s.j, k = v / s.sliceCount
                    switch connectivity {
                    case .faces:
                        if i > 0, bits[v - 1] != 0, labels[v - 1] == 0 { labels[v - 1] = id; stack.append(v - 1) }
                        if i + 1 < s.i, bits[v + 1] != 0, labels[v + 1] == 0 { labels[v + 1] = id; stack.append(v + 1) }
                        if j > 0, bits[v - s.i] != 0, labels[v - s.i] == 0 { labels[v - s.i] = id; stack.append(v - s.i) }
                        if j + 1 < s.j, bits[v + s.i] != 0, labels[v + s.i] == 0 { labels[v + s.i] = id; stack.append(v + s.i) }
                        let sk = s.sliceCount
                        if k > 0, bits[v - sk] != 0, labels[v - sk] == 0 { labels[v - sk] = id; stack.append(v - sk) }
                        if k + 1 < s.k, bits[v + sk] != 0, labels[v + sk] == 0 { labels[v + sk] = id; stack.append(v + sk) }
                    case .full:
                        for dk in -1...1 where k + dk >= 0 && k + dk < s.k {
                            for dj in -1...1 where j + dj >= 0 && j + dj < s.j {
                                for di in -1...1 where i + di >= 0 && i + di < s.i {
                                    let n = v + (dk * s.j + dj) * s.i + di
                                    if bits[n] != 0 && labels[n] == 0 { labels[n] = id; stack.append(n) }
                                }
                            }
                        }
                    }
                }
                counts.append(count)
            }
        }
        self.labels = labels
        self.voxelCounts = counts
    }

    /// Number of regions.
    public var count: Int { voxelCounts.count }

    /// The voxels of region `label` (1-based) as a grid.
    public func region(_ label: Int, size: GridSize, spacing: Vector3) -> BinaryGrid {
        var grid = BinaryGrid(size: size, spacing: spacing)
        let id = Int32(label)
        for n in labels.indices where labels[n] == id { grid.bits[n] = 1 }
        return grid
    }
}
