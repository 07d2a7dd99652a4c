import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit phantom`: synthetic chest CTs in LUNA16 layout, with their annotations.
struct PhantomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Write deterministic synthetic chest CTs (<seriesuid>.mhd) and a matching annotations.csv.")

    @Option(help: "Folder to write into.")
    var output: String

    @Flag(help: "Write the SampleData set (three scans, one oblique, two compressed) and ignore the size options.")
    var sampleSet = false

    @Option(help: "How many scans.") var count = 1
    @Option(help: "Voxels along i, j, k, as I,J,K.") var size = "128,128,80"
    @Option(help: "Spacing in mm, as X,Y,Z.") var spacing = "0.7,0.7,2.5"
    @Option(help: "Nodules per scan.") var nodules = 4
    @Option(help: "Seed; the same seed writes the same scans.") var seed: UInt64 = 1
    @Flag(help: "Compress the voxels (.zraw).") var compress = false
    @Option(help: "mhd (MetaImage, LUNA16 layout) or dicom (a CT series folder per scan).")
    var format = "mhd"
    @Flag(help: "Label each scan benign or malignant (alternating) and draw lesions of that kind; writes labels.csv.")
    var labelled = false
    @Option(help: "chest (heart, aorta, spine, ribs, liver, stomach, airways, vessel trees) or simple (body, lungs, vessels; the SampleData set).")
    var anatomy = "chest"
    @Option(help: "generated (spheres, lobules, spicules by kind) or lidc (real LIDC-IDRI nodules from --lidc-xml, each used once; with --labelled, of the patient's label).")
    var lesions = "generated"
    @Option(help: "Folder of LIDC <patient>.xml + <patient>.grid.json (make test-data writes .testdata/lidc-lesions).")
    var lidcXml: String?
    @Option(help: "Draw only from the LIDC patients of part I/N (another population takes another part).")
    var lidcPart = "0/1"
    @Option(help: "With --labelled --lesions lidc: the chance that each nodule after the first of a malignant patient is a benign one (a patient is labelled by its worst nodule); lesions.csv gives each nodule's own label.")
    var mixedFraction = 0.0
    @Flag(help: "Also write each scan's lesion label mask, <seriesuid>_mask.mhd (always with --lesions lidc).")
    var truthMasks = false
    @Flag(help: "Also write a PET of each scan (SUV, 4 mm, 6 mm FWHM, misaligned) as pet/<seriesuid>/pet.nii.gz (and a DICOM PET series in dicom/ with --format dicom), with truth.tfm and truth.json.")
    var pet = false
    @Option(help: "In-plane reconstruction kernel: soft (smoothing), standard (as drawn) or sharp (edge-enhancing, with overshoot).")
    var kernel = "standard"
    @Option(help: "Gaussian noise after the kernel, in HU (a hospital's low-dose scanner: 25–40).") var noiseHu = 15.0
    @OptionGroup var outputOptions: OutputOptions

    /// The specs, with real LIDC nodules dealt to them when `--lesions lidc`.
    func specs(progress: ProgressReporter) throws -> [PhantomSpec] {
        var specs = try specs()
        guard lesions == "lidc", let lidcXml else { return specs }
        let pool = try LidcLesionPool.load(from: URL(fileURLWithPath: lidcXml), progress: progress)
            .part(try Shard(parsing: lidcPart))
        if !outputOptions.quiet { print("lidc: \(pool.summary) in part \(lidcPart) of \(lidcXml)") }
        let dealt = try pool.deal(to: specs.map(\.lesionKind), perPatient: nodules, seed: seed, mixedFraction: mixedFraction)
        for n in specs.indices { specs[n].lidcLesions = dealt[n] }
        return specs
    }

    func specs() throws -> [PhantomSpec] {
        if sampleSet { return PhantomSpec.sampleSet }
        let s = size.split(separator: ",").compactMap { Int($0) }
        let d = spacing.split(separator: ",").compactMap { Double($0) }
        guard s.count == 3, s.allSatisfy({ $0 >= 8 && $0 <= 1024 }) else {
            throw ValidationError("--size must be I,J,K with each between 8 and 1024, got \(size)")
        }
        guard d.count == 3, d.allSatisfy({ $0 > 0 && $0 < 20 }) else {
            throw ValidationError("--spacing must be X,Y,Z in mm, each above 0 and below 20, got \(spacing)")
        }
        let reconstruction = PhantomReconstruction(kernel: PhantomReconstruction.Kernel(rawValue: kernel) ?? .standard, noiseHU: noiseHu)
        return (0..<count).map { n in
            var spec = PhantomSpec(size: GridSize(s[0], s[1], s[2]), spacing: Vector3(d[0], d[1], d[2]),
                                   noduleCount: nodules, seed: seed &+ UInt64(n) &* 7919, compress: compress,
                                   lesionKind: labelled ? (n % 2 == 0 ? .benign : .malignant) : nil,
                                   anatomy: PhantomAnatomy(rawValue: anatomy) ?? .chest)
            spec.reconstruction = reconstruction
            return spec
        }
    }

    func validate() throws {
        guard count >= 1, count <= 10_000 else { throw ValidationError("--count must be between 1 and 10000") }
        guard nodules >= 0, nodules <= 50 else { throw ValidationError("--nodules must be between 0 and 50") }
        guard format == "mhd" || format == "dicom" else { throw ValidationError("--format must be mhd or dicom") }
        guard PhantomAnatomy(rawValue: anatomy) != nil else { throw ValidationError("--anatomy must be chest or simple, got \(anatomy)") }
        guard PhantomReconstruction.Kernel(rawValue: kernel) != nil else {
            throw ValidationError("--kernel must be soft, standard or sharp, got \(kernel)")
        }
        guard noiseHu >= 0, noiseHu <= 500 else { throw ValidationError("--noise-hu must be between 0 and 500, got \(noiseHu)") }
        guard lesions == "generated" || lesions == "lidc" else { throw ValidationError("--lesions must be generated or lidc, got \(lesions)") }
        if lesions == "lidc" {
            guard !sampleSet else { throw ValidationError("--lesions lidc does not apply to --sample-set") }
            guard lidcXml != nil else { throw ValidationError("--lesions lidc needs --lidc-xml DIR") }
            guard nodules >= 1 else { throw ValidationError("--lesions lidc needs --nodules of at least 1") }
        }
        guard mixedFraction >= 0, mixedFraction <= 1 else { throw ValidationError("--mixed-fraction must be between 0 and 1, got \(mixedFraction)") }
        guard mixedFraction == 0 || (lesions == "lidc" && labelled) else {
            throw ValidationError("--mixed-fraction needs --labelled --lesions lidc")
        }
        _ = try Shard(parsing: lidcPart)
        _ = try specs()
    }

    func run() throws {
        let folder = URL(fileURLWithPath: output)
        let progress = TerminalProgress(label: "phantom", quiet: outputOptions.quiet)
        let specs = try specs(progress: TerminalProgress(label: "lidc", quiet: outputOptions.quiet))
        let masks = truthMasks || lesions == "lidc"
        let written = format == "dicom" ? try PhantomSet.writeDICOM(specs, to: folder, truthMasks: masks, progress: progress)
                                        : try PhantomSet.write(specs, to: folder, truthMasks: masks, progress: progress)
        print("wrote \(Set(written.map(\.seriesUID)).count) scans and \(written.count) nodules to \(folder.path)")
        guard pet else { return }
        let pets = try PhantomSet.writePET(specs, to: folder, dicom: format == "dicom", progress: progress)
        print("wrote \(pets.count) PET scans to \(folder.appendingPathComponent("pet").path)")
    }
}
