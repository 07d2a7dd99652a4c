import Foundation

/// The body-weight SUV scale factor of a PET series and every input it came from:
/// `SUVbw = rescaled value × factor` (rescaled = stored × RescaleSlope + RescaleIntercept).
public struct SUVBodyWeight: Sendable, Equatable, Codable {
    /// The factor for the first instance (for all of them when `perInstanceFactors` is
    /// nil), in g/ml per rescaled unit.
    public let factor: Double
    /// One factor per instance, when they differ (scan time back-computed per bed).
    public let perInstanceFactors: [Double]?
    /// Which rule gave the factor: "BQML", "CNTS Philips SUV scale factor (7053,1000)",
    /// "CNTS Philips activity concentration scale factor (7053,1009)" or "GML".
    public let rule: String
    /// Units (0054,1001).
    public let units: String
    /// PatientWeight (0010,1030), kg.
    public let patientWeightKg: Double?
    /// RadionuclideTotalDose (0018,1074), Bq.
    public let injectedDoseBq: Double?
    /// RadionuclideHalfLife (0018,1075), s.
    public let halfLifeSeconds: Double?
    /// Injection time: RadiopharmaceuticalStartDateTime, or SeriesDate +
    /// RadiopharmaceuticalStartTime ("YYYYMMDD HH:MM:SS.fff").
    public let injectionDateTime: String?
    /// Where the injection time came from.
    public let injectionTimeSource: String?
    /// The scan time decay is corrected to (first instance).
    public let scanDateTime: String?
    /// Which rule chose the scan time: series time, earliest acquisition time, or
    /// acquisition time back-computed from FrameReferenceTime.
    public let scanTimeRule: String?
    /// Scan minus injection time, s (first instance).
    public let decayTimeSeconds: Double?
    /// Injected dose decayed to the scan time, Bq (first instance).
    public let decayedDoseBq: Double?
    /// Philips (7053,1000), when present.
    public let philipsSUVScaleFactor: Double?
    /// Philips (7053,1009), when present.
    public let philipsActivityConcentrationScaleFactor: Double?

    /// JSON keys: snake case, the factor as `suvbw_factor`.
    enum CodingKeys: String, CodingKey {
        case factor = "suvbw_factor", perInstanceFactors = "per_instance_factors", rule, units
        case patientWeightKg = "patient_weight_kg", injectedDoseBq = "injected_dose_bq", halfLifeSeconds = "half_life_s"
        case injectionDateTime = "injection_datetime", injectionTimeSource = "injection_time_source"
        case scanDateTime = "scan_datetime", scanTimeRule = "scan_time_rule", decayTimeSeconds = "decay_time_s"
        case decayedDoseBq = "decayed_dose_bq", philipsSUVScaleFactor = "philips_suv_scale_factor"
        case philipsActivityConcentrationScaleFactor = "philips_activity_concentration_scale_factor"
    }
}

/// The vendor-neutral body-weight SUV calculation (QIBA's "vendor-neutral pseudo-code
/// for SUV calculation", as in cornerstonejs/calculate-suv): decay correction from the
/// injection to the scan time for Units BQML, Philips private factors for CNTS, 1 for
/// GML. A missing or inconsistent input is an error, never a silent wrong number.
public enum SUVCalculator {
    /// The factor for the PET instances `datasets` (one series; any order).
    public static func bodyWeight(_ datasets: [DICOMDataset], path: String) throws -> SUVBodyWeight {
        guard let first = datasets.first else { throw DICOMError.invalidSeries(path, reason: "no PET instances") }
        let units = first.string(.units)?.uppercased() ?? ""
        let corrected = Set(first.strings(.correctedImage).map { $0.uppercased() })
        let philipsSUV = try philipsValue(first, element: 0x00, path: path)
        let philipsActivity = try philipsValue(first, element: 0x09, path: path)
        let weight = try first.double(.patientWeight, path: path)

        if units == "GML" {
            return SUVBodyWeight(factor: 1, perInstanceFactors: nil, rule: "GML", units: units, patientWeightKg: weight,
                                 injectedDoseBq: nil, halfLifeSeconds: nil, injectionDateTime: nil, injectionTimeSource: nil,
                                 scanDateTime: nil, scanTimeRule: nil, decayTimeSeconds: nil, decayedDoseBq: nil,
                                 philipsSUVScaleFactor: philipsSUV, philipsActivityConcentrationScaleFactor: philipsActivity)
        }
        if units == "CNTS", let philipsSUV {
            guard philipsSUV > 0, philipsSUV.isFinite else {
                throw DICOMError.invalidValue(path: path, tag: .philipsSUVScaleFactor, value: "\(philipsSUV)", expected: "a positive SUV scale factor")
            }
            return SUVBodyWeight(factor: philipsSUV, perInstanceFactors: nil, rule: "CNTS Philips SUV scale factor (7053,1000)", units: units,
                                 patientWeightKg: weight, injectedDoseBq: nil, halfLifeSeconds: nil, injectionDateTime: nil,
                                 injectionTimeSource: nil, scanDateTime: nil, scanTimeRule: nil, decayTimeSeconds: nil, decayedDoseBq: nil,
                                 philipsSUVScaleFactor: philipsSUV, philipsActivityConcentrationScaleFactor: philipsActivity)
        }
        guard units == "BQML" || (units == "CNTS" && philipsActivity != nil) else {
            throw DICOMError.invalidValue(path: path, tag: .units, value: units, expected: "BQML, GML, or CNTS with Philips (7053,1000) or (7053,1009)")
        }
        guard corrected.contains("ATTN"), corrected.contains("DECY") else {
            throw DICOMError.invalidValue(path: path, tag: .correctedImage, value: corrected.sorted().joined(separator: "\\"), expected: "ATTN and DECY (attenuation- and decay-corrected)")
        }
        guard first.string(.decayCorrection)?.uppercased() == "START" else {
            throw DICOMError.invalidValue(path: path, tag: .decayCorrection, value: first.string(.decayCorrection) ?? "", expected: "START (decay corrected to the scan start)")
        }
        let dose = try DecayInputs(first, path: path)
        guard let weight, weight > 0, weight < 1000 else {
            throw DICOMError.invalidValue(path: path, tag: .patientWeight, value: weight.map { "\($0)" } ?? "(missing)", expected: "a body weight in kg")
        }
        let scanTimes = try ScanTime.resolve(datasets, halfLife: dose.halfLife, path: path)
        let activityScale = units == "CNTS" ? (philipsActivity ?? 1) : 1
        var factors: [Double] = []
        var decayTimes: [Double] = []
        for scan in scanTimes.times {
            let decayTime = scan - dose.injection.secondsSinceEpoch
            guard decayTime >= 0, decayTime < 7 * 24 * 3600 else {
                throw DICOMError.invalidSeries(path, reason: "the scan time is \(decayTime) s after the injection (\(dose.injectionSource)); expected 0 s to 7 days")
            }
            let decayedDose = dose.totalDose * pow(2, -decayTime / dose.halfLife)
            factors.append(activityScale * weight * 1000 / decayedDose)
            decayTimes.append(decayTime)
        }
        let factor = factors[0]
        let varies = factors.contains { abs($0 - factor) > 1e-12 * abs(factor) }
        return SUVBodyWeight(factor: factor, perInstanceFactors: varies ? factors : nil,
                             rule: units == "CNTS" ? "CNTS Philips activity concentration scale factor (7053,1009)" : "BQML",
                             units: units, patientWeightKg: weight, injectedDoseBq: dose.totalDose, halfLifeSeconds: dose.halfLife,
                             injectionDateTime: format(dose.injection.secondsSinceEpoch), injectionTimeSource: dose.injectionSource,
                             scanDateTime: format(scanTimes.times[0]), scanTimeRule: scanTimes.rule, decayTimeSeconds: decayTimes[0],
                             decayedDoseBq: dose.totalDose * pow(2, -decayTimes[0] / dose.halfLife),
                             philipsSUVScaleFactor: philipsSUV, philipsActivityConcentrationScaleFactor: philipsActivity)
    }

    /// A Philips PET private value (7053,10xx), checked against its private creator.
    static func philipsValue(_ ds: DICOMDataset, element: UInt16, path: String) throws -> Double? {
        if let creator = ds.string(DICOMTag(0x7053, 0x0010)), !creator.lowercased().contains("philips") { return nil }
        return try ds.double(DICOMTag(0x7053, 0x1000 | element), path: path)
    }

    static func format(_ secondsSinceEpoch: Double) -> String {
        let days = Int((secondsSinceEpoch / 86400).rounded(.down))
        let s = secondsSinceEpoch - Double(days) * 86400
        let date = Date(timeIntervalSince1970: Double(days) * 86400)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd"
        let h = Int(s) / 3600, m = (Int(s) % 3600) / 60, sec = s - Double(h * 3600 + m * 60)
        return "\(f.string(from: date)) " + String(format: "%02d:%02d:%06.3f", h, m, sec)
    }
}
