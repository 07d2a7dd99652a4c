import ImagingCore

/// Finds the k-slice of a scan that an LIDC ROI was drawn on: by its SOP Instance UID when
/// the scan's are known, else by its `imageZposition` against the world z of each slice
/// (the z of voxel (0, 0, k), i.e. the slice's ImagePositionPatient z).
///
/// A z within `tolerance` of a slice is that slice. A z beyond the scan's first or last
/// slice lies off the grid (a slab of a longer series, say) and is reported, not an
/// error; a z inside the scan that matches no slice is an error: the XML does not
/// describe this grid.
public struct LidcSliceLocator: Sendable {
    /// World z (mm) of each k-slice.
    public let slicePositions: [Double]
    /// k of each known SOP Instance UID.
    public let sliceOfSOPInstanceUID: [String: Int]
    /// How far (mm) an ROI's z may be from its slice's.
    public let tolerance: Double

    /// Where an ROI falls.
    public enum Location: Sendable, Equatable {
        case slice(Int)
        /// Beyond the scan's first or last slice.
        case offGrid
    }

    /// A locator for `geometry`; `sopInstanceUIDs[k]` is slice k's UID where known. The
    /// default tolerance is a tenth of the distance in z between neighbouring slices.
    public init(geometry: ImageGeometry, sopInstanceUIDs: [String?] = [], tolerance: Double? = nil) {
        slicePositions = (0..<geometry.size.k).map { geometry.continuousIndexToWorld(Vector3(0, 0, Double($0))).z }
        var map: [String: Int] = [:]
        for (k, uid) in sopInstanceUIDs.enumerated() where k < geometry.size.k {
            if let uid, !uid.isEmpty { map[uid] = k }
        }
        sliceOfSOPInstanceUID = map
        let step = abs(geometry.indexToWorldMatrix.column(2).z)
        self.tolerance = tolerance ?? max(1e-3, 0.1 * step)
    }

    /// The slice of an ROI (or non-nodule) at `z` with SOP UID `sop`; `file` and `line`
    /// name it in the error for a z between slices.
    public func locate(z: Double, sop: String?, file: String, line: Int) throws -> Location {
        if let sop, let k = sliceOfSOPInstanceUID[sop] { return .slice(k) }
        guard let first = slicePositions.first, let last = slicePositions.last else { return .offGrid }
        var best = 0
        var bestDistance = Double.infinity
        for (k, position) in slicePositions.enumerated() where abs(position - z) < bestDistance {
            best = k
            bestDistance = abs(position - z)
        }
        if bestDistance <= tolerance { return .slice(best) }
        let low = min(first, last), high = max(first, last)
        if z < low - tolerance || z > high + tolerance { return .offGrid }
        throw AnnotationError.lidcSliceNotFound(
            file: file, line: line, z: z,
            reason: "the nearest slice, k=\(best), is at z=\(slicePositions[best]) (tolerance \(tolerance) mm)")
    }
}
