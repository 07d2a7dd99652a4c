import Annotations
import Foundation
import ImagingCore

/// LUNA16's measure of a nodule detector: the free-response ROC. Findings are matched to
/// annotated nodules by LUNA16's rule — a finding detects a nodule when its centre lies
/// within the nodule's radius of the nodule's centre (world mm) — each nodule counts once
/// (by its best-scoring finding; further findings on it are neither hits nor false
/// positives), and a finding that detects no nodule is a false positive. Sensitivity is
/// read at 1/8, 1/4, 1/2, 1, 2, 4 and 8 false positives per scan; their mean is the CPM
/// (competition performance metric).
public struct FROCEvaluation: Sendable {
    /// One finding of one scan, with the confidence the curve sweeps.
    public struct Finding: Sendable, Equatable {
        public var seriesUID: String
        public var center: Vector3
        public var score: Double

        /// A finding at `center` (LPS mm) of scan `seriesUID`.
        public init(seriesUID: String, center: Vector3, score: Double) {
            self.seriesUID = seriesUID
            self.center = center
            self.score = score
        }
    }

    /// A point of the curve: false positives per scan and sensitivity at one threshold.
    public struct Point: Sendable, Equatable {
        public var falsePositivesPerScan: Double
        public var sensitivity: Double
        public var threshold: Double

        /// A point of the curve.
        public init(falsePositivesPerScan: Double, sensitivity: Double, threshold: Double) {
            self.falsePositivesPerScan = falsePositivesPerScan
            self.sensitivity = sensitivity
            self.threshold = threshold
        }
    }

    /// LUNA16's operating points (false positives per scan).
    public static let operatingPoints = [0.125, 0.25, 0.5, 1, 2, 4, 8]

    /// Scans, annotated nodules, findings.
    public let scanCount: Int
    public let noduleCount: Int
    public let findingCount: Int
    /// Nodules some finding detects at any threshold.
    public let detectedNodules: Int
    /// The curve, one point per distinct score, from the strictest threshold down.
    public let curve: [Point]
    /// Sensitivity at each of `operatingPoints` (the best reached without passing it).
    public let sensitivities: [Double]
    /// Per finding: whether it detects a nodule (nil when it only repeats a detected one).
    public let outcomes: [Bool?]

    /// The mean of `sensitivities`.
    public var cpm: Double { sensitivities.reduce(0, +) / Double(max(1, sensitivities.count)) }

    /// Matches `findings` of `scanCount` scans to `annotations` (nodules without a diameter
    /// cannot be matched and are an error, as the LUNA16 rule needs one).
    public init(findings: [Finding], annotations: [NoduleAnnotation], scanCount: Int) throws {
        for a in annotations where (a.diameterMM ?? 0) <= 0 {
            throw NoduleModelsError.invalidDataset(path: "annotations line \(a.line)",
                                                   reason: "nodule \(a.seriesUID) has no positive diameter, which the LUNA16 rule needs")
        }
        let byScan = Dictionary(grouping: annotations.indices, by: { annotations[$0].seriesUID })
        // Each finding: the nodules it falls in (LUNA16: centre within the radius).
        let order = findings.indices.sorted { findings[$0].score > findings[$1].score || (findings[$0].score == findings[$1].score && $0 < $1) }
        var detected = Set<Int>(), outcomes = [Bool?](repeating: false, count: findings.count)
        var curve: [Point] = []
        var falsePositives = 0
        for (position, f) in order.enumerated() {
            let finding = findings[f]
            let hits = (byScan[finding.seriesUID] ?? []).filter {
                length(annotations[$0].center - finding.center) <= (annotations[$0].diameterMM ?? 0) / 2
            }
            if hits.isEmpty {
                falsePositives += 1
                outcomes[f] = false
            } else if let new = hits.first(where: { !detected.contains($0) }) {
                detected.insert(new)
                outcomes[f] = true
            } else {
                outcomes[f] = nil
            }
            // A point once every finding of this score is counted.
            let last = position + 1 == order.count || findings[order[position + 1]].score < finding.score
            if last {
                curve.append(Point(falsePositivesPerScan: Double(falsePositives) / Double(max(1, scanCount)),
                                   sensitivity: Double(detected.count) / Double(max(1, annotations.count)), threshold: finding.score))
            }
        }
        self.scanCount = scanCount
        noduleCount = annotations.count
        findingCount = findings.count
        detectedNodules = detected.count
        self.curve = curve
        self.outcomes = outcomes
        sensitivities = Self.operatingPoints.map { rate in
            curve.filter { $0.falsePositivesPerScan <= rate }.map(\.sensitivity).max() ?? 0
        }
    }
}
