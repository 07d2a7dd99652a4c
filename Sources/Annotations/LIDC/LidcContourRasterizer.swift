import ImagingCore

/// One reading's mask on a scan's grid, with what fell off the grid.
public struct LidcReadingMask: Sendable, Equatable {
    /// The reading drawn.
    public var reading: LidcReading
    /// Its voxels.
    public var mask: BoxMask
    /// The k-slice of each outlined ROI (`outlinedROIs`; nil when it lies off the grid).
    public var roiSlices: [Int?]
    /// One-point ROIs left out (stray marks).
    public var strayPointCount: Int
    /// Its contour points (the edgeMap pixels that fall inside the grid) as grid indices:
    /// what pylidc's clustering measures distances between.
    public var contourPoints: [VoxelIndex]

    /// The ROIs drawn: those with an outline of two points or more, in file order.
    public var outlinedROIs: [LidcROI] { reading.rois.filter(\.hasOutline) }

    /// ROIs that lie beyond the scan's first or last slice.
    public var offGridROICount: Int { roiSlices.filter { $0 == nil }.count }
}

/// Fills LIDC contours on a scan's grid with pylidc 0.2.3's rule
/// (`Annotation.boolean_mask()`), so our masks equal the reference ones voxel for voxel.
///
/// That rule: on each slice, each inclusion contour (its pixel chain, closed back to its
/// first point) is filled by matplotlib's `Path.contains_points` — the even-odd crossing
/// test of Eric Haines' "crossings multiply" algorithm, run with pylidc's (row, column)
/// points, i.e. the ray is cast along j — and OR-ed into the slice, and then the
/// contour's own pixels are cleared. Exclusion contours then clear what they enclose and
/// their own pixels. A contour of fewer than three path vertices (after closing) fills
/// nothing, as in matplotlib. So a mask holds the pixels strictly inside the readers'
/// outlines: the outline pixels themselves are left out.
public struct LidcContourRasterizer: Sendable {
    /// Where each ROI's slice is.
    public var locator: LidcSliceLocator
    /// The scan's grid.
    public var geometry: ImageGeometry
    /// The XML file, for messages.
    public var file: String

    /// A rasteriser for one scan.
    public init(geometry: ImageGeometry, locator: LidcSliceLocator, file: String) {
        self.geometry = geometry
        self.locator = locator
        self.file = file
    }

    /// Draws one reading. One-point ROIs are dropped (pylidc's stray marks); ROIs off the
    /// grid are skipped and counted; a z inside the scan that matches no slice throws.
    public func mask(of reading: LidcReading) throws -> LidcReadingMask {
        let size = geometry.size
        var slices: [Int?] = []
        var contour: [VoxelIndex] = []
        let rois = reading.rois.filter(\.hasOutline)
        let stray = reading.rois.count - rois.count
        for roi in rois {
            switch try locator.locate(z: roi.imageZposition, sop: roi.imageSOPUID, file: file, line: roi.line) {
            case .slice(let k):
                slices.append(k)
                for p in roi.edgeMap where p.x < size.i && p.y < size.j { contour.append(VoxelIndex(p.x, p.y, k)) }
            case .offGrid:
                slices.append(nil)
            }
        }
        guard let iLo = contour.map(\.i).min(), let iHi = contour.map(\.i).max(),
              let jLo = contour.map(\.j).min(), let jHi = contour.map(\.j).max(),
              let kLo = contour.map(\.k).min(), let kHi = contour.map(\.k).max() else {
            return LidcReadingMask(reading: reading, mask: .empty, roiSlices: slices, strayPointCount: stray, contourPoints: contour)
        }
        var box = BoxMask(lower: VoxelIndex(iLo, jLo, kLo), size: GridSize(iHi - iLo + 1, jHi - jLo + 1, kHi - kLo + 1))
        // pylidc fills every inclusion contour (of every slice) first, then cuts holes.
        for pass in [true, false] {
            for (roi, slice) in zip(rois, slices) where roi.inclusion == pass {
                guard let k = slice else { continue }
                fill(roi.edgeMap, k: k, into: &box, inclusion: pass)
            }
        }
        return LidcReadingMask(reading: reading, mask: box, roiSlices: slices, strayPointCount: stray, contourPoints: contour)
    }

    /// Fills (or, for an exclusion, clears) one contour on slice `k` of `box`, then clears
    /// the contour's own pixels.
    func fill(_ points: [LidcPoint], k: Int, into box: inout BoxMask, inclusion: Bool) {
        let ring = Self.ring(points)
        let c = k - box.lower.k
        guard c >= 0, c < box.size.k else { return }
        let plane = c * box.size.j * box.size.i
        if !ring.isEmpty {
            // pylidc's points are (row, column): matplotlib's x is our j, its y our i.
            let vx = ring.map(\.y), vy = ring.map(\.x)
            var straddling: [(x0: Int, y0: Int, x1: Int, y1: Int, flag1: Bool)] = []
            for a in 0..<box.size.i {
                let ty = box.lower.i + a
                // The edges whose ends lie on both sides of this "row" decide every point
                // on it; which of them the +x ray hits depends on tx only.
                straddling.removeAll(keepingCapacity: true)
                for e in 0..<vx.count {
                    let n = e + 1 == vx.count ? 0 : e + 1
                    let flag0 = vy[e] >= ty, flag1 = vy[n] >= ty
                    if flag0 != flag1 { straddling.append((vx[e], vy[e], vx[n], vy[n], flag1)) }
                }
                guard !straddling.isEmpty else { continue }
                for b in 0..<box.size.j {
                    let tx = box.lower.j + b
                    var inside = false
                    for s in straddling where ((s.y1 - ty) * (s.x0 - s.x1) >= (s.x1 - tx) * (s.y0 - s.y1)) == s.flag1 {
                        inside.toggle()
                    }
                    let offset = plane + b * box.size.i + a
                    if inclusion {
                        if inside { box.bits[offset] = true }
                    } else if inside {
                        box.bits[offset] = false
                    }
                }
            }
        }
        for p in points {
            let (a, b) = (p.x - box.lower.i, p.y - box.lower.j)
            if a >= 0, b >= 0, a < box.size.i, b < box.size.j { box.bits[plane + b * box.size.i + a] = false }
        }
    }

    /// The polygon matplotlib tests: the chain closed back to its first point (a closing
    /// copy already present is dropped, as `Path(closed=True)` ignores its last vertex),
    /// or nothing when the closed path has fewer than three vertices.
    static func ring(_ points: [LidcPoint]) -> [LidcPoint] {
        guard let first = points.first, let last = points.last else { return [] }
        let closedCount = points.count + (first == last ? 0 : 1)
        guard closedCount >= 3 else { return [] }
        return first == last ? Array(points.dropLast()) : points
    }
}
