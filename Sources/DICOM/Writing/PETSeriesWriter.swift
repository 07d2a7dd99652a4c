import Foundation
import ImagingCore

/// The acquisition a PET series records: who was injected with what, and when.
public struct PETAcquisition: Sendable {
    /// PatientWeight (kg).
    public var patientWeightKg = 75.0
    /// RadionuclideTotalDose (Bq) at the injection.
    public var injectedDoseBq = 370e6
    /// RadionuclideHalfLife (s): F-18.
    public var halfLifeSeconds = 6586.2
    /// Injection date and time (UTC), and how long after it the scan starts (s).
    public var injection = Date(timeIntervalSince1970: 1_767_258_000)   // 2026-01-01 09:00 UTC
    public var uptakeSeconds = 3600.0
    public init() {}

    /// The injected dose decayed to the scan start (Bq).
    public var decayedDoseBq: Double { injectedDoseBq * pow(2, -uptakeSeconds / halfLifeSeconds) }
    /// Bq/mL per SUV (body weight): activity concentration = SUV × decayed dose / weight (g).
    public var bqmlPerSUV: Double { decayedDoseBq / (patientWeightKg * 1000) }
}

/// Writes a Float volume of body-weight SUV as a PET series in Bq/mL: one file per
/// k-slice, Units BQML, CorrectedImage ATTN\DECY, DecayCorrection START, the
/// RadiopharmaceuticalInformationSequence (F-18 FDG, dose, half-life, start date and time)
/// and PatientWeight, each slice stored as unsigned 16 bits with its own RescaleSlope, so
/// the vendor-neutral SUV rule (`SUVCalculator`) reads the SUV back.
public enum PETSeriesWriter {
    /// Writes `suv` into `folder` as `slice-00000.dcm`…; the direction must be right-handed
    /// (as for CT). `identity` carries the patient, study and this series' own frame of reference.
    @discardableResult
    public static func write(_ suv: Volume<Float>, to folder: URL, identity: DICOMIdentity = DICOMIdentity(),
                             acquisition: PETAcquisition = .init(), seriesDescription: String = "NoduleKit PET",
                             seriesNumber: Int = 2, seriesInstanceUID: String = DICOMUID.make()) throws -> CTSeriesWriter.Result {
        let g = suv.geometry
        try g.validate()
        let row = g.direction.column(0), column = g.direction.column(1), normal = g.direction.column(2)
        guard dot(cross(row, column), normal) > 0 else {
            throw DICOMError.writeFailed(path: folder.path, reason: "the direction matrix is left-handed; DICOM readers would reverse k")
        }
        guard g.size.i <= 65535, g.size.j <= 65535, suv.channelCount == 1 else {
            throw DICOMError.writeFailed(path: folder.path, reason: "a PET series needs one channel and slices of at most 65535 pixels")
        }
        let (day, time) = DICOMClock.dateAndTime(acquisition.injection.addingTimeInterval(acquisition.uptakeSeconds))
        let (injectionDay, injectionTime) = DICOMClock.dateAndTime(acquisition.injection)
        let scale = acquisition.bqmlPerSUV
        let perSlice = g.size.sliceCount
        var files: [URL] = [], uids: [String] = []
        let radiopharmaceutical = DICOMDataset(elements: [
            .text(DICOMTag(0x0018, 0x0031), "LO", "Fluorodeoxyglucose F^18^"),                  // Radiopharmaceutical
            .text(.radiopharmaceuticalStartTime, "TM", injectionTime),
            .text(.radiopharmaceuticalStartDateTime, "DT", injectionDay + injectionTime),
            .decimals(.radionuclideTotalDose, [acquisition.injectedDoseBq]),
            .decimals(.radionuclideHalfLife, [acquisition.halfLifeSeconds]),
            .decimals(DICOMTag(0x0018, 0x1076), [0.9673]),                                     // RadionuclidePositronFraction
            .code(DICOMTag(0x0054, 0x0300), value: "77004003", scheme: "SCT", meaning: "^18^Fluorine"),   // RadionuclideCodeSequence
            .code(DICOMTag(0x0054, 0x0304), value: "35321007", scheme: "SCT", meaning: "Fluorodeoxyglucose F^18^"), // RadiopharmaceuticalCodeSequence
        ])
        for k in 0..<g.size.k {
            let sop = DICOMUID.make()
            let position = g.origin + normal * (Double(k) * g.spacing.z)
            let values = suv.voxels[(k * perSlice)..<((k + 1) * perSlice)].map { max(0, Double($0)) * scale }
            let slope = max(values.max() ?? 0, 1e-6) / 65535
            let pixels = values.flatMap { v -> [UInt8] in
                let u = UInt16(max(0, min(65535, (v / slope).rounded())))
                return [UInt8(u & 0xFF), UInt8(u >> 8)]
            }
            let ds = DICOMDataset(elements: identity.elements + [
                .text(.sopClassUID, "UI", "1.2.840.10008.5.1.4.1.1.128"), .text(.sopInstanceUID, "UI", sop),
                .text(.seriesInstanceUID, "UI", seriesInstanceUID), .text(.modality, "CS", "PT"),
                .text(.seriesDescription, "LO", seriesDescription), .integers(.seriesNumber, [seriesNumber]),
                .text(.seriesDate, "DA", day), .text(.seriesTime, "TM", time),
                .text(.acquisitionDate, "DA", day), .text(.acquisitionTime, "TM", time),
                .text(DICOMTag(0x0018, 0x0015), "CS", "CHEST"),   // PatientPosition is absent: the orientation code sequences stand in
                .text(.manufacturer, "LO", "NoduleKit"),
                .decimals(.patientWeight, [acquisition.patientWeightKg]),
                .integers(.instanceNumber, [k + 1]), .text(.imageType, "CS", ["DERIVED", "PRIMARY"]),
                .decimals(.imagePositionPatient, [position.x, position.y, position.z]),
                .decimals(.imageOrientationPatient, [row.x, row.y, row.z, column.x, column.y, column.z]),
                .decimals(.pixelSpacing, [g.spacing.y, g.spacing.x]), .decimals(.sliceThickness, [g.spacing.z]),
                .uint16(.samplesPerPixel, [1]), .text(.photometricInterpretation, "CS", "MONOCHROME2"),
                .uint16(.rows, [UInt16(clamping: g.size.j)]), .uint16(.columns, [UInt16(clamping: g.size.i)]),
                .uint16(.bitsAllocated, [16]), .uint16(.bitsStored, [16]), .uint16(.highBit, [15]), .uint16(.pixelRepresentation, [0]),
                .decimals(.rescaleIntercept, [0]), .decimals(.rescaleSlope, [slope]),
                // PET Series, PET Isotope and PET Image modules (PS3.3 C.8.9.1, C.8.9.2, C.8.9.4).
                .text(.units, "CS", "BQML"), .text(DICOMTag(0x0054, 0x1002), "CS", "EMISSION"),          // CountsSource
                .text(DICOMTag(0x0054, 0x1000), "CS", ["STATIC", "IMAGE"]),                            // SeriesType
                .text(.correctedImage, "CS", ["ATTN", "DECY"]), .text(.decayCorrection, "CS", "START"),
                .text(DICOMTag(0x0018, 0x1181), "CS", "NONE"),                                          // CollimatorType
                .uint16(DICOMTag(0x0054, 0x0081), [UInt16(clamping: g.size.k)]),                                        // NumberOfSlices
                .sequence(.radiopharmaceuticalInformationSequence, [radiopharmaceutical]),
                .decimals(.frameReferenceTime, [0]), .uint16(DICOMTag(0x0054, 0x1330), [UInt16(clamping: k + 1)]),     // ImageIndex
                .integers(.actualFrameDuration, [180_000]), .decimals(.decayFactor, [1]),
                .sequence(DICOMTag(0x0054, 0x0410), []), .sequence(DICOMTag(0x0054, 0x0414), []),       // PatientOrientation(Modifier)CodeSequence
                .binary(.pixelData, "OW", pixels),
            ])
            let url = folder.appendingPathComponent(String(format: "slice-%05d.dcm", k))
            try ds.write(to: url)
            files.append(url)
            uids.append(sop)
        }
        return CTSeriesWriter.Result(seriesInstanceUID: seriesInstanceUID, files: files, sopInstanceUIDs: uids)
    }
}
