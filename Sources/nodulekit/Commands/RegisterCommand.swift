import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit register`: rigid Mattes MI registration of a moving image (PET) to a fixed one (CT).
struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Rigidly register a moving image (e.g. PET) to a fixed one (e.g. CT) by Mattes mutual information.",
        discussion: """
            Inputs are MetaImage/NIfTI files or DICOM series folders (a PET series becomes SUV). Writes \
            OUTPUT/transform.tfm (ITK Euler3DTransform, fixed world → moving world, readable by SimpleITK and \
            3D Slicer), OUTPUT/moving-on-fixed.mha (the moving image resampled onto the fixed grid), \
            OUTPUT/registration.json (metric, iterations, time, parameters), OUTPUT/convergence.png and \
            fusion pictures before and after (OUTPUT/fusion-before.png, OUTPUT/fusion-after.png: axial, coronal and \
            sagittal views in mm through the fixed image's centre). A result \
            that did not converge is written but flagged: when the final metric says the images are not lined \
            up (normalised mutual information below --minimum-nmi: a suspected misregistration) the command \
            prints an error and exits with status 3 after writing everything; a last level that ran out of \
            iterations or did not improve the metric is a warning (status 0).
            """)

    @Option(help: "The fixed image (CT): file or DICOM folder.") var fixed: String
    @Option(help: "The moving image (PET): file or DICOM folder.") var moving: String
    @Option(help: "Output folder.") var output: String
    @Option(help: "SeriesInstanceUID of the fixed series when its folder holds several.") var fixedSeries: String?
    @Option(help: "SeriesInstanceUID of the moving series when its folder holds several.") var movingSeries: String?
    @Option(help: "Start transform: geometry (image centres), moments (intensity centres of mass) or none (identity).")
    var initialise = "geometry"
    @Option(help: "A start transform (.tfm, fixed → moving) used instead of --initialise, e.g. a previous result.")
    var initialTransform: String?
    @Option(help: "Flag the result as a suspected misregistration (exit status 3) when its normalised mutual information 2·MI/(H fixed + H moving) is below this.")
    var minimumNmi = RigidRegistrationSettings().minimumNormalisedMutualInformation
    @Option(help: "A mask on the fixed grid (non-zero = sample there), e.g. the body or the lungs.") var mask: String?
    @Option(help: "Seed of the random samples.") var seed: UInt64 = 1
    @Option(help: "Histogram bins.") var bins = 50
    @Option(help: "Percentage of fixed voxels sampled per level.") var samplingPercentage = 1.0
    @Option(help: "Shrink factors, coarsest first.") var shrink = "4,2,1"
    @Option(help: "Gaussian smoothing per level, mm.") var smoothing = "2,1,0"
    @Flag(help: "Also search start rotations (±20° per axis, 10° steps) at the coarsest level: a wider capture range.")
    var rotationSearch = false
    @Option(help: "Fusion overlay: hot (PET on CT), red-cyan (like images) or auto (hot for SUV, or a non-negative image on a CT).")
    var overlay = "auto"
    @Flag(help: "Register even when both DICOM series share a FrameOfReferenceUID (otherwise the identity is used).")
    var force = false
    @Option(help: "Compute threads (the result does not depend on it).") var threads: Int?
    @Option(help: "Also write the result as a DICOM Spatial Registration object to this file (both inputs must be DICOM series).")
    var sro: String?
    @Option(help: "A known transform (.tfm, fixed → moving) to report the target registration error against (mean and largest mm over the fixed grid, or the --mask).")
    var truth: String?
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard overlay == "auto" || FusionStyle(rawValue: overlay) != nil else { throw ValidationError("--overlay must be auto, hot or red-cyan") }
        guard RegistrationInitialiser(rawValue: initialise) != nil else { throw ValidationError("--initialise must be geometry, moments or none") }
        guard minimumNmi >= 0, minimumNmi < 1 else { throw ValidationError("--minimum-nmi must be in [0, 1), got \(minimumNmi)") }
        guard parsedList(shrink, Int.init) != nil, parsedList(smoothing, Double.init) != nil else {
            throw ValidationError("--shrink and --smoothing take comma-separated numbers, e.g. 4,2,1 and 2,1,0")
        }
    }

    func run() throws {
        let out = URL(fileURLWithPath: output)
        var settings = RigidRegistrationSettings()
        settings.initialiser = RegistrationInitialiser(rawValue: initialise) ?? .geometry
        settings.seed = seed; settings.bins = bins; settings.samplingPercentage = samplingPercentage / 100
        settings.shrinkFactors = parsedList(shrink, Int.init) ?? settings.shrinkFactors
        settings.smoothingSigmas = parsedList(smoothing, Double.init) ?? settings.smoothingSigmas
        settings.rotationSearch = rotationSearch; settings.threads = threads
        settings.minimumNormalisedMutualInformation = minimumNmi
        settings.initialTransform = try initialTransform.map { try TransformFile.read(URL(fileURLWithPath: $0)) }
        let fixedInput = try ImageInput.readForRegistration(URL(fileURLWithPath: fixed), seriesUID: fixedSeries)
        let movingInput = try ImageInput.readForRegistration(URL(fileURLWithPath: moving), seriesUID: movingSeries)
        let known = try truth.map { try TransformFile.read(URL(fileURLWithPath: $0)) }
        if sro != nil, fixedInput.series == nil || movingInput.series == nil {
            throw ValidationError("--sro needs both inputs as DICOM series; \(fixedInput.series == nil ? fixed : moving) is not one")
        }
        let fixedVolume = fixedInput.volume, movingVolume = movingInput.volume, movingIsSUV = movingInput.isSUV
        if !force, let frame = fixedInput.frameOfReferenceUID, frame == movingInput.frameOfReferenceUID {
            // One frame of reference: the scanner already placed both in the same world.
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try TransformFile.write(.identity, to: out.appendingPathComponent("transform.tfm"))
            try ImageFile.write(movingVolume.resampled(onto: fixedVolume.geometry), to: out.appendingPathComponent("moving-on-fixed.mha"))
            let note = ["identity": "true", "frameOfReferenceUID": frame, "reason": "both series share one FrameOfReferenceUID; pass --force to register"]
            try AtomicFile.write(try JSONSerialization.data(withJSONObject: note, options: [.prettyPrinted, .sortedKeys]),
                                 to: out.appendingPathComponent("registration.json"))
            print("both series share FrameOfReferenceUID \(frame): the identity transform is used (pass --force to register anyway)")
            try writeSRO(fixedInput, movingInput, .identity)
            print("output: \(out.path)")
            return
        }
        let fixedFloat = fixedVolume.converted(to: Float.self), movingFloat = movingVolume.converted(to: Float.self)
        let maskVolume = try mask.map { path -> Volume<UInt8> in
            let m = try ImageInput.read(URL(fileURLWithPath: path)).converted(to: UInt8.self)
            return m.geometry == fixedFloat.geometry ? m : m.resampled(onto: fixedFloat.geometry)
        }
        let result = try RigidRegistration(settings: settings)
            .register(fixed: fixedFloat, moving: movingFloat, fixedMask: maskVolume, progress: TerminalProgress(label: "register", quiet: outputOptions.quiet))

        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try TransformFile.write(result.transform, to: out.appendingPathComponent("transform.tfm"))
        try ImageFile.write(movingVolume.resampled(onto: fixedFloat.geometry, through: result.transform),
                            to: out.appendingPathComponent("moving-on-fixed.mha"))
        var report = RegistrationReport(fixed: fixed, moving: moving, settings: settings, result: result)
        if let known {
            report.targetRegistrationError = TargetRegistrationError(estimate: result.transform, truth: known, over: fixedFloat.geometry, mask: maskVolume)
        }
        try AtomicFile.write(try report.json(), to: out.appendingPathComponent("registration.json"))
        try writePictures(fixed: fixedFloat, moving: movingFloat, movingIsSUV: movingIsSUV, result: result, to: out)
        try writeSRO(fixedInput, movingInput, result.transform)

        let a = result.transform.eulerAngles * (180 / .pi), t = result.transform.translation
        print(String(format: "metric %.5f → %.5f (Mattes MI, lower is better), iterations %@, %.1f s",
                     result.initialMetric, result.metric, result.iterations.map(String.init).joined(separator: "/"), result.seconds))
        print(String(format: "transform (fixed → moving): rotation %.3f° %.3f° %.3f° (%.3f° in all), translation %.2f %.2f %.2f mm",
                     a.x, a.y, a.z, result.transform.rotationAngleDegrees, t.x, t.y, t.z))
        print("samples: \(result.samplesInside) of \(result.samples) inside the moving image at the end")
        if let e = report.targetRegistrationError {
            print(String(format: "target registration error against %@: mean %.2f mm, largest %.2f mm over %d points", truth ?? "", e.meanMM, e.maximumMM, e.points))
        }
        let check = result.convergenceCheck
        print(String(format: "convergence: %@ (normalised MI %.4f, threshold %.4f)", result.convergence.rawValue,
                     check.normalisedMutualInformation, check.threshold))
        print("output: \(out.path)")
        if result.suspectedMisregistration {
            FileHandle.standardError.write(Data(String(format: "error: suspected misregistration: %@ (%.4f < %.4f); the result is written to %@ but transform.tfm should not be used: try --rotation-search, --initialise moments or --initial-transform, and look at fusion-after.png\n",
                                                       result.convergence.explanation, check.normalisedMutualInformation, check.threshold, out.path).utf8))
            throw ExitCode(3)
        }
        if !result.converged {
            FileHandle.standardError.write(Data("warning: the registration did not converge: \(result.convergence.explanation) (\(result.stopReasons.last ?? "")); check registration.json and the fusion pictures before trusting transform.tfm\n".utf8))
        }
    }

    private func writeSRO(_ fixed: RegistrationInput, _ moving: RegistrationInput, _ transform: RigidTransform) throws {
        guard let sro else { return }
        try RegistrationInput.writeSpatialRegistration(fixed: fixed, moving: moving, transform: transform, to: URL(fileURLWithPath: sro))
        print("spatial registration object: \(sro)")
    }

    private func writePictures(fixed: Volume<Float>, moving: Volume<Float>, movingIsSUV: Bool, result: RigidRegistrationResult, to out: URL) throws {
        let window = FusionPicture.percentileWindow(fixed)
        // PET as a hot map from 0 (SUV, or a non-negative image on a CT in HU); like images as
        // red against the fixed image's cyan.
        let looksLikePETOnCT = (fixed.voxels.min() ?? 0) < -500 && (moving.voxels.min() ?? 0) >= 0
        let style = FusionStyle(rawValue: overlay) ?? (movingIsSUV || looksLikePETOnCT ? .hot : .redCyan)
        let overlayRange = style == .hot ? 0...max(1, FusionPicture.percentileWindow(moving, low: 0, high: 0.995).upperBound)
            : FusionPicture.percentileWindow(moving)
        // Axial, coronal and sagittal through the fixed image's centre, in mm.
        let s = fixed.size
        let centre = fixed.geometry.continuousIndexToWorld(Vector3(Double(s.i - 1) / 2, Double(s.j - 1) / 2, Double(s.k - 1) / 2))
        for (name, transform) in [("fusion-before.png", result.initialTransform), ("fusion-after.png", result.transform)] {
            let overlay = TransformResampler.resample(moving, onto: fixed.geometry, through: transform, interpolation: .linear, defaultValue: .nan)
            let picture = TriPlanarFusion(fixed: fixed, overlay: overlay, through: centre, window: window, overlayRange: overlayRange, style: style,
                                          overlayUnit: movingIsSUV ? "SUV" : nil)
            try PNGWriter.writeRGB(picture.rgb, width: picture.width, height: picture.height, to: out.appendingPathComponent(name))
        }
        let points = result.history.enumerated().map { (x: Double($0.offset), y: $0.element.metric) }
        let plot = LinePlot(title: "registration convergence", xLabel: "evaluation", yLabel: "metric (-MI)",
                            series: [LinePlot.Series(name: "metric", points: points, colour: LinePlot.palette[0])])
        try plot.writePNG(to: out.appendingPathComponent("convergence.png"))
    }
}

/// "4,2,1" → [4, 2, 1]; nil when any item does not parse or the list is empty.
func parsedList<T>(_ text: String, _ parse: (String) -> T?) -> [T]? {
    let items = text.split(separator: ",").map { parse($0.trimmingCharacters(in: .whitespaces)) }
    guard !items.isEmpty, items.allSatisfy({ $0 != nil }) else { return nil }
    return items.compactMap { $0 }
}
