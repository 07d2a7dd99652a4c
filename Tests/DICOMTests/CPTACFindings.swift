import DICOM
import Foundation
import ImagingCore
import TestSupport

/// The CPTAC CT (99 slices, real patient identity, vendor private tags) with a SEG (one
/// 50-voxel segment on k = 40) and a TID 1500 SR over both, written by the toolkit into
/// `folder/seg/` — the de-identification tests' fixture.
struct CPTACFindings {
    let source: URL, findings: URL, seg: URL, sr: URL
    let series: DICOMSeries

    init(in folder: URL) throws {
        source = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        series = try SeriesScanner.scan(source).onlySeries(in: source.path)
        guard let geometry = series.stack?.geometry else { throw DICOMError.invalidSeries(source.path, reason: "no geometry") }
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for j in 250..<260 { for i in 250..<255 { mask[i, j, 40] = 1 } }
        findings = folder.appendingPathComponent("seg")
        try FileManager.default.createDirectory(at: findings, withIntermediateDirectories: true)
        seg = findings.appendingPathComponent("seg.dcm")
        try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "nodule")], to: seg)
        sr = findings.appendingPathComponent("sr.dcm")
        let center = geometry.continuousIndexToWorld(Vector3(252, 255, 40))
        try MeasurementReportWriter.write([MeasurementReportFinding(trackingIdentifier: "nodule 1", kind: .nodule, site: .rightLung, centerLPS: center,
                                                                    longAxisMM: 7, equivalentDiameterMM: 5, volumeMM3: 40, malignancy: 0.7, segmentNumber: 1)],
                                          source: series, segmentation: seg, to: sr)
    }
}
