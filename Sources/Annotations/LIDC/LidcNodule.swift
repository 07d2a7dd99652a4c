import Foundation
import ImagingCore

/// The usual LIDC label from the readers' malignancy ratings: benign when their median is
/// ≤ 2, malignant when ≥ 4; a median in between (3, 2.5, 3.5) is left out as
/// indeterminate.
public enum LidcMalignancyLabel: String, Sendable, Equatable {
    case benign, malignant, indeterminate
    /// No reader rated the nodule.
    case unrated

    /// The label of a median rating.
    public init(median: Double?) {
        guard let m = median else { self = .unrated; return }
        self = m <= 2 ? .benign : (m >= 4 ? .malignant : .indeterminate)
    }
}

/// One nodule of a scan: the readings that mark it, their consensus mask, and where and
/// how large it is.
public struct LidcNodule: Sendable, Equatable {
    /// 1-based, in the clustering's order (by mean slice): the value in the label mask.
    public var label: Int
    /// The readers' marks of this nodule.
    public var readings: [LidcReadingMask]
    /// The fraction of its readers that must include a voxel.
    public var agreement: Double
    /// Voxels at least `agreement` of the readings include.
    public var consensus: BoxMask
    /// Median of the readers' malignancy ratings (nil when none rated it).
    public var medianMalignancy: Double?
    /// Continuous index of the consensus mask's centroid (of the contour points when the
    /// consensus is empty).
    public var centreIndex: Vector3
    /// World position (LPS mm) of that centroid, through the full geometry.
    public var centreWorld: Vector3
    /// Consensus volume in mm³.
    public var volumeMM3: Double

    /// The benign/malignant label from `medianMalignancy`.
    public var malignancyLabel: LidcMalignancyLabel { LidcMalignancyLabel(median: medianMalignancy) }
    /// The diameter of a sphere of the consensus volume, mm.
    public var equivalentDiameterMM: Double { cbrt(6 * volumeMM3 / Double.pi) }
    /// The reader numbers, ascending.
    public var readers: [Int] { readings.map(\.reading.reader).sorted() }

    /// The median of each of the nine ratings over the readers who gave it.
    public var medianRatings: [Double?] {
        (0..<LidcCharacteristics.names.count).map { n in
            Self.median(readings.compactMap { $0.reading.characteristics?.values[n] })
        }
    }

    /// The median of integer ratings (the mean of the middle two for an even count).
    public static func median(_ values: [Int]) -> Double? {
        let s = values.sorted()
        guard !s.isEmpty else { return nil }
        return s.count % 2 == 1 ? Double(s[s.count / 2]) : Double(s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
