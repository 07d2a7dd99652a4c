import Foundation

/// Dose, half-life and injection time from the RadiopharmaceuticalInformationSequence.
struct DecayInputs {
    let totalDose: Double
    let halfLife: Double
    let injection: DICOMDateTime
    let injectionSource: String

    init(_ ds: DICOMDataset, path: String) throws {
        guard let item = ds.sequence(.radiopharmaceuticalInformationSequence).first else {
            throw DICOMError.missingElement(path: path, tag: .radiopharmaceuticalInformationSequence, needed: "the injected dose and time (SUV)")
        }
        guard let dose = try item.double(.radionuclideTotalDose, path: path), dose > 0, dose.isFinite else {
            throw DICOMError.missingElement(path: path, tag: .radionuclideTotalDose, needed: "SUV (a positive dose in Bq)")
        }
        guard let halfLife = try item.double(.radionuclideHalfLife, path: path), halfLife > 0, halfLife.isFinite else {
            throw DICOMError.missingElement(path: path, tag: .radionuclideHalfLife, needed: "SUV decay correction (a positive half-life in s)")
        }
        totalDose = dose
        self.halfLife = halfLife
        if let dt = try item.dateTime(.radiopharmaceuticalStartDateTime, path: path) {
            injection = dt
            injectionSource = "RadiopharmaceuticalStartDateTime"
        } else {
            // The fallback of the vendor-neutral rules: the start time on the series date.
            guard let time = try item.time(.radiopharmaceuticalStartTime, path: path) else {
                throw DICOMError.missingElement(path: path, tag: .radiopharmaceuticalStartTime, needed: "the injection time (neither RadiopharmaceuticalStartDateTime nor StartTime is present)")
            }
            guard let date = try ds.date(.seriesDate, path: path) else {
                throw DICOMError.missingElement(path: path, tag: .seriesDate, needed: "the injection date (RadiopharmaceuticalStartTime without a date)")
            }
            injection = DICOMDateTime(date: date, time: time)
            injectionSource = "SeriesDate + RadiopharmaceuticalStartTime"
        }
    }
}

/// The scan time decay is corrected to, per the vendor-neutral rules.
enum ScanTime {
    /// Seconds since the epoch, one per instance, and the rule used.
    static func resolve(_ datasets: [DICOMDataset], halfLife: Double, path: String) throws -> (times: [Double], rule: String) {
        guard let first = datasets.first else { return ([], "") }
        guard let seriesDate = try first.date(.seriesDate, path: path), let seriesTime = try first.time(.seriesTime, path: path) else {
            throw DICOMError.missingElement(path: path, tag: .seriesTime, needed: "the SUV scan time (SeriesDate and SeriesTime)")
        }
        let series = DICOMDateTime(date: seriesDate, time: seriesTime).secondsSinceEpoch
        var acquisitions: [Double] = []
        for ds in datasets {
            guard let d = try ds.date(.acquisitionDate, path: path), let t = try ds.time(.acquisitionTime, path: path) else {
                throw DICOMError.missingElement(path: path, tag: .acquisitionTime, needed: "the SUV scan time (AcquisitionDate and AcquisitionTime)")
            }
            acquisitions.append(DICOMDateTime(date: d, time: t).secondsSinceEpoch)
        }
        guard let earliest = acquisitions.min() else { return ([], "") }
        if series <= earliest {
            return (Array(repeating: series, count: datasets.count), "SeriesDate/SeriesTime (not after any acquisition)")
        }
        // The series time is later than an acquisition (a post-processed or re-exported
        // series): back-compute the start from each frame when it says where its
        // average count rate sits, else take the earliest acquisition.
        var times: [Double] = []
        for (ds, acquisition) in zip(datasets, acquisitions) {
            let frameReference = try ds.double(.frameReferenceTime, path: path) ?? 0
            let duration = try ds.double(.actualFrameDuration, path: path) ?? 0
            guard frameReference > 0, duration > 0 else {
                return (Array(repeating: earliest, count: datasets.count), "earliest AcquisitionDate/AcquisitionTime (series time is later)")
            }
            let lambda = log(2) / halfLife
            let decayDuringFrame = lambda * duration / 1000
            let averageCountRateTime = log(decayDuringFrame / (1 - exp(-decayDuringFrame))) / lambda
            times.append(acquisition - frameReference / 1000 + averageCountRateTime)
        }
        return (times, "AcquisitionTime − FrameReferenceTime + average count-rate time (series time is later)")
    }
}
