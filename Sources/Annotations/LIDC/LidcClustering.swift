import ImagingCore

/// Groups the readings of one scan into nodules — the readers' marks of one lesion — with
/// pylidc 0.2.3's rule (`Scan.cluster_annotations()` with its defaults, metric "min"):
///
/// - the distance between two readings is the smallest Euclidean distance between their
///   contour points, measured in index units (i, j, k), not in millimetres;
/// - two readings are adjacent when that distance is ≤ `tolerance`; a nodule is a
///   connected component of the adjacency graph;
/// - while a component has more than four readings (LIDC has four readers), the
///   tolerance is multiplied by 0.9 and the grouping redone, until it drops below 0.1;
/// - nodules are ordered by the mean k of their readings' contour centroids (a stable
///   sort of the components in order of their first reading).
///
/// pylidc's default tolerance is the scan's slice thickness in mm, used as that number of
/// index units; `LidcNoduleBuilder` passes the slice spacing, which equals it in nearly
/// every LIDC scan.
public enum LidcClustering {
    /// pylidc's `factor`.
    public static let shrinkFactor = 0.9
    /// pylidc's `min_tol`.
    public static let minimumTolerance = 0.1

    /// Groups `points[n]` (reading n's contour points); returns the groups as indices into
    /// `points`, each ascending. A reading with no points forms a group of its own.
    public static func groups(_ points: [[VoxelIndex]], tolerance: Double) -> [[Int]] {
        let n = points.count
        guard n > 1 else { return n == 1 ? [[0]] : [] }
        let boxes = points.map(Box.init)
        var distance = Array(repeating: Array(repeating: Double.infinity, count: n), count: n)
        for a in 0..<n {
            distance[a][a] = 0
            for b in (a + 1)..<n {
                // Tolerances only shrink, so a pair whose boxes are already farther apart
                // than the first one can never be adjacent: skip its point pairs.
                guard boxes[a].distance(to: boxes[b]) <= tolerance else { continue }
                let d = minimumDistance(points[a], points[b])
                distance[a][b] = d
                distance[b][a] = d
            }
        }
        var tol = tolerance
        var component = components(distance, tolerance: tol)
        while Dictionary(grouping: component, by: { $0 }).values.contains(where: { $0.count > 4 }) {
            tol *= shrinkFactor
            if tol < minimumTolerance { break }
            component = components(distance, tolerance: tol)
        }
        let count = (component.max() ?? -1) + 1
        var groups = Array(repeating: [Int](), count: count)
        for (reading, c) in component.enumerated() { groups[c].append(reading) }
        let meanK = groups.map { group -> Double in
            let ks = group.map { r -> Double in
                let p = points[r]
                return p.isEmpty ? 0 : Double(p.reduce(0) { $0 + $1.k }) / Double(p.count)
            }
            return ks.reduce(0, +) / Double(max(ks.count, 1))
        }
        // A stable sort by mean k, as Python's `sorted`.
        return groups.indices.sorted { (meanK[$0], $0) < (meanK[$1], $1) }.map { groups[$0] }
    }

    /// Component labels, numbered in order of each component's first reading (as
    /// scipy's `connected_components` numbers them).
    static func components(_ distance: [[Double]], tolerance: Double) -> [Int] {
        let n = distance.count
        var label = Array(repeating: -1, count: n)
        var next = 0
        for start in 0..<n where label[start] < 0 {
            var stack = [start]
            label[start] = next
            while let a = stack.popLast() {
                for b in 0..<n where label[b] < 0 && distance[a][b] <= tolerance {
                    label[b] = next
                    stack.append(b)
                }
            }
            next += 1
        }
        return label
    }

    static func minimumDistance(_ p: [VoxelIndex], _ q: [VoxelIndex]) -> Double {
        var best = Int.max
        for a in p {
            for b in q {
                let (di, dj, dk) = (a.i - b.i, a.j - b.j, a.k - b.k)
                let d = di * di + dj * dj + dk * dk
                if d < best { best = d }
            }
        }
        return best == Int.max ? .infinity : Double(best).squareRoot()
    }

    /// An index-space bounding box, for skipping pairs that are far apart.
    struct Box {
        var lo: (Int, Int, Int), hi: (Int, Int, Int), empty: Bool
        init(_ p: [VoxelIndex]) {
            empty = p.isEmpty
            lo = (p.map(\.i).min() ?? 0, p.map(\.j).min() ?? 0, p.map(\.k).min() ?? 0)
            hi = (p.map(\.i).max() ?? 0, p.map(\.j).max() ?? 0, p.map(\.k).max() ?? 0)
        }
        func distance(to o: Box) -> Double {
            guard !empty, !o.empty else { return .infinity }
            func gap(_ a0: Int, _ a1: Int, _ b0: Int, _ b1: Int) -> Double { Double(max(0, max(a0 - b1, b0 - a1))) }
            let g = (gap(lo.0, hi.0, o.lo.0, o.hi.0), gap(lo.1, hi.1, o.lo.1, o.hi.1), gap(lo.2, hi.2, o.lo.2, o.hi.2))
            return (g.0 * g.0 + g.1 * g.1 + g.2 * g.2).squareRoot()
        }
    }
}
