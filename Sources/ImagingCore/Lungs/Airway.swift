import Foundation

/// The trachea and main bronchi: found as a round air region near the midline in the
/// top cross-sections, then grown through dark voxels with explosion control (the
/// threshold drops whenever the region grows past an airway's volume, the sign that it
/// has leaked into the lungs).
struct Airway: Sendable {
    var lumen: BinaryGrid
    var seed: Vector3
    var thresholdHU: Double

    /// Cross-sections of a trachea: 8–30 mm across, centred within 30 mm of the midline.
    static let areaRangeMM2 = 50.0...700.0
    static let midlineToleranceMM = 30.0
    /// How far down from the top of the scan the seed is looked for.
    static let searchDepthMM = 100.0
    /// Most an airway grown to its third generation holds (mL); more means a leak.
    static let maximumVolumeML = 150.0

    static func find(in ct: Volume<Int16>, inside: BinaryGrid, axis: Int, midlineX: Double,
                     options: LungSegmentationOptions) -> Airway? {
        guard let (seedVoxels, seed) = seedRegion(inside, geometry: ct.geometry, axis: axis, midlineX: midlineX) else { return nil }
        let voxelML = inside.spacing.x * inside.spacing.y * inside.spacing.z / 1000
        let limit = Int(min(maximumVolumeML, 0.1 * Double(inside.count) * voxelML) / voxelML)
        var threshold = options.airwayThresholdHU
        while threshold >= options.lowestAirwayThresholdHU {
            if let lumen = grow(ct, inside: inside, from: seedVoxels, below: threshold, limit: limit) {
                return Airway(lumen: lumen, seed: seed, thresholdHU: threshold)
            }
            threshold -= options.airwayThresholdStepHU
        }
        return nil
    }

    /// The seed: in the top cross-sections, the largest trachea-like air region.
    static func seedRegion(_ inside: BinaryGrid, geometry g: ImageGeometry, axis: Int, midlineX: Double) -> ([Int], Vector3)? {
        let others = [0, 1, 2].filter { $0 != axis }
        let (a, b) = (others[0], others[1])
        let na = inside.extent(a), nb = inside.extent(b), sa = inside.stride(a), sb = inside.stride(b)
        let pixelArea = inside.spacing(a) * inside.spacing(b)
        let planes = inside.extent(axis)
        // The superior end is where world z is highest (LPS: +z is the head).
        let headFirst = g.direction.column(axis).z > 0
        let depth = min(planes, max(1, Int(searchDepthMM / inside.spacing(axis))), max(1, planes / 2))
        var label = [Int32](repeating: 0, count: na * nb)
        for step in 0..<depth {
            let plane = headFirst ? planes - 1 - step : step
            let base = plane * inside.stride(axis)
            for n in label.indices { label[n] = 0 }
            var best: (members: [Int], world: Vector3, area: Double)?
            var next: Int32 = 0
            for v0 in 0..<nb { for u0 in 0..<na where inside.bits[base + u0 * sa + v0 * sb] != 0 && label[v0 * na + u0] == 0 {
                next += 1
                var members: [Int] = [], stack = [(u0, v0)]
                var sum = Vector3.zero
                label[v0 * na + u0] = next
                while let (u, v) = stack.popLast() {
                    let o = base + u * sa + v * sb
                    members.append(o)
                    var index = Vector3.zero
                    index[axis] = Double(plane); index[a] = Double(u); index[b] = Double(v)
                    sum += index
                    for (du, dv) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                        let uu = u + du, vv = v + dv
                        guard uu >= 0, uu < na, vv >= 0, vv < nb, label[vv * na + uu] == 0,
                              inside.bits[base + uu * sa + vv * sb] != 0 else { continue }
                        label[vv * na + uu] = next
                        stack.append((uu, vv))
                    }
                }
                let area = Double(members.count) * pixelArea
                let world = g.continuousIndexToWorld(sum / Double(members.count))
                if areaRangeMM2.contains(area) && abs(world.x - midlineX) <= midlineToleranceMM && area > (best?.area ?? 0) {
                    best = (members, world, area)
                }
            } }
            if let best { return (best.members, best.world) }
        }
        return nil
    }

    /// Grows 6-connected through `inside` voxels below `threshold` from `seeds`; nil when
    /// the region passes `limit` voxels (a leak).
    static func grow(_ ct: Volume<Int16>, inside: BinaryGrid, from seeds: [Int], below threshold: Double, limit: Int) -> BinaryGrid? {
        let s = inside.size, t = Int16(clampingDouble: threshold.rounded(.up))
        var lumen = BinaryGrid(size: s, spacing: inside.spacing)
        return ct.withUnsafeVoxels { hu -> BinaryGrid? in
            var stack = seeds.filter { hu[$0] < t }
            for v in stack { lumen.bits[v] = 1 }
            var count = stack.count
            while let v = stack.popLast() {
                let i = v % s.i, j = (v / s.i) % s.j, k = v / s.sliceCount
                for (ok, n) in [(i > 0, v - 1), (i + 1 < s.i, v + 1), (j > 0, v - s.i), (j + 1 < s.j, v + s.i),
                                (k > 0, v - s.sliceCount), (k + 1 < s.k, v + s.sliceCount)]
                where ok && lumen.bits[n] == 0 && inside.bits[n] != 0 && hu[n] < t {
                    lumen.bits[n] = 1
                    count += 1
                    if count > limit { return nil }
                    stack.append(n)
                }
            }
            return count > 0 ? lumen : nil
        }
    }
}

/// Otsu's threshold: the value that best separates a histogram into two classes.
enum OtsuThreshold {
    static func of(_ volume: Volume<Int16>, bins: Int = 512) -> Double {
        let v = volume.voxels
        guard let lo = v.min(), let hi = v.max(), hi > lo else { return Double(v.first ?? 0) }
        let width = Double(Int(hi) - Int(lo)) / Double(bins)
        var histogram = [Double](repeating: 0, count: bins)
        for x in v { histogram[min(bins - 1, Int(Double(Int(x) - Int(lo)) / width))] += 1 }
        let total = Double(v.count)
        let sumAll = histogram.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }
        var weightBelow = 0.0, sumBelow = 0.0, best = 0.0, bestBin = 0
        for b in 0..<bins {
            weightBelow += histogram[b]
            let weightAbove = total - weightBelow
            guard weightBelow > 0, weightAbove > 0 else { continue }
            sumBelow += Double(b) * histogram[b]
            let meanBelow = sumBelow / weightBelow, meanAbove = (sumAll - sumBelow) / weightAbove
            let between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove)
            if between > best { best = between; bestBin = b }
        }
        return Double(lo) + Double(bestBin + 1) * width
    }
}
