import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit pet-compare`: PET uptake under each CT lesion.
struct PetCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pet-compare",
        abstract: "Measure PET uptake (SUVmax, SUVmean, SUVpeak, MTV, TLG, status) under each lesion of a CT mask.",
        discussion: """
            The mask is a label map on the CT grid (--mask), or the mask.mha and findings.csv of \
            `nodulekit screen` (--findings; labels 1…n follow the findings' rows, whose malignancy joins the \
            table). The PET is read through --transform (CT world → PET world, as `register` writes), \
            registered first with --register, or taken as already aligned. Writes OUTPUT/pet_reference.csv, \
            OUTPUT/pet_reference.md and OUTPUT/lesion-<label>.png (axial, coronal and sagittal fusion in mm through \
            each lesion's centre, with an SUV colour bar).
            """)

    @Option(help: "The CT: file or DICOM folder.") var ct: String
    @Option(help: "The PET: file or DICOM folder (a PET series becomes SUV).") var pet: String
    @Option(help: "A lesion label map on the CT grid.") var mask: String?
    @Option(help: "A `screen` output folder (mask.mha and findings.csv).") var findings: String?
    @Option(help: "An ITK .tfm mapping CT-world points to PET-world points, or a DICOM Spatial Registration object (register --sro).") var transform: String?
    @Flag(help: "Register the PET to the CT first (Mattes MI, default settings).") var register = false
    @Option(help: "SUVmax at or above which a lesion is PET-positive.") var positiveSuv = 2.5
    @Option(help: "A normal-tissue reference region as a label map on the CT grid (see --reference-label).") var referenceMask: String?
    @Option(help: "The label of --reference-mask that marks the reference region.") var referenceLabel = 1
    @Option(help: "A normal-tissue reference region as a sphere X,Y,Z,R (CT world mm, LPS; radius mm), e.g. 3 cm in the liver.")
    var referenceSphere: String?
    @Option(help: "What the reference region is: liver or blood-pool.") var referenceName = "liver"
    @Flag(help: "Call a lesion positive when its SUVpeak ≥ 1.5 × reference SUVmean + 2 SD (PERCIST 1.0; needs a liver reference) instead of SUVmax ≥ --positive-suv.")
    var percist = false
    @Option(help: "Output folder.") var output: String

    func validate() throws {
        guard (mask == nil) != (findings == nil) else { throw ValidationError("give exactly one of --mask and --findings") }
        guard !(register && transform != nil) else { throw ValidationError("give --transform or --register, not both") }
        guard referenceMask == nil || referenceSphere == nil else { throw ValidationError("give --reference-mask or --reference-sphere, not both") }
        guard referenceSphere.map({ parsedList($0, Double.init)?.count == 4 && (parsedList($0, Double.init)?[3] ?? 0) > 0 }) ?? true else {
            throw ValidationError("--reference-sphere takes X,Y,Z,R in mm with R > 0, got \(referenceSphere ?? "")")
        }
        guard (1...255).contains(referenceLabel) else { throw ValidationError("--reference-label must be between 1 and 255") }
        guard referenceName == "liver" || referenceName == "blood-pool" else { throw ValidationError("--reference-name must be liver or blood-pool") }
        guard !percist || ((referenceMask != nil || referenceSphere != nil) && referenceName == "liver") else {
            throw ValidationError("--percist needs a liver reference region (--reference-mask or --reference-sphere, --reference-name liver)")
        }
    }

    func run() throws {
        let out = URL(fileURLWithPath: output)
        let ctVolume = try ImageInput.read(URL(fileURLWithPath: ct)).converted(to: Float.self)
        let petVolume = try ImageInput.readForRegistration(URL(fileURLWithPath: pet)).volume.converted(to: Float.self)
        let maskURL = mask.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: findings ?? "").appendingPathComponent("mask.mha")
        var labels = try ImageFile.read(maskURL).converted(to: UInt8.self)
        if labels.geometry != ctVolume.geometry { labels = labels.resampled(onto: ctVolume.geometry) }
        var malignancy: [Int: Double] = [:]
        if let findings {
            let table = try CSVTable(contentsOf: URL(fileURLWithPath: findings).appendingPathComponent("findings.csv"))
            let column = try table.column("malignancy")
            for (n, row) in table.rows.enumerated() where column < row.fields.count {
                if let m = Double(row.fields[column]) { malignancy[n + 1] = m }
            }
        }
        var t = try transform.map { try TransformInput.read(URL(fileURLWithPath: $0)) } ?? .identity
        if register {
            let result = try RigidRegistration().register(fixed: ctVolume, moving: petVolume)
            t = result.transform
            try TransformFile.write(t, to: out.appendingPathComponent("transform.tfm"))
            print(String(format: "registered: metric %.5f → %.5f, %@ (normalised MI %.4f, threshold %.4f)", result.initialMetric, result.metric,
                         result.convergence.rawValue, result.convergenceCheck.normalisedMutualInformation, result.convergenceCheck.threshold))
            if result.suspectedMisregistration {
                // Uptake read through a wrong transform would look like a real table.
                FileHandle.standardError.write(Data("error: suspected misregistration (\(result.convergence.explanation)): no table written; register with `nodulekit register` (--rotation-search, --initial-transform) and pass --transform\n".utf8))
                throw ExitCode(3)
            }
        }
        var settings = UptakeSettings()
        settings.positiveSUV = positiveSuv
        let reference = try measureReference(pet: petVolume, ct: ctVolume.geometry, transform: t)
        if let reference {
            print(String(format: "reference (%@): SUVmean %.2f, SD %.2f over %d voxels; PERCIST threshold %.2f",
                         reference.name, reference.suvMean, reference.suvSD, reference.voxels, reference.percistThreshold))
            if percist { settings.positiveSUV = reference.percistThreshold; settings.positiveMeasure = .suvPeak }
        }
        let lesions = try LesionUptakeCalculator.measure(pet: petVolume, mask: labels, transform: t, settings: settings)
        let table = UptakeTable(lesions: lesions, malignancy: malignancy, settings: settings, reference: reference)
        try AtomicFile.write(Data(table.csv.utf8), to: out.appendingPathComponent("pet_reference.csv"))
        try AtomicFile.write(Data(table.markdown.utf8), to: out.appendingPathComponent("pet_reference.md"))
        let petOnCT = TransformResampler.resample(petVolume, onto: ctVolume.geometry, through: t, interpolation: .linear, defaultValue: .nan)
        let window = -1000.0...400.0
        for l in lesions {
            // Axial, coronal and sagittal through the lesion's centre, in mm.
            let picture = TriPlanarFusion(fixed: ctVolume, overlay: petOnCT, through: l.centre, window: window,
                                          overlayRange: 0...max(5, l.suvMax.isNaN ? 5 : l.suvMax))
            try PNGWriter.writeRGB(picture.rgb, width: picture.width, height: picture.height, to: out.appendingPathComponent("lesion-\(l.label).png"))
            print(String(format: "lesion %d: d %.1f mm, SUVmax %.2f, SUVpeak %.2f, MTV41 %.2f mL, %@", l.label, l.diameterMM, l.suvMax, l.suvPeak, l.mtv41, l.status.rawValue))
        }
        print("table: \(out.appendingPathComponent("pet_reference.csv").path)")
    }

    /// The reference region's uptake, when one is given.
    private func measureReference(pet: Volume<Float>, ct: ImageGeometry, transform: RigidTransform) throws -> ReferenceUptake? {
        let region: ReferenceRegion
        if let referenceMask {
            var mask = try ImageInput.read(URL(fileURLWithPath: referenceMask)).converted(to: UInt8.self)
            if mask.geometry != ct { mask = mask.resampled(onto: ct) }
            region = .mask(mask, label: UInt8(referenceLabel))
        } else if let referenceSphere, let v = parsedList(referenceSphere, Double.init), v.count == 4 {
            region = .sphere(centre: Vector3(v[0], v[1], v[2]), radiusMM: v[3])
        } else {
            return nil
        }
        return try LesionUptakeCalculator.reference(pet: pet, region: region, ctGeometry: ct, transform: transform, name: referenceName)
    }
}
