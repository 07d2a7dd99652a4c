/// Summary statistics of a volume's values.
public struct VoxelStatistics: Sendable, Equatable {
    public var minimum: Double
    public var maximum: Double
    public var mean: Double
    /// Values counted (all channels).
    public var count: Int
}

extension Volume {
    /// Minimum, maximum and mean over every value (all channels). NaNs are skipped.
    public var statistics: VoxelStatistics {
        voxels.withUnsafeBufferPointer { buffer in
            var lo = Double.infinity, hi = -Double.infinity, sum = 0.0
            var n = 0
            for v in buffer {
                let d = v.doubleValue
                if d.isNaN { continue }
                if d < lo { lo = d }
                if d > hi { hi = d }
                sum += d
                n += 1
            }
            return VoxelStatistics(minimum: n > 0 ? lo : .nan, maximum: n > 0 ? hi : .nan,
                                   mean: n > 0 ? sum / Double(n) : .nan, count: n)
        }
    }
}
