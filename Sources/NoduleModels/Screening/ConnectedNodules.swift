import Foundation
import ImagingCore

/// A nodule found by screening: one 26-connected region of the thresholded probability
/// volume, measured in the scan's world coordinates.
public struct ScreenedNodule: Sendable, Equatable {
    /// 1-based label in the mask volume.
    public var label: Int
    /// Centre of mass (probability-free: every voxel counts once) in LPS world mm.
    public var center: Vector3
    /// Voxels, volume in mm³ and the diameter of the sphere of that volume.
    public var voxelCount: Int
    public var volumeMM3: Double
    public var equivalentDiameterMM: Double
    /// The slices (k) the region covers.
    public var slices: ClosedRange<Int>
    /// The highest probability inside the region.
    public var maximumProbability: Float
    /// Mean malignant probability over the pairs centred on the region, one per slice it
    /// covers (set by the cascade).
    public var malignancy: Double?
    /// Larger than a nodule can be (over 30 mm across by default): reported as a mass.
    public var isMass = false
    /// How far its tissue continues beyond it (`StructureContinuation`): about 0 for a
    /// nodule, 2 or more for a vessel passing through; nil when not measured.
    public var continuation: Double?

    /// "mass" or "nodule", as findings.csv's kind column says.
    public var kind: String { isMass ? "mass" : "nodule" }
}

/// Finds 3-D nodules in a probability volume: voxels above a threshold, grouped into
/// 26-connected regions (an explicit stack, no recursion), regions smaller than
/// `minimumVoxels` dropped, labelled 1…n by decreasing size in the returned mask (at most
/// the 255 largest, the labels being bytes).
public enum ConnectedNodules {
    /// The regions and their label mask (`UInt8`) on the same grid.
    public static func find(in probabilities: Volume<Float>, threshold: Float = 0.5,
                            minimumVoxels: Int = 1) -> (nodules: [ScreenedNodule], mask: Volume<UInt8>) {
        let s = probabilities.size
        let p = probabilities.voxels
        guard p.contains(where: { $0 > threshold }) else {
            // Nothing above the threshold: no region, and no label buffer of the scan's size.
            return ([], Volume(geometry: probabilities.geometry, repeating: 0))
        }
        var region = [Int32](repeating: 0, count: p.count)
        var regions: [[Int]] = []
        var stack: [Int] = []
        for start in p.indices where p[start] > threshold && region[start] == 0 {
            let id = Int32(regions.count + 1)
            var members: [Int] = []
            region[start] = id
            stack.append(start)
            while let v = stack.popLast() {
                members.append(v)
                let i = v % s.i, j = (v / s.i) % s.j, k = v / s.sliceCount
                for dk in -1...1 where k + dk >= 0 && k + dk < s.k {
                    for dj in -1...1 where j + dj >= 0 && j + dj < s.j {
                        for di in -1...1 where i + di >= 0 && i + di < s.i {
                            let n = v + (dk * s.j + dj) * s.i + di
                            if region[n] == 0 && p[n] > threshold {
                                region[n] = id
                                stack.append(n)
                            }
                        }
                    }
                }
            }
            regions.append(members)
        }
        let g = probabilities.geometry
        let voxelVolume = g.spacing.x * g.spacing.y * g.spacing.z
        // Labels are UInt8: the 255 largest regions are kept, smaller ones dropped like noise.
        let kept = regions.filter { $0.count >= max(1, minimumVoxels) }.sorted { $0.count > $1.count }.prefix(255)
        var mask = [UInt8](repeating: 0, count: p.count)
        var nodules: [ScreenedNodule] = []
        for (n, members) in kept.enumerated() {
            var sum = Vector3.zero, peak: Float = 0, lowK = Int.max, highK = Int.min
            for v in members {
                let k = v / s.sliceCount
                sum = sum + Vector3(Double(v % s.i), Double((v / s.i) % s.j), Double(k))
                peak = max(peak, p[v])
                lowK = min(lowK, k)
                highK = max(highK, k)
                mask[v] = UInt8(n + 1)
            }
            let volume = Double(members.count) * voxelVolume
            nodules.append(ScreenedNodule(
                label: n + 1, center: g.continuousIndexToWorld(sum / Double(members.count)), voxelCount: members.count,
                volumeMM3: volume, equivalentDiameterMM: Foundation.cbrt(6 * volume / Double.pi), slices: lowK...highK,
                maximumProbability: peak, malignancy: nil))
        }
        // The geometry is the probability volume's own, so the voxel count matches.
        let labels = (try? Volume(geometry: g, voxels: mask)) ?? Volume(geometry: g, repeating: 0)
        return (nodules, labels)
    }
}

extension ConnectedNodules {
    /// The nodules `keep` accepts, relabelled 1…n in their order, with the mask rewritten to
    /// match (the voxels of dropped nodules set to 0).
    public static func filtered(_ nodules: [ScreenedNodule], mask: Volume<UInt8>,
                                keep: (ScreenedNodule) -> Bool) -> (nodules: [ScreenedNodule], mask: Volume<UInt8>) {
        var newLabel = [UInt8](repeating: 0, count: 256)
        var kept: [ScreenedNodule] = []
        for n in nodules where keep(n) {
            var copy = n
            copy.label = kept.count + 1
            newLabel[n.label] = UInt8(copy.label)
            kept.append(copy)
        }
        var out = mask
        out.withUnsafeMutableVoxels { v in for i in v.indices where v[i] != 0 { v[i] = newLabel[Int(v[i])] } }
        return (kept, out)
    }

    /// For each label 1…255 of `mask`, the fraction of its voxels where `region` is nonzero.
    public static func fractionInside(_ region: Volume<UInt8>, mask: Volume<UInt8>) -> [Double] {
        var total = [Int](repeating: 0, count: 256), inside = [Int](repeating: 0, count: 256)
        region.withUnsafeVoxels { r in
            mask.withUnsafeVoxels { m in
                for i in m.indices where m[i] != 0 {
                    total[Int(m[i])] += 1
                    if r[i] != 0 { inside[Int(m[i])] += 1 }
                }
            }
        }
        return (0..<256).map { total[$0] == 0 ? 0 : Double(inside[$0]) / Double(total[$0]) }
    }
}
