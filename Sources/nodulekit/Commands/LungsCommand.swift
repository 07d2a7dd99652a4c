import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit lungs`: the lung mask of a chest CT.
struct LungsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lungs",
        abstract: "Segment the lungs of a chest CT: a label mask (1 right lung, 2 left lung) on the scan's grid.",
        discussion: """
            INPUT is a MetaImage/NIfTI file or a DICOM series folder. The mask is written in the \
            format of OUTPUT's extension (.mha, .mhd, .nii, .nii.gz). With --overlays, PNGs of \
            evenly spaced slices show the right lung outlined in green and the left in blue.
            """)

    @Argument(help: "A MetaImage/NIfTI file or a DICOM series folder.") var input: String
    @Option(help: "The mask file to write (.mha, .mhd, .nii, .nii.gz).") var output: String
    @Option(help: "DICOM folders holding several series: the SeriesInstanceUID to use.") var series: String?
    @Option(help: "Air threshold in HU (default: -320 on a calibrated CT, otherwise Otsu's).") var airThreshold: Double?
    @Option(help: "Radius in mm of the ball that closes each lung.") var closingMm = 10.0
    @Option(help: "Folder for overlay PNGs of evenly spaced slices.") var overlays: String?
    @Option(help: "How many overlay slices.") var overlayCount = 6
    @Option(help: "Compute threads.") var threads = 2
    @Flag(help: "Print how long each stage took.") var timings = false
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard ImageFile.isSupported(URL(fileURLWithPath: output)) else {
            throw ValidationError("--output must end in .mha, .mhd, .nii or .nii.gz, got \(output)")
        }
        guard closingMm >= 0, closingMm <= 50 else { throw ValidationError("--closing-mm must be 0 to 50") }
        guard threads > 0, overlayCount > 0 else { throw ValidationError("--threads and --overlay-count must be positive") }
    }

    func run() throws {
        let started = Date()
        let scan = try ScanInput.read(URL(fileURLWithPath: input), series: series)
        var options = LungSegmentationOptions()
        options.airThresholdHU = airThreshold
        options.closingRadiusMM = closingMm
        options.threads = threads
        let ct = scan.volume.converted(to: Int16.self)
        let lungs = try LungSegmenter.segment(ct, options: options,
                                              progress: TerminalProgress(label: "lungs", quiet: outputOptions.quiet))
        let seconds = Date().timeIntervalSince(started)
        try ImageFile.write(lungs.labels, to: URL(fileURLWithPath: output))
        print(String(format: "%@: right lung %.0f mL, left lung %.0f mL (air below %.0f HU) in %.1f s",
                     scan.seriesUID, lungs.rightVolumeML, lungs.leftVolumeML, lungs.airThresholdHU, seconds))
        if let seed = lungs.tracheaSeed, let t = lungs.airwayThresholdHU {
            print(String(format: "airway: trachea at (%.1f, %.1f, %.1f) mm, %.1f mL removed (grown below %.0f HU)",
                         seed.x, seed.y, seed.z, lungs.airwayVolumeML, t))
        } else {
            print("airway: no trachea found in the top of the scan; nothing removed")
        }
        if timings {
            print(lungs.stageSeconds.map { String(format: "%@ %.2f s", $0.name, $0.seconds) }.joined(separator: ", "))
        }
        if let overlays {
            let folder = URL(fileURLWithPath: overlays)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for k in LungOverlays.slices(of: lungs, count: overlayCount) {
                try LungOverlays.picture(ct, lungs: lungs, k: k).writePNG(to: folder.appendingPathComponent("lungs-slice\(k).png"))
            }
            print("overlays: \(folder.path)")
        }
        print("mask: \(output)")
    }
}

/// Pictures of a lung mask over its scan.
enum LungOverlays {
    static let rightColour: (UInt8, UInt8, UInt8) = (40, 220, 60)
    static let leftColour: (UInt8, UInt8, UInt8) = (60, 140, 255)

    /// `count` slices evenly spread over the k range the lungs cover.
    static func slices(of lungs: LungMask, count: Int) -> [Int] {
        let s = lungs.labels.size
        let covered = (0..<s.k).filter { k in lungs.labels.slice(k: k).contains { $0 != 0 } }
        guard let first = covered.first, let last = covered.last else { return [] }
        if count == 1 { return [(first + last) / 2] }
        return Array(Set((0..<count).map { first + ($0 * (last - first)) / (count - 1) })).sorted()
    }

    /// Slice `k` in the lung window with both lungs outlined.
    static func picture(_ ct: Volume<Int16>, lungs: LungMask, k: Int, scale: Int = 1) -> SliceOverlay {
        SliceOverlay(image: ct, mask: nil, k: k, scale: scale)
            .outlining(lungs.labels, label: LungMask.rightLung, k: k, colour: rightColour, scale: scale)
            .outlining(lungs.labels, label: LungMask.leftLung, k: k, colour: leftColour, scale: scale)
    }
}
