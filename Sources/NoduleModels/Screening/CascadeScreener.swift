import Foundation
import ImagingCore
import NeuralNet

/// What the cascade found in one scan.
public struct ScreeningReport: Sendable {
    /// The slice-by-slice pass of the segmenter and the discriminator.
    public var screened: ScreenedScan
    /// Nodule probability per voxel, on the scan's own grid (geometry included).
    public var probabilities: Volume<Float>
    /// The nodules' labels (1…n, by decreasing size) on the scan's grid.
    public var mask: Volume<UInt8>
    /// The 3-D nodules, largest first, with their malignancy when a classifier ran.
    public var nodules: [ScreenedNodule]
    /// Malignant probability of each suspicious slice (when a classifier ran).
    public var sliceMalignancy: [Int: Double]
    /// How long each phase of the screening took (`ScreenedScan.stageSeconds`, then the
    /// probabilities back on the scan's grid, the 3-D nodules, the classifier).
    public var stageSeconds: [StageTime] = []
    /// The lung mask, when the cascade searched the lungs only.
    public var lungs: LungMask? { screened.lungs }
    /// The patient's malignancy: the highest of its nodules' and masses'; nil without
    /// findings or classifier.
    public var patientMalignancy: Double? { nodules.compactMap(\.malignancy).max() }
}

/// The whole cascade on one scan (the paper's Fig. 1): every slice through the segmenter,
/// the discriminator keeps the suspicious ones, their pairs go through the classifier; the
/// probabilities are mapped back onto the scan's grid and thresholded into 3-D nodules,
/// each measured in world millimetres and given the mean malignancy of the pairs centred on it,
/// one on each slice it covers.
public struct CascadeScreener {
    public var screener: SliceScreener
    /// The benign/malignant classifier; without one, nodules carry no malignancy.
    public var classifier: Classifier?
    /// Probability above which a voxel belongs to a nodule.
    public var pixelThreshold: Float
    /// Regions with fewer voxels are dropped as noise.
    public var minimumNoduleVoxels: Int
    /// Regions whose equivalent diameter is below this (mm) are dropped: LUNA16 and the
    /// Fleischner Society count nodules from 3 mm, and smaller specks are what a network
    /// trained on real lesions leaves along real vessels.
    public var minimumDiameterMM: Double
    /// Regions whose equivalent diameter passes this (mm) are masses, not nodules (the
    /// Fleischner Society's 3 cm line).
    public var massDiameterMM: Double
    /// When the lungs were searched, a region is kept only if its centre and at least this
    /// fraction of its voxels lie inside the lungs themselves (not only in the search
    /// margin): what lights up along the heart's or the chest wall's border, or curves
    /// around the hilum, is not a lung finding.
    public var minimumLungFraction: Double
    /// The vessel test: each finding's continuation is measured (on the CT, inside the lungs
    /// when they were segmented) and nodules above `maximumContinuation` are dropped as
    /// vessels or airway walls; masses are kept whatever it says. Nil measures nothing.
    public var continuation: StructureContinuation?
    /// Nodules whose continuation passes this are dropped (infinity keeps all, measured).
    public var maximumContinuation: Double

    /// A cascade; the classifier must take the screener's pairs (2 × S × S).
    public init(screener: SliceScreener, classifier: Classifier?, pixelThreshold: Float = 0.5, minimumNoduleVoxels: Int = 3,
                minimumDiameterMM: Double = 3, massDiameterMM: Double = 30, minimumLungFraction: Double = 0.5,
                continuation: StructureContinuation? = StructureContinuation(),
                maximumContinuation: Double = StructureContinuation.defaultMaximum) throws {
        if let classifier {
            try classifier.validateInput(shape: [1, 2, screener.sampler.size, screener.sampler.size])
        }
        self.screener = screener
        self.classifier = classifier
        self.pixelThreshold = pixelThreshold
        self.minimumNoduleVoxels = minimumNoduleVoxels
        self.minimumDiameterMM = minimumDiameterMM
        self.massDiameterMM = massDiameterMM
        self.minimumLungFraction = minimumLungFraction
        self.continuation = continuation
        self.maximumContinuation = maximumContinuation
    }

    /// Screens `volume`; `progress` counts slices.
    public func screen(_ volume: AnyVolume, progress: ProgressReporter = SilentProgress()) throws -> ScreeningReport {
        let screened = try screener.screen(volume, progress: progress)
        var clock = StageClock(total: 4)
        var probabilities = try Self.probabilityVolume(screened, on: volume.geometry)
        if let region = screened.searchRegion {
            // Bilinear resizing blurs the network-space region's edge: cut on the scan's grid too.
            region.withUnsafeVoxels { inside in
                probabilities.withUnsafeMutableVoxels { p in for n in p.indices where inside[n] == 0 { p[n] = 0 } }
            }
        }
        clock.mark("probabilities on the grid")
        var (nodules, mask) = ConnectedNodules.find(in: probabilities, threshold: pixelThreshold, minimumVoxels: minimumNoduleVoxels)
        if let lungs = screened.lungs, !nodules.isEmpty {
            let inside = ConnectedNodules.fractionInside(lungs.labels, mask: mask)
            let labels = lungs.labels
            (nodules, mask) = ConnectedNodules.filtered(nodules, mask: mask) { n in
                let centre = labels.geometry.worldToIndex(n.center)
                return inside[n.label] >= minimumLungFraction && labels.size.contains(centre) && labels[centre] != 0
            }
        }
        if minimumDiameterMM > 0, !nodules.isEmpty {
            (nodules, mask) = ConnectedNodules.filtered(nodules, mask: mask) { $0.equivalentDiameterMM >= minimumDiameterMM }
        }
        for n in nodules.indices { nodules[n].isMass = nodules[n].equivalentDiameterMM > massDiameterMM }
        clock.mark("3-D nodules")
        if let continuation, !nodules.isEmpty {
            let measured = try continuation.measure(nodules, mask: mask, ct: volume.converted(to: Int16.self),
                                                region: screened.lungs?.labels)
            for n in nodules.indices { nodules[n].continuation = measured[nodules[n].label] }
            (nodules, mask) = ConnectedNodules.filtered(nodules, mask: mask) { n in
                n.isMass || (n.continuation ?? 0) <= maximumContinuation
            }
            clock.mark("vessel test")
        }
        var sliceMalignancy: [Int: Double] = [:]
        if let classifier {
            let kept = screened.suspiciousSlices
            for start in stride(from: 0, to: kept.count, by: 16) {
                let batch = Array(kept[start..<min(start + 16, kept.count)])
                let inputs = try Tensor(shape: [batch.count, 2, screened.pairSize, screened.pairSize],
                                        scalars: batch.flatMap { screened.pair(slice: $0) })
                let p = try classifier.probabilities(inputs)
                for (b, k) in batch.enumerated() { sliceMalignancy[k] = Double(p.scalars[b * classifier.classCount + 1]) }
            }
            let malignancy = try NoduleCentredPairs.malignancy(of: nodules, mask: mask, screened: screened, classifier: classifier)
            for n in nodules.indices { nodules[n].malignancy = malignancy[nodules[n].label] }
            clock.mark("classifier")
        }
        mask.geometry = volume.geometry
        return ScreeningReport(screened: screened, probabilities: probabilities, mask: mask, nodules: nodules,
                               sliceMalignancy: sliceMalignancy, stageSeconds: screened.stageSeconds + clock.stages)
    }

    /// The screened probabilities (K × S × S) mapped back onto the scan's in-plane grid
    /// through the screening window (bilinear, pixel centres aligned as `SliceSampler`
    /// aligns them; 0 where the canvas did not reach).
    public static func probabilityVolume(_ screened: ScreenedScan, on geometry: ImageGeometry) throws -> Volume<Float> {
        let s = geometry.size, n = screened.size, window = screened.window
        guard screened.sliceCount == s.k, window.width == n, window.height == n else {
            throw NoduleModelsError.unsupportedInput(model: "CascadeScreener", expected: "\(s.k) screened slices",
                                                     found: [screened.sliceCount, n, n])
        }
        var out = [Float](repeating: 0, count: s.voxelCount)
        let edge = Double(n) - 0.5
        let xs = (0..<s.i).map { window.canvasPoint(i: Double($0), j: 0).x }
        let ys = (0..<s.j).map { window.canvasPoint(i: 0, j: Double($0)).y }
        screened.probabilities.withUnsafeBufferPointer { p in
            for k in 0..<s.k {
                let base = k * n * n
                for j in 0..<s.j where ys[j] >= -0.5 && ys[j] <= edge {
                    let fy = min(max(ys[j], 0), Double(n - 1))
                    let y0 = Int(fy), y1 = min(y0 + 1, n - 1), ty = Float(fy - Double(y0))
                    for i in 0..<s.i where xs[i] >= -0.5 && xs[i] <= edge {
                        let fx = min(max(xs[i], 0), Double(n - 1))
                        let x0 = Int(fx), x1 = min(x0 + 1, n - 1), tx = Float(fx - Double(x0))
                        let top = p[base + y0 * n + x0] * (1 - tx) + p[base + y0 * n + x1] * tx
                        let bottom = p[base + y1 * n + x0] * (1 - tx) + p[base + y1 * n + x1] * tx
                        out[(k * s.j + j) * s.i + i] = top * (1 - ty) + bottom * ty
                    }
                }
            }
        }
        return try Volume(geometry: geometry, voxels: out)
    }
}
