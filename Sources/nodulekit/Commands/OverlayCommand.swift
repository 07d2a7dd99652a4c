import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit overlay`: a PNG per nodule of its centre slice with the mask outlined.
struct OverlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overlay",
        abstract: "Write a PNG per nodule: its centre slice, lung window, mask outlined in red.",
        discussion: "Reads MASKS/nodules.csv and MASKS/<seriesuid>_mask.mhd written by `nodulekit masks`.")

    @Option(help: "Folder of the scans (as given to masks --images).") var images: String
    @Option(help: "The masks output folder.") var masks: String
    @Option(help: "Folder for the PNGs.") var output: String
    @Option(help: "Window as LOWER,UPPER in HU.") var window = "-1000,400"
    @Option(help: "Pixels per voxel.") var scale = 2
    @OptionGroup var outputOptions: OutputOptions

    func parsedWindow() throws -> HounsfieldWindow {
        let v = window.split(separator: ",").compactMap { Double($0) }
        guard v.count == 2, v[1] > v[0] else { throw ValidationError("--window must be LOWER,UPPER with UPPER > LOWER, got \(window)") }
        return HounsfieldWindow(lower: v[0], upper: v[1])
    }

    func validate() throws {
        _ = try parsedWindow()
        guard (1...8).contains(scale) else { throw ValidationError("--scale must be 1 to 8") }
    }

    func run() throws {
        let masksFolder = URL(fileURLWithPath: masks), outputFolder = URL(fileURLWithPath: output)
        let scans = try ScanDiscovery.findScans(in: URL(fileURLWithPath: images))
        let scanURLs = Dictionary(uniqueKeysWithValues: scans.map { ($0.seriesUID, $0.url) })
        let report = masksFolder.appendingPathComponent("nodules.csv").path
        let items = try MaskRunReport(folder: masksFolder).drawnNodules.compactMap { n -> OverlayItem? in
            guard let scan = scanURLs[n.seriesUID] else { return nil }
            // Both names come from nodules.csv: neither may leave its folder (UIDFileName).
            return OverlayItem(scanURL: scan,
                               maskURL: try UIDFileName.url(in: masksFolder, uid: n.seriesUID, suffix: "_mask.mhd", source: report),
                               label: n.label, slice: n.centreSlice,
                               outputURL: try UIDFileName.url(in: outputFolder, uid: n.seriesUID, suffix: "_nodule\(n.label).png", source: report))
        }
        try NoduleOverlays.write(items, window: try parsedWindow(), scale: scale,
                                 progress: TerminalProgress(label: "overlay", quiet: outputOptions.quiet))
        print("wrote \(items.count) overlays to \(output)")
    }
}
