import Foundation
import ImagingCore
import NoduleModels
import DICOM

/// A screening report back into DICOM over its source series: the nodule mask as a SEG
/// (a segment per finding, "nodule 1", "mass 2"…) and the findings as a TID 1500
/// measurement report SR referencing those segments. Glue between NoduleModels and DICOM,
/// so it lives in the umbrella.
public enum ScreeningDICOM {
    /// The files written.
    public struct Written: Sendable {
        public let segmentation: URL
        public let report: URL
        /// Everything to send to a PACS, SEG first.
        public var files: [URL] { [segmentation, report] }
    }

    /// Writes `folder/mask-seg.dcm` and `folder/findings-sr.dcm`; nil (nothing written)
    /// when the report has no finding.
    public static func write(_ report: ScreeningReport, source: DICOMSeries, to folder: URL) throws -> Written? {
        guard !report.nodules.isEmpty else { return nil }
        let segURL = folder.appendingPathComponent("mask-seg.dcm"), srURL = folder.appendingPathComponent("findings-sr.dcm")
        let segments = report.nodules.map { SegmentDescription(label: UInt8($0.label), name: "\($0.kind) \($0.label)",
                                                               typeCode: $0.isMass ? ("4147007", "SCT", "Mass") : ("27925004", "SCT", "Nodule")) }
        try SegmentationWriter.write(report.mask, source: source, segments: segments, to: segURL)
        try MeasurementReportWriter.write(findings(of: report), source: source, segmentation: segURL, to: srURL)
        return Written(segmentation: segURL, report: srURL)
    }

    /// The report's nodules as measurement report findings, in order: finding n is segment
    /// n of the SEG `write` makes. The site is the lung the centre lies in, when the lungs
    /// were segmented.
    public static func findings(of report: ScreeningReport) -> [MeasurementReportFinding] {
        let longAxes = report.mask.longAxes()
        return report.nodules.enumerated().map { n, nodule in
            MeasurementReportFinding(trackingIdentifier: "\(nodule.kind) \(nodule.label)", kind: nodule.isMass ? .mass : .nodule,
                                     site: report.lungs.map { site(of: nodule.center, in: $0) }, centerLPS: nodule.center,
                                     longAxisMM: longAxes[UInt8(nodule.label)] ?? 0, equivalentDiameterMM: nodule.equivalentDiameterMM,
                                     volumeMM3: nodule.volumeMM3, malignancy: nodule.malignancy, segmentNumber: n + 1)
        }
    }

    static func site(of point: Vector3, in lungs: LungMask) -> MeasurementReportFinding.Site {
        let index = lungs.labels.geometry.worldToIndex(point)
        guard lungs.labels.size.contains(index) else { return .lung }
        switch lungs.labels[index] {
        case LungMask.rightLung: return .rightLung
        case LungMask.leftLung: return .leftLung
        default: return .lung
        }
    }
}
