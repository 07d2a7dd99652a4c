import Foundation

/// The PET reference comparison as `pet_reference.csv` and `pet_reference.md`: one row per
/// lesion, with the cascade's malignancy when it is known.
public struct UptakeTable: Sendable {
    public var lesions: [LesionUptake]
    /// Malignancy (0…1) by label, from `screen`'s findings.
    public var malignancy: [Int: Double]
    public var settings: UptakeSettings
    /// The normal-tissue reference (liver or blood pool), when one was measured.
    public var reference: ReferenceUptake?

    public init(lesions: [LesionUptake], malignancy: [Int: Double] = [:], settings: UptakeSettings = .init(), reference: ReferenceUptake? = nil) {
        self.lesions = lesions; self.malignancy = malignancy; self.settings = settings; self.reference = reference
    }

    static let header = ["label", "coordX", "coordY", "coordZ", "diameter_mm", "volume_ml", "suv_max", "suv_mean", "suv_peak",
                         "mtv41_ml", "tlg41", "mtv2.5_ml", "tlg2.5", "hotspot_distance_mm", "pet_status", "malignancy"]

    private static func number(_ v: Double) -> String { v.isNaN ? "" : String(format: "%.4f", v) }

    /// Comma-separated text with a header row.
    public var csv: String {
        var lines = [Self.header.joined(separator: ",")]
        for l in lesions {
            let fields = [String(l.label), Self.number(l.centre.x), Self.number(l.centre.y), Self.number(l.centre.z),
                          Self.number(l.diameterMM), Self.number(l.volumeML), Self.number(l.suvMax), Self.number(l.suvMean),
                          Self.number(l.suvPeak), Self.number(l.mtv41), Self.number(l.tlg41), Self.number(l.mtvAbsolute),
                          Self.number(l.tlgAbsolute), Self.number(l.hotSpotDistanceMM), l.status.rawValue,
                          malignancy[l.label].map(Self.number) ?? ""]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Markdown report: the table, the rule, and the agreement with the cascade.
    public var markdown: String {
        var text = "# PET reference comparison\n\n"
        text += "| label | centre (mm) | d (mm) | SUVmax | SUVmean | SUVpeak | MTV41 (mL) | TLG41 | status | malignancy |\n"
        text += "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        for l in lesions {
            let centre = String(format: "%.1f, %.1f, %.1f", l.centre.x, l.centre.y, l.centre.z)
            let m = malignancy[l.label].map { String(format: "%.2f", $0) } ?? "–"
            text += "| \(l.label) | \(centre) | \(String(format: "%.1f", l.diameterMM)) | \(Self.short(l.suvMax)) | \(Self.short(l.suvMean)) | "
                + "\(Self.short(l.suvPeak)) | \(Self.short(l.mtv41)) | \(Self.short(l.tlg41)) | \(l.status.rawValue) | \(m) |\n"
        }
        if let r = reference {
            text += String(format: "\nReference (%@): SUVmean %.2f, SD %.2f over %d voxels (%.1f mL); PERCIST threshold 1.5 × mean + 2 SD = %.2f.\n",
                           r.name, r.suvMean, r.suvSD, r.voxels, r.volumeML, r.percistThreshold)
        }
        text += "\nRule: positive when \(settings.positiveMeasure.rawValue) ≥ \(String(format: "%.2f", settings.positiveSUV)) within d/2 + \(settings.marginMM) mm of the lesion centre; "
            + "indeterminate when not positive and d < \(settings.indeterminateBelowMM) mm; outside-fov when the centre maps outside the PET.\n"
        let judged = lesions.filter { malignancy[$0.label] != nil && ($0.status == .positive || $0.status == .negative) }
        if !judged.isEmpty {
            let agree = judged.filter { (malignancy[$0.label] ?? 0) > 0.5 ? $0.status == .positive : $0.status == .negative }.count
            text += "\nCascade malignant (> 0.5) against PET positive: \(agree) of \(judged.count) lesions with a definite PET reading agree.\n"
        }
        return text
    }

    private static func short(_ v: Double) -> String { v.isNaN ? "–" : String(format: "%.2f", v) }
}
