import Foundation
import ImagingCore

/// How far a finding's tissue continues beyond the finding: the 3-D test that tells a
/// nodule from a vessel or a bronchial wall, which a network looking at one slice at a time
/// cannot. A nodule is a compact lump in air; a vessel or an airway wall is a tube that
/// goes on above, below or beside the part the network marked.
///
/// The tissue connected to the finding (6-connected voxels at or above `tissueHU`, inside
/// the lungs when a lung mask is given, grown from the finding's own voxels) is followed out
/// to a sphere around the finding's centre, `shellFactor` times as far as the finding's
/// farthest voxel (at least `minimumMarginMM` and at most `maximumMarginMM` beyond it). The
/// measure is the area where that tissue crosses the sphere over the finding's mean
/// cross-section (its volume over its length, twice the farthest voxel's distance): about 0
/// for an isolated nodule, a few tenths for a nodule with small vessels touching it, about 2
/// for a vessel the network marked a stretch of (it leaves the sphere on both sides), more
/// at a branching.
public struct StructureContinuation: Sendable, Equatable {
    /// Voxels at or above this (HU) are tissue. Lung parenchyma is about −850; the vessels
    /// a network mistakes for nodules are brighter than −300 along their core, while the
    /// spicules and the small vessels around a real nodule are partial-volumed below it (on
    /// the real CPTAC tumour, −500 gives 1.47 and −300 gives 0.07).
    public var tissueHU: Double = -300
    /// The sphere's radius in distances of the finding's farthest voxel from its centre.
    public var shellFactor: Double = 1.5
    /// The sphere reaches at least this far (mm) beyond the finding's farthest voxel…
    public var minimumMarginMM: Double = 3
    /// …and at most this far.
    public var maximumMarginMM: Double = 15

    /// The line above which `CascadeScreener` drops a nodule as a vessel: fitted on the
    /// training split of `make test`'s phantom cascade (1.5 kept 36 of its 37 detected
    /// nodules and 65 of its 239 false positives), well above the real CPTAC tumour's 0.07.
    public static let defaultMaximum = 1.5

    /// The default measure.
    public init() {}

    /// The measure for each finding of `mask` (labels 1…255; `nodules` give their centres
    /// and sizes), on `ct`'s grid in HU. `region` (nonzero inside, e.g. the lung mask)
    /// limits where tissue may be followed; the finding's own voxels always count.
    /// Throws when the mask or the region is not on the CT's grid.
    public func measure(_ nodules: [ScreenedNodule], mask: Volume<UInt8>, ct: Volume<Int16>,
                        region: Volume<UInt8>?) throws -> [Int: Double] {
        let s = ct.size
        for (name, size) in [("mask", mask.size), ("region", region?.size ?? s)] where size != s {
            throw NoduleModelsError.unsupportedInput(model: "StructureContinuation", expected: "a \(name) on the CT's grid \(s)",
                                                     found: [size.i, size.j, size.k])
        }
        let extents = Self.extents(nodules, mask: mask)
        var result: [Int: Double] = [:]
        ct.withUnsafeVoxels { hu in
            mask.withUnsafeVoxels { labels in
                if let region {
                    region.withUnsafeVoxels { inside in
                        for n in nodules { result[n.label] = ratio(n, extent: extents[n.label], ct: ct.geometry, hu: hu, labels: labels, inside: inside) }
                    }
                } else {
                    for n in nodules { result[n.label] = ratio(n, extent: extents[n.label], ct: ct.geometry, hu: hu, labels: labels, inside: nil) }
                }
            }
        }
        return result
    }

    /// For each label, the distance (mm) of its farthest voxel centre from its centre.
    static func extents(_ nodules: [ScreenedNodule], mask: Volume<UInt8>) -> [Double] {
        let g = mask.geometry, s = g.size, sp = g.spacing
        var centres = [Vector3?](repeating: nil, count: 256)
        for n in nodules { centres[n.label] = g.worldToContinuousIndex(n.center) }
        var farthest = [Double](repeating: 0, count: 256)
        mask.withUnsafeVoxels { labels in
            for v in labels.indices where labels[v] != 0 {
                guard let c = centres[Int(labels[v])] else { continue }
                let dx = (Double(v % s.i) - c.x) * sp.x, dy = (Double((v / s.i) % s.j) - c.y) * sp.y
                let dz = (Double(v / s.sliceCount) - c.z) * sp.z
                farthest[Int(labels[v])] = max(farthest[Int(labels[v])], dx * dx + dy * dy + dz * dz)
            }
        }
        return farthest.map { $0.squareRoot() }
    }

    private func ratio(_ nodule: ScreenedNodule, extent: Double, ct g: ImageGeometry, hu: UnsafeBufferPointer<Int16>,
                       labels: UnsafeBufferPointer<UInt8>, inside: UnsafeBufferPointer<UInt8>?) -> Double {
        let s = g.size, sp = g.spacing
        let reach = max(extent, min(sp.x, sp.y, sp.z))
        let radius = min(max(shellFactor * reach, reach + minimumMarginMM), reach + maximumMarginMM)
        // The shell is one voxel thick along the coarsest axis, so every direction crosses it.
        let thickness = max(sp.x, sp.y, sp.z)
        let inner = max(0, radius - thickness)
        let c = g.worldToContinuousIndex(nodule.center)
        // The direction matrix is orthonormal: world distance is the spacing-scaled index distance.
        let centre = [c.x, c.y, c.z], step = [sp.x, sp.y, sp.z], extent = [s.i, s.j, s.k]
        let lo = (0..<3).map { max(0, Int((centre[$0] - radius / step[$0]).rounded(.down))) }
        let upper = (0..<3).map { min(extent[$0] - 1, Int((centre[$0] + radius / step[$0]).rounded(.up))) }
        guard lo[0] <= upper[0], lo[1] <= upper[1], lo[2] <= upper[2] else { return 0 }
        let bi = upper[0] - lo[0] + 1, bj = upper[1] - lo[1] + 1, bk = upper[2] - lo[2] + 1
        // Box-local state: 0 outside the sphere or not tissue, 1 tissue not yet reached, 2 reached.
        var state = [UInt8](repeating: 0, count: bi * bj * bk)
        var shell = [Bool](repeating: false, count: state.count)
        var stack: [Int] = []
        let threshold = Int16(clampingDouble: tissueHU.rounded(.up))
        for k in 0..<bk {
            let dz = (Double(lo[2] + k) - c.z) * sp.z
            for j in 0..<bj {
                let dy = (Double(lo[1] + j) - c.y) * sp.y
                for i in 0..<bi {
                    let dx = (Double(lo[0] + i) - c.x) * sp.x
                    let d = (dx * dx + dy * dy + dz * dz).squareRoot()
                    guard d < radius else { continue }
                    let local = (k * bj + j) * bi + i
                    let v = ((lo[2] + k) * s.j + lo[1] + j) * s.i + lo[0] + i
                    shell[local] = d >= inner
                    if Int(labels[v]) == nodule.label {
                        state[local] = 2
                        stack.append(local)
                    } else if hu[v] >= threshold && (inside.map { $0[v] != 0 } ?? true) {
                        state[local] = 1
                    }
                }
            }
        }
        var crossing = 0
        while let v = stack.popLast() {
            if shell[v] { crossing += 1 }
            let i = v % bi, j = (v / bi) % bj, k = v / (bi * bj)
            func reach(_ n: Int) {
                if state[n] == 1 {
                    state[n] = 2
                    stack.append(n)
                }
            }
            if i > 0 { reach(v - 1) }
            if i < bi - 1 { reach(v + 1) }
            if j > 0 { reach(v - bi) }
            if j < bj - 1 { reach(v + bi) }
            if k > 0 { reach(v - bi * bj) }
            if k < bk - 1 { reach(v + bi * bj) }
        }
        let area = Double(crossing) * sp.x * sp.y * sp.z / (radius - inner)
        return area / (nodule.volumeMM3 / (2 * reach))
    }
}
