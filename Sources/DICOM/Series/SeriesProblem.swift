/// Something wrong or unusual about a series, found at discovery or assembly.
public enum SeriesProblem: Sendable, Equatable, CustomStringConvertible {
    /// Several files at the same slice position; all but the first (by InstanceNumber,
    /// then file name) are left out.
    case duplicatePositions(position: Double, files: [String])
    /// A gap between neighbouring slices above 1.5x the median spacing, filled with
    /// `missing` slices interpolated from the neighbours.
    case missingSlices(afterSlice: Int, gap: Double, medianSpacing: Double, missing: Int)
    /// Slice spacing varies beyond tolerance (and is not whole missing slices).
    case nonUniformSpacing(minimum: Double, maximum: Double, medianSpacing: Double)
    /// The slices are sheared (tilted gantry): positions do not follow the normal.
    /// Loading resamples each slice in plane onto the orthogonal grid (see
    /// `SeriesLoadOptions.correctGantryTilt`).
    case gantryTilt(degrees: Double)
    /// The series UID holds images of different size or orientation; this group is one
    /// of `groups`.
    case mixedGeometry(seriesInstanceUID: String, groups: Int)
    /// Files without ImagePositionPatient / ImageOrientationPatient / PixelSpacing.
    case missingGeometry(files: [String])
    /// Slices with different RescaleSlope / RescaleIntercept.
    case varyingRescale

    public var description: String {
        switch self {
        case .duplicatePositions(let p, let files):
            return "duplicate slice position \(fmt(p)) mm: \(files.joined(separator: ", ")) (later ones left out)"
        case .missingSlices(let k, let gap, let median, let missing):
            return "missing slice: gap of \(fmt(gap)) mm after slice \(k) (median spacing \(fmt(median)) mm), \(missing) slice(s) interpolated"
        case .nonUniformSpacing(let lo, let hi, let median):
            return "non-uniform slice spacing: \(fmt(lo))–\(fmt(hi)) mm (median \(fmt(median)) mm)"
        case .gantryTilt(let deg):
            return "gantry tilt of \(fmt(deg))° (sheared slices, resampled onto the orthogonal grid when loaded)"
        case .mixedGeometry(let uid, let groups):
            return "series \(uid) mixes \(groups) image sizes or orientations; split into separate volumes"
        case .missingGeometry(let files):
            return "no ImagePositionPatient/ImageOrientationPatient/PixelSpacing in \(files.count) file(s): \(files.prefix(3).joined(separator: ", "))"
        case .varyingRescale:
            return "RescaleSlope/RescaleIntercept differ between slices (applied per slice)"
        }
    }

    /// Whether the problem prevents a faithful regular volume.
    public var preventsAssembly: Bool {
        switch self {
        case .nonUniformSpacing, .missingGeometry: return true
        default: return false
        }
    }
}

private func fmt(_ v: Double) -> String {
    let r = (v * 1000).rounded() / 1000
    return r == r.rounded() ? String(Int(r)) : String(r)
}
