import Foundation

/// Dilation, erosion and closing by a ball whose radius is in millimetres (an ellipsoid in
/// voxels on anisotropic grids), through the exact distance transform; hole filling and
/// border flood fills in 2-D planes. Every operation treats voxels beyond the grid as unset.
public enum BinaryMorphology {
    /// The set voxels grown by a ball of `radiusMM`: every voxel within that distance of a
    /// set voxel.
    public static func dilated(_ grid: BinaryGrid, radiusMM: Double, threads: Int = DistanceTransform.defaultThreads) -> BinaryGrid {
        guard radiusMM > 0, let box = grid.boundingBox else { return grid }
        let pad = padding(for: radiusMM, spacing: grid.spacing)
        var (part, offset) = grid.cropped(to: box, padding: pad)
        let d = DistanceTransform.squaredDistanceToSet(part, threads: threads)
        let r2 = Float(radiusMM * radiusMM)
        for n in part.bits.indices { part.bits[n] = d[n] <= r2 ? 1 : 0 }
        var out = BinaryGrid(size: grid.size, spacing: grid.spacing)
        out.paste(part, at: offset)
        return out
    }

    /// The set voxels shrunk by a ball of `radiusMM`: those farther than that from every
    /// unset voxel (the grid's outside counts as unset).
    public static func eroded(_ grid: BinaryGrid, radiusMM: Double, threads: Int = DistanceTransform.defaultThreads) -> BinaryGrid {
        guard radiusMM > 0, let box = grid.boundingBox else { return grid }
        var (part, offset) = grid.cropped(to: box, padding: VoxelIndex(1, 1, 1))
        let d = DistanceTransform.squaredDistanceToUnset(part, threads: threads)
        let r2 = Float(radiusMM * radiusMM)
        for n in part.bits.indices { part.bits[n] = d[n] > r2 ? 1 : 0 }
        var out = BinaryGrid(size: grid.size, spacing: grid.spacing)
        out.paste(part, at: offset)
        return out
    }

    /// Dilation then erosion by the same ball: fills notches and gaps narrower than the
    /// ball while keeping the outline elsewhere. Worked on a padded crop, so a set region
    /// touching the grid's edge is not eaten from that edge.
    public static func closed(_ grid: BinaryGrid, radiusMM: Double, threads: Int = DistanceTransform.defaultThreads) -> BinaryGrid {
        guard radiusMM > 0, let box = grid.boundingBox else { return grid }
        let pad = padding(for: radiusMM, spacing: grid.spacing)
        var (part, offset) = grid.cropped(to: box, padding: VoxelIndex(pad.i + 1, pad.j + 1, pad.k + 1))
        let r2 = Float(radiusMM * radiusMM)
        let toSet = DistanceTransform.squaredDistanceToSet(part, threads: threads)
        for n in part.bits.indices { part.bits[n] = toSet[n] <= r2 ? 1 : 0 }
        let toUnset = DistanceTransform.squaredDistanceToUnset(part, threads: threads)
        for n in part.bits.indices { part.bits[n] = toUnset[n] > r2 ? 1 : 0 }
        // Keep the original voxels whatever rounding did at the ball's surface.
        var out = grid
        let p = part.size
        for k in 0..<p.k where offset.k + k >= 0 && offset.k + k < grid.size.k {
            for j in 0..<p.j where offset.j + j >= 0 && offset.j + j < grid.size.j {
                let dst = ((offset.k + k) * grid.size.j + offset.j + j) * grid.size.i, src = (k * p.j + j) * p.i
                for i in max(0, -offset.i)..<min(p.i, grid.size.i - offset.i) where part.bits[src + i] != 0 {
                    out.bits[dst + offset.i + i] = 1
                }
            }
        }
        return out
    }

    /// Voxels enough to hold a ball of `radiusMM` along each axis.
    static func padding(for radiusMM: Double, spacing: Vector3) -> VoxelIndex {
        VoxelIndex(Int((radiusMM / spacing.x).rounded(.up)) + 1, Int((radiusMM / spacing.y).rounded(.up)) + 1,
                   Int((radiusMM / spacing.z).rounded(.up)) + 1)
    }

    /// Fills, in every plane across `axis`, the unset pixels that the plane's border cannot
    /// reach through unset pixels (4-connected): the holes of each 2-D cross-section.
    public static func holesFilled(_ grid: BinaryGrid, acrossAxis axis: Int) -> BinaryGrid {
        // Only the set voxels' box (grown by one, so its border is unset) can hold holes.
        guard let box = grid.boundingBox else { return grid }
        let pad = VoxelIndex(axis == 0 ? 0 : 1, axis == 1 ? 0 : 1, axis == 2 ? 0 : 1)
        var (part, offset) = grid.cropped(to: box, padding: pad)
        let outside = reachableFromPlaneBorder(part, acrossAxis: axis, through: 0)
        for n in part.bits.indices where part.bits[n] == 0 && outside.bits[n] == 0 { part.bits[n] = 1 }
        var out = grid
        out.paste(part, at: offset)
        return out
    }

    /// The voxels whose value is `value` and that reach the border of their plane across
    /// `axis` through voxels of that value (4-connected in the plane).
    public static func reachableFromPlaneBorder(_ grid: BinaryGrid, acrossAxis axis: Int, through value: UInt8,
                                                threads: Int = DistanceTransform.defaultThreads) -> BinaryGrid {
        var reached = BinaryGrid(size: grid.size, spacing: grid.spacing)
        let others = [0, 1, 2].filter { $0 != axis }
        let (a, b) = (others[0], others[1])
        let na = grid.extent(a), nb = grid.extent(b), sa = grid.stride(a), sb = grid.stride(b), sp = grid.stride(axis)
        let planes = grid.extent(axis)
        let chunks = max(1, min(threads, planes))
        grid.bits.withUnsafeBufferPointer { bitsBuffer in
            reached.bits.withUnsafeMutableBufferPointer { seenBuffer in
                let bits = UnsafeSendable(bitsBuffer), seen = UnsafeSendable(seenBuffer)
                // Planes are independent: each chunk floods its own planes, with its own stack
                // of in-plane pixel numbers u + v·na.
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    var stack: [Int32] = []
                    stack.reserveCapacity(na * nb / 4)
                    for plane in (planes * c / chunks)..<(planes * (c + 1) / chunks) {
                        let base = plane * sp
                        @inline(__always) func visit(_ u: Int, _ v: Int) {
                            let o = base + u * sa + v * sb
                            if bits.value[o] == value && seen.value[o] == 0 {
                                seen.value[o] = 1
                                stack.append(Int32(u + v * na))
                            }
                        }
                        for u in 0..<na { visit(u, 0); visit(u, nb - 1) }
                        for v in 0..<nb { visit(0, v); visit(na - 1, v) }
                        while let p = stack.popLast() {
                            let u = Int(p) % na, v = Int(p) / na
                            if u > 0 { visit(u - 1, v) }
                            if u + 1 < na { visit(u + 1, v) }
                            if v > 0 { visit(u, v - 1) }
                            if v + 1 < nb { visit(u, v + 1) }
                        }
                    }
                }
            }
        }
        return reached
    }
}
