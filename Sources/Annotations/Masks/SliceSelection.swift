/// The paper's slice rule: the slices a nodule covers, plus a margin of slices before and
/// after (5 by default), clipped to the volume.
public struct SliceSelection: Sendable, Equatable {
    /// The nodule's 1-based label within its scan.
    public var label: Int
    /// First and last slice holding the nodule, nil when it draws no voxel.
    public var noduleSlices: ClosedRange<Int>?
    /// The selected range (nodule slices ± margin, clipped), nil when the nodule draws none.
    public var selectedSlices: ClosedRange<Int>?

    /// The paper's margin: five slices before and after.
    public static let paperMargin = 5

    /// Selects slices for each placement, clipped to `sliceCount` slices.
    public static func select(_ placements: [NodulePlacement], margin: Int = paperMargin, sliceCount: Int) -> [SliceSelection] {
        // A margin beyond the volume selects the whole volume; clamping first keeps the
        // arithmetic safe for any input.
        let m = min(max(margin, 0), max(sliceCount, 0))
        return placements.map { p in
            guard let r = p.sliceRange else { return SliceSelection(label: p.label, noduleSlices: nil, selectedSlices: nil) }
            let first = max(0, r.lowerBound - m)
            let last = min(sliceCount - 1, r.upperBound + m)
            return SliceSelection(label: p.label, noduleSlices: r, selectedSlices: first...last)
        }
    }

    /// Every slice selected by any nodule, ascending and without repeats.
    public static func union(_ selections: [SliceSelection]) -> [Int] {
        var set = Set<Int>()
        for s in selections { if let r = s.selectedSlices { set.formUnion(r) } }
        return set.sorted()
    }
}
