import ImagingCore

/// The nodules of one scan from its LIDC readings, and what could not be placed.
public struct LidcScanNodules: Sendable, Equatable {
    /// The readings' file.
    public var message: LidcReadMessage
    /// The nodules, labelled 1… in order.
    public var nodules: [LidcNodule]
    /// Contoured readings none of whose ROIs lies on the grid (e.g. a slab of the series).
    public var offGridReadings: [LidcReading]
    /// ROIs of contoured readings, and how many of them lie off the grid.
    public var roiCount: Int
    public var offGridROICount: Int
    /// Readings left out as nodules < 3 mm: points, or unrated (pylidc's rule).
    public var smallNoduleCount: Int
}

/// Turns a scan's LIDC readings into nodules on its grid: each reading rasterised with
/// pylidc's rule, the readings grouped with pylidc's clustering, and each group's
/// consensus mask at an agreement level (0.5: a voxel is in when at least half the readers
/// who marked the nodule include it, as `pylidc.utils.consensus(clevel=0.5)`).
public struct LidcNoduleBuilder: Sendable {
    /// The fraction of a nodule's readers that must include a voxel, in (0, 1].
    public var agreement: Double
    /// The clustering tolerance (index units); nil takes the slice spacing, as pylidc
    /// takes the slice thickness.
    public var clusterTolerance: Double?
    /// Only this reader's marks (1-based session number), each reading its own nodule.
    public var reader: Int?
    /// How far (mm) an ROI's z may be from its slice's; nil: a tenth of the slice step.
    public var sliceTolerance: Double?

    /// A builder; the defaults are pylidc's.
    public init(agreement: Double = 0.5, clusterTolerance: Double? = nil, reader: Int? = nil, sliceTolerance: Double? = nil) {
        self.agreement = agreement
        self.clusterTolerance = clusterTolerance
        self.reader = reader
        self.sliceTolerance = sliceTolerance
    }

    /// The nodules of `message` on `geometry`; `sopInstanceUIDs[k]` is slice k's UID where
    /// known (DICOM scans), so ROIs are matched by UID before z.
    public func nodules(in message: LidcReadMessage, geometry: ImageGeometry,
                        sopInstanceUIDs: [String?] = []) throws -> LidcScanNodules {
        let locator = LidcSliceLocator(geometry: geometry, sopInstanceUIDs: sopInstanceUIDs, tolerance: sliceTolerance)
        let rasterizer = LidcContourRasterizer(geometry: geometry, locator: locator, file: message.file)
        var readings = message.contouredReadings
        if let reader { readings = readings.filter { $0.reader == reader } }
        let masks = try readings.map { try rasterizer.mask(of: $0) }
        let placed = masks.filter { !$0.contourPoints.isEmpty }
        let groups: [[Int]]
        if reader != nil {
            groups = placed.indices.map { [$0] }
        } else {
            groups = LidcClustering.groups(placed.map(\.contourPoints), tolerance: clusterTolerance ?? geometry.spacing.z)
        }
        let nodules = groups.enumerated().map { n, group in
            nodule(label: n + 1, readings: group.map { placed[$0] }, geometry: geometry)
        }
        let small = message.sessions.flatMap(\.readings).filter { !$0.isRatedNodule && (reader == nil || $0.reader == reader) }
        return LidcScanNodules(message: message, nodules: nodules,
                               offGridReadings: masks.filter { $0.contourPoints.isEmpty }.map(\.reading),
                               roiCount: masks.reduce(0) { $0 + $1.roiSlices.count },
                               offGridROICount: masks.reduce(0) { $0 + $1.offGridROICount },
                               smallNoduleCount: small.count)
    }

    /// One nodule from its readers' masks.
    func nodule(label: Int, readings: [LidcReadingMask], geometry: ImageGeometry) -> LidcNodule {
        let consensus = Self.consensus(readings.map(\.mask), agreement: agreement)
        let voxels = consensus.voxels
        var centre = Vector3.zero
        if voxels.isEmpty {
            let points = readings.flatMap(\.contourPoints)
            for p in points { centre += Vector3(Double(p.i), Double(p.j), Double(p.k)) }
            centre = centre / Double(max(points.count, 1))
        } else {
            for v in voxels { centre += Vector3(Double(v.i), Double(v.j), Double(v.k)) }
            centre = centre / Double(voxels.count)
        }
        let m = geometry.indexToWorldMatrix
        let voxelVolume = abs(m.determinant)
        let malignancy = LidcNodule.median(readings.compactMap { $0.reading.characteristics?.malignancy })
        return LidcNodule(label: label, readings: readings, agreement: agreement, consensus: consensus,
                          medianMalignancy: malignancy, centreIndex: centre,
                          centreWorld: geometry.continuousIndexToWorld(centre),
                          volumeMM3: Double(voxels.count) * voxelVolume)
    }

    /// The voxels that at least `agreement` of `masks` include (the fraction compared as
    /// numpy's mean of booleans is: count / n ≥ agreement), over the masks' joint box.
    public static func consensus(_ masks: [BoxMask], agreement: Double) -> BoxMask {
        let nonEmpty = masks.filter { $0.size.i > 0 && $0.size.j > 0 && $0.size.k > 0 }
        guard let first = nonEmpty.first else { return .empty }
        var lo = first.lower
        var hi = VoxelIndex(first.lower.i + first.size.i - 1, first.lower.j + first.size.j - 1, first.lower.k + first.size.k - 1)
        for b in nonEmpty.dropFirst() {
            lo = VoxelIndex(min(lo.i, b.lower.i), min(lo.j, b.lower.j), min(lo.k, b.lower.k))
            hi = VoxelIndex(max(hi.i, b.lower.i + b.size.i - 1), max(hi.j, b.lower.j + b.size.j - 1), max(hi.k, b.lower.k + b.size.k - 1))
        }
        let size = GridSize(hi.i - lo.i + 1, hi.j - lo.j + 1, hi.k - lo.k + 1)
        var counts = Array(repeating: 0, count: size.voxelCount)
        for b in nonEmpty {
            for v in b.voxels { counts[((v.k - lo.k) * size.j + (v.j - lo.j)) * size.i + (v.i - lo.i)] += 1 }
        }
        var out = BoxMask(lower: lo, size: size)
        let n = Double(masks.count)
        for (offset, c) in counts.enumerated() where c > 0 && Double(c) / n >= agreement { out.bits[offset] = true }
        return out
    }

    /// A label mask on `geometry`: nodule n's consensus voxels hold n (later nodules win
    /// where consensus masks overlap). More than 255 nodules is an error.
    public static func labelMask(_ nodules: [LidcNodule], geometry: ImageGeometry, seriesUID: String) throws -> Volume<UInt8> {
        guard nodules.count <= 255 else { throw AnnotationError.tooManyLabels(seriesUID: seriesUID, count: nodules.count) }
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        let size = geometry.size
        mask.withUnsafeMutableVoxels { buffer in
            for nodule in nodules {
                for v in nodule.consensus.voxels where size.contains(v) {
                    buffer[size.linearOffset(v)] = UInt8(nodule.label)
                }
            }
        }
        return mask
    }
}
