import Foundation
import ImagingCore

extension DICOMSeries {
    /// The body-weight SUV factor of this PET series (instances in slice order).
    public func suvBodyWeight() throws -> SUVBodyWeight {
        let ordered = stack?.slices ?? files
        return try SUVCalculator.bodyWeight(ordered.map(\.dataset), path: id)
    }

    /// The PET series as a `Float` volume in SUV body-weight: each slice's rescaled
    /// values times its factor.
    public func loadSUVVolume(options: SeriesLoadOptions = .init(), progress: any ProgressReporter = SilentProgress()) throws -> Volume<Float> {
        let stack = try assemblableStack(options)
        let suv = try SUVCalculator.bodyWeight(stack.slices.map(\.dataset), path: id)
        let factors = suv.perInstanceFactors ?? Array(repeating: suv.factor, count: stack.slices.count)
        var volume = try loadFloat(stack: stack, factors: factors, progress: progress)
        Self.correctTilt(&volume, stack, options)
        return volume
    }
}

extension SUVCalculator {
    /// The factor for a PET file, or for the only PET series under a folder.
    public static func bodyWeight(at url: URL) throws -> SUVBodyWeight {
        let scan = try SeriesScanner.scan(url)
        let pet = scan.series.filter { $0.modality == "PT" }
        guard pet.count == 1, let series = pet.first else {
            let found = scan.series.map { "\($0.id) (\($0.modality))" }.joined(separator: ", ")
            throw DICOMError.invalidSeries(url.path, reason: pet.isEmpty ? "no PET (Modality PT) series found\(found.isEmpty ? "" : "; found \(found)")" : "holds \(pet.count) PET series: \(found)")
        }
        return try series.suvBodyWeight()
    }
}
