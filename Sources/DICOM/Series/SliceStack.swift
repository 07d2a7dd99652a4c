import Foundation
import ImagingCore

/// The slices of one series in world order, with the geometry they define: sorted by
/// ImagePositionPatient projected on the slice normal (never by InstanceNumber or file
/// name), origin at the first slice, spacing from the positions, direction from
/// ImageOrientationPatient.
public struct SliceStack: Sendable {
    /// One k-slice of the volume: a file, or a slice interpolated across a gap.
    public enum Slot: Sendable, Equatable {
        case file(Int)
        /// `(1 - weight) * below + weight * above`, indices into `slices`.
        case interpolated(below: Int, above: Int, weight: Double)
    }

    /// Distinct-position slices in ascending order along the normal.
    public let slices: [SliceHeader]
    /// The k-slices of the volume.
    public let slots: [Slot]
    /// The volume geometry.
    public let geometry: ImageGeometry
    /// What was found on the way.
    public let problems: [SeriesProblem]

    /// Positions closer than this along the normal are duplicates.
    public static let duplicateTolerance = 0.01
    /// A gap deviating from the median by more than this fraction is non-uniform (ITK
    /// warns beyond about the same).
    public static let uniformityTolerance = 0.01

    /// Sorts and measures `headers` (all of one size and orientation).
    public init(headers: [SliceHeader], name: String) throws {
        guard let first = headers.first else { throw DICOMError.invalidSeries(name, reason: "no image files") }
        let noGeometry = headers.filter { $0.position == nil || $0.normal == nil }
        guard noGeometry.isEmpty, let normal = first.normal, let rowDir = first.rowDirection, let colDir = first.columnDirection else {
            throw DICOMError.invalidSeries(name, reason: SeriesProblem.missingGeometry(files: noGeometry.map(\.url.lastPathComponent)).description)
        }
        var problems: [SeriesProblem] = []
        // Sort by projection, ties by InstanceNumber then file name, so the kept duplicate is stable.
        let keyed = headers.map { (h: $0, d: dot($0.position ?? .zero, normal)) }.sorted {
            if abs($0.d - $1.d) > Self.duplicateTolerance { return $0.d < $1.d }
            if $0.h.instanceNumber != $1.h.instanceNumber { return ($0.h.instanceNumber ?? .max) < ($1.h.instanceNumber ?? .max) }
            return $0.h.url.path < $1.h.url.path
        }
        var kept: [(h: SliceHeader, d: Double)] = []
        for entry in keyed {
            if let last = kept.last, abs(entry.d - last.d) <= Self.duplicateTolerance {
                if case .duplicatePositions(let p, let files)? = problems.last, abs(p - last.d) <= Self.duplicateTolerance {
                    problems[problems.count - 1] = .duplicatePositions(position: p, files: files + [entry.h.url.lastPathComponent])
                } else {
                    problems.append(.duplicatePositions(position: last.d, files: [last.h.url.lastPathComponent, entry.h.url.lastPathComponent]))
                }
                continue
            }
            kept.append(entry)
        }
        slices = kept.map(\.h)
        let pixel = first.pixelSpacing ?? SIMD2(1, 1)
        if first.pixelSpacing == nil {
            problems.append(.missingGeometry(files: [first.url.lastPathComponent + " (PixelSpacing)"]))
        }

        var slots: [Slot] = [.file(0)]
        var spacingK: Double
        if kept.count == 1 {
            // One slice has no spacing between slices; like ITK, take SpacingBetweenSlices
            // when present and 1 mm otherwise (never SliceThickness).
            spacingK = (try? first.dataset.double(.spacingBetweenSlices)) ?? 1
            if !(spacingK > 0) { spacingK = 1 }
        } else {
            let gaps = zip(kept.dropFirst(), kept).map { $0.d - $1.d }
            let median = gaps.sorted()[gaps.count / 2]
            let tolerance = max(Self.duplicateTolerance, Self.uniformityTolerance * median)
            var uniform = true
            var filled = 0
            for (index, gap) in gaps.enumerated() {
                if abs(gap - median) <= tolerance {
                    slots.append(.file(index + 1))
                    continue
                }
                let multiple = (gap / median).rounded()
                if gap > 1.5 * median, multiple >= 2, multiple <= 10, abs(gap - multiple * median) <= tolerance * multiple {
                    let missing = Int(multiple) - 1
                    problems.append(.missingSlices(afterSlice: index, gap: gap, medianSpacing: median, missing: missing))
                    for m in 1...missing {
                        slots.append(.interpolated(below: index, above: index + 1, weight: Double(m) / multiple))
                    }
                    slots.append(.file(index + 1))
                    filled += missing
                } else {
                    uniform = false
                    slots.append(.file(index + 1))
                }
            }
            if !uniform {
                problems.append(.nonUniformSpacing(minimum: gaps.min() ?? 0, maximum: gaps.max() ?? 0, medianSpacing: median))
            }
            // ITK's rule: the distance from first to last over the slice count.
            spacingK = (kept[kept.count - 1].d - kept[0].d) / Double(slots.count - 1)
            // Shear: the first-to-last vector leaves the normal.
            if let p0 = kept.first?.h.position, let p1 = kept.last?.h.position {
                let along = p1 - p0
                let cosine = min(1, abs(dot(along, normal)) / max(length(along), 1e-12))
                let degrees = acos(cosine) * 180 / .pi
                if degrees > 0.01 || abs(first.gantryTilt) > 0.01 {
                    problems.append(.gantryTilt(degrees: degrees > 0.01 ? degrees : abs(first.gantryTilt)))
                }
            }
            _ = filled
        }
        if Set(slices.map { "\($0.rescaleSlope) \($0.rescaleIntercept)" }).count > 1 { problems.append(.varyingRescale) }
        self.slots = slots
        self.problems = problems
        let size = GridSize(first.columns, first.rows, slots.count)
        geometry = ImageGeometry(unchecked: size, origin: kept[0].h.position ?? .zero,
                                 spacing: Vector3(pixel.x, pixel.y, spacingK > 0 ? spacingK : 1),
                                 direction: Matrix3(columns: rowDir / length(rowDir), colDir / length(colDir), normal))
    }
}
