/// Overlap of a predicted mask with the true one.
public enum OverlapMetrics {
    /// Dice = 2|A∩B| / (|A| + |B|); 1 when both masks are empty.
    public static func dice<C: Collection>(_ predicted: C, _ actual: C) -> Double where C.Element: BinaryInteger {
        let (both, a, b) = counts(predicted, actual)
        return a + b == 0 ? 1 : 2 * Double(both) / Double(a + b)
    }

    /// IoU = |A∩B| / |A∪B|; 1 when both masks are empty.
    public static func intersectionOverUnion<C: Collection>(_ predicted: C, _ actual: C) -> Double where C.Element: BinaryInteger {
        let (both, a, b) = counts(predicted, actual)
        return a + b - both == 0 ? 1 : Double(both) / Double(a + b - both)
    }

    private static func counts<C: Collection>(_ p: C, _ t: C) -> (Int, Int, Int) where C.Element: BinaryInteger {
        var both = 0, a = 0, b = 0
        for (x, y) in zip(p, t) {
            let px = x != 0, ty = y != 0
            if px { a += 1 }
            if ty { b += 1 }
            if px && ty { both += 1 }
        }
        return (both, a, b)
    }
}
