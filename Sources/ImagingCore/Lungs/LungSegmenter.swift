import Foundation

/// Segments the lungs of a chest CT, as the classic pipelines do before looking for
/// nodules: air by threshold; the air outside the body (what each cross-section's border
/// reaches) removed; the trachea and main bronchi grown from a seed at the top of the scan
/// and removed; the two largest remaining air regions kept and labelled right and left
/// (split at the midline when they touch); each lung's holes filled and the lung closed by
/// a ball in millimetres so juxtapleural nodules stay inside. Cross-sections are taken
/// across the index axis closest to the patient's head–foot axis, so any direction
/// matrix, spacing and slice thickness works.
public enum LungSegmenter {
    /// The lungs of `ct` (Hounsfield units); throws `ImagingError.lungsNotFound` when no
    /// air region inside the body is large enough to be a lung.
    public static func segment(_ ct: Volume<Int16>, options: LungSegmentationOptions = .init(),
                               progress: ProgressReporter = SilentProgress()) throws -> LungMask {
        let g = ct.geometry, s = g.size
        let axis = longitudinalAxis(g)
        var clock = StageClock(total: 5, progress: progress)
        let threshold = options.airThresholdHU ?? automaticAirThreshold(ct)
        let t = Int16(clampingDouble: threshold.rounded(.up))
        var air = BinaryGrid(size: s, spacing: g.spacing)
        ct.withUnsafeVoxels { v in for n in v.indices where v[n] < t { air.bits[n] = 1 } }
        let outside = BinaryMorphology.reachableFromPlaneBorder(air, acrossAxis: axis, through: 1)
        var inside = air
        for n in inside.bits.indices where outside.bits[n] != 0 { inside.bits[n] = 0 }
        clock.mark("air inside the body")

        let midlineX = bodyCentreX(outside: outside, geometry: g)
        let airway = Airway.find(in: ct, inside: inside, axis: axis, midlineX: midlineX, options: options)
        var candidates = inside
        let removed = airway.map { BinaryMorphology.dilated($0.lumen, radiusMM: options.airwayMarginMM, threads: options.threads) }
        if let removed {
            for n in candidates.bits.indices where removed.bits[n] != 0 { candidates.bits[n] = 0 }
        }
        clock.mark("airway")

        let midline = airway?.seed.x ?? midlineX
        let lungs = try pickLungs(candidates, geometry: g, midlineX: midline, options: options)
        clock.mark("lung regions")

        // Each lung: its cross-sections' holes (vessels, bronchi) filled, then closed by the
        // ball. The closing may bulge into the mediastinum around the trachea, so the grown
        // airway is taken out again where it lay outside the filled lungs (the trachea and
        // main bronchi), but not inside them (the bronchi within a lung stay lung).
        var labels = [UInt8](repeating: 0, count: s.voxelCount)
        var enclosed = BinaryGrid(size: s, spacing: g.spacing)
        for (label, lung) in lungs {
            let filled = BinaryMorphology.holesFilled(lung, acrossAxis: axis)
            for n in enclosed.bits.indices where filled.bits[n] != 0 { enclosed.bits[n] = 1 }
            var shaped = BinaryMorphology.closed(filled, radiusMM: options.closingRadiusMM, threads: options.threads)
            shaped = BinaryMorphology.holesFilled(shaped, acrossAxis: axis)
            for n in labels.indices where shaped.bits[n] != 0 && labels[n] == 0 { labels[n] = label }
        }
        if let removed {
            for n in labels.indices where removed.bits[n] != 0 && enclosed.bits[n] == 0 { labels[n] = 0 }
        }
        clock.mark("holes and closing")

        let voxelML = g.spacing.x * g.spacing.y * g.spacing.z / 1000
        let right = labels.reduce(0) { $0 + ($1 == LungMask.rightLung ? 1 : 0) }
        let left = labels.reduce(0) { $0 + ($1 == LungMask.leftLung ? 1 : 0) }
        clock.mark("volumes")
        return LungMask(labels: try Volume(geometry: g, voxels: labels), airThresholdHU: threshold,
                        rightVolumeML: Double(right) * voxelML, leftVolumeML: Double(left) * voxelML,
                        tracheaSeed: airway?.seed, airwayVolumeML: Double(airway?.lumen.count ?? 0) * voxelML,
                        airwayThresholdHU: airway?.thresholdHU, stageSeconds: clock.stages)
    }

    /// The lungs of a volume of any voxel type, read as Hounsfield units.
    public static func segment(_ ct: AnyVolume, options: LungSegmentationOptions = .init(),
                               progress: ProgressReporter = SilentProgress()) throws -> LungMask {
        try segment(ct.converted(to: Int16.self), options: options, progress: progress)
    }

    /// The index axis (0 = i, 1 = j, 2 = k) whose world direction is closest to the
    /// patient's head–foot axis (LPS z).
    public static func longitudinalAxis(_ g: ImageGeometry) -> Int {
        let z = (0..<3).map { abs(g.direction.column($0).z) }
        return z.indices.max { z[$0] < z[$1] } ?? 2
    }

    /// −320 HU on a calibrated CT (at least 0.5 % of voxels at −900 HU or below: the air
    /// around the patient); otherwise Otsu's threshold of the histogram.
    public static func automaticAirThreshold(_ ct: Volume<Int16>) -> Double {
        let n = ct.voxels.count
        let dark = ct.withUnsafeVoxels { v in v.reduce(0) { $0 + ($1 <= -900 ? 1 : 0) } }
        if n > 0 && Double(dark) >= 0.005 * Double(n) { return -320 }
        return OtsuThreshold.of(ct)
    }

    /// World x (LPS mm) of the centre of the body (every voxel the outside air does not reach).
    static func bodyCentreX(outside: BinaryGrid, geometry g: ImageGeometry) -> Double {
        var sum = Vector3.zero, count = 0.0
        var o = 0
        let s = g.size
        for k in 0..<s.k { for j in 0..<s.j { for i in 0..<s.i {
            if outside.bits[o] == 0 { sum += Vector3(Double(i), Double(j), Double(k)); count += 1 }
            o += 1
        } } }
        guard count > 0 else { return g.continuousIndexToWorld(Vector3(Double(s.i - 1), Double(s.j - 1), Double(s.k - 1)) / 2).x }
        return g.continuousIndexToWorld(sum / count).x
    }

    /// The lungs among the air regions inside the body, with their labels.
    static func pickLungs(_ candidates: BinaryGrid, geometry g: ImageGeometry, midlineX: Double,
                          options: LungSegmentationOptions) throws -> [(UInt8, BinaryGrid)] {
        let components = ConnectedComponents(candidates, connectivity: .faces)
        let voxelML = g.spacing.x * g.spacing.y * g.spacing.z / 1000
        let order = components.voxelCounts.indices.sorted { components.voxelCounts[$0] > components.voxelCounts[$1] }
        guard let first = order.first, Double(components.voxelCounts[first]) * voxelML >= options.minimumLungML else {
            let largest = order.first.map { Double(components.voxelCounts[$0]) * voxelML } ?? 0
            throw ImagingError.lungsNotFound(String(format: "the largest air region inside the body holds %.1f mL, below the %.1f mL a lung needs", largest, options.minimumLungML))
        }
        let a = components.region(first + 1, size: g.size, spacing: g.spacing)
        let (aLeft, aRight) = sideCounts(a, geometry: g, midlineX: midlineX)
        if order.count > 1 {
            let second = order[1]
            let b = components.region(second + 1, size: g.size, spacing: g.spacing)
            let (bLeft, bRight) = sideCounts(b, geometry: g, midlineX: midlineX)
            let bigEnough = Double(components.voxelCounts[second]) >= options.secondLungFraction * Double(components.voxelCounts[first])
                && Double(components.voxelCounts[second]) * voxelML >= options.minimumLungML
            let aIsLeft = aLeft >= aRight, bIsLeft = bLeft >= bRight
            if bigEnough && aIsLeft != bIsLeft {
                return aIsLeft ? [(LungMask.rightLung, b), (LungMask.leftLung, a)] : [(LungMask.rightLung, a), (LungMask.leftLung, b)]
            }
        }
        // One region: both lungs joined (split at the midline) or a single lung.
        let total = Double(aLeft + aRight)
        if Double(min(aLeft, aRight)) >= 0.2 * total {
            return splitAtMidline(a, geometry: g, midlineX: midlineX)
        }
        return [(aLeft >= aRight ? LungMask.leftLung : LungMask.rightLung, a)]
    }

    /// Voxels of `grid` on the patient's left (world x above the midline) and right.
    static func sideCounts(_ grid: BinaryGrid, geometry g: ImageGeometry, midlineX: Double) -> (left: Int, right: Int) {
        var left = 0, right = 0
        forEachSetVoxel(grid, geometry: g) { _, x in if x > midlineX { left += 1 } else { right += 1 } }
        return (left, right)
    }

    static func splitAtMidline(_ grid: BinaryGrid, geometry g: ImageGeometry, midlineX: Double) -> [(UInt8, BinaryGrid)] {
        var right = BinaryGrid(size: grid.size, spacing: grid.spacing), left = right
        forEachSetVoxel(grid, geometry: g) { n, x in
            if x > midlineX { left.bits[n] = 1 } else { right.bits[n] = 1 }
        }
        return [(LungMask.rightLung, right), (LungMask.leftLung, left)]
    }

    /// Calls `body` with the storage offset and world x of every set voxel (x is linear in
    /// the index, so it is stepped, not recomputed).
    static func forEachSetVoxel(_ grid: BinaryGrid, geometry g: ImageGeometry, _ body: (Int, Double) -> Void) {
        let m = g.indexToWorldMatrix
        let dx = (m[0, 0], m[0, 1], m[0, 2])
        let s = grid.size
        var o = 0
        for k in 0..<s.k { for j in 0..<s.j {
            let rowX = g.origin.x + dx.1 * Double(j) + dx.2 * Double(k)
            for i in 0..<s.i {
                if grid.bits[o] != 0 { body(o, rowX + dx.0 * Double(i)) }
                o += 1
            }
        } }
    }
}
