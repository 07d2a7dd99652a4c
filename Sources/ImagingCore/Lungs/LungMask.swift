import Foundation

/// The lungs of a CT: a label volume on the scan's grid and what was measured on the way.
public struct LungMask: Sendable {
    /// Label of the patient's right lung (on the patient's right, world −x in LPS), as
    /// lungmask labels it.
    public static let rightLung: UInt8 = 1
    /// Label of the patient's left lung (world +x).
    public static let leftLung: UInt8 = 2

    /// 0 outside the lungs, `rightLung` or `leftLung` inside; the scan's geometry.
    public var labels: Volume<UInt8>
    /// The air threshold used (HU).
    public var airThresholdHU: Double
    /// Right and left lung volumes in mL.
    public var rightVolumeML: Double
    public var leftVolumeML: Double
    /// The trachea seed's world position (LPS mm), when a trachea was found.
    public var tracheaSeed: Vector3?
    /// Volume of the airway removed from the lungs (mL), and the threshold it was grown at.
    public var airwayVolumeML: Double
    public var airwayThresholdHU: Double?
    /// Wall-clock seconds of each stage, in order.
    public var stageSeconds: [StageTime] = []

    /// Both lungs as one binary grid, grown by `marginMM` (a ball in mm).
    public func region(dilatedByMM marginMM: Double = 0, threads: Int = DistanceTransform.defaultThreads) -> BinaryGrid {
        let grid = BinaryGrid(labels)
        return marginMM > 0 ? BinaryMorphology.dilated(grid, radiusMM: marginMM, threads: threads) : grid
    }

    /// Both lungs grown by `marginMM`, as a 0/1 volume on the scan's grid.
    public func regionVolume(dilatedByMM marginMM: Double = 0, threads: Int = DistanceTransform.defaultThreads) -> Volume<UInt8> {
        let grid = region(dilatedByMM: marginMM, threads: threads)
        var out = Volume<UInt8>(geometry: labels.geometry, repeating: 0)
        out.withUnsafeMutableVoxels { v in for n in v.indices { v[n] = grid.bits[n] } }
        return out
    }
}
