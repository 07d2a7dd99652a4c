import Foundation
import ImagingCore
import ImageFormats

/// One overlay to draw: a scan, its mask, the nodule's label and the slice to show.
public struct OverlayItem: Sendable, Equatable {
    public var scanURL: URL
    public var maskURL: URL
    /// The nodule's label in a labelled mask; with a binary mask every region is outlined.
    public var label: Int
    /// The k-slice to show (clamped to the volume).
    public var slice: Int
    /// Where the PNG goes.
    public var outputURL: URL

    public init(scanURL: URL, maskURL: URL, label: Int, slice: Int, outputURL: URL) {
        self.scanURL = scanURL
        self.maskURL = maskURL
        self.label = label
        self.slice = slice
        self.outputURL = outputURL
    }
}

/// Draws nodule overlays: each item's slice in a CT window with its mask outlined.
public enum NoduleOverlays {
    /// Writes every item's PNG; scans shared by several items are read once.
    public static func write(_ items: [OverlayItem], window: HounsfieldWindow = .lung, scale: Int = 2,
                             progress: ProgressReporter = SilentProgress()) throws {
        var done = 0
        for (scanURL, group) in Dictionary(grouping: items, by: \.scanURL).sorted(by: { $0.key.path < $1.key.path }) {
            let volume = try ImageFile.read(scanURL).converted(to: Float.self)
            var masks: [URL: Volume<UInt8>] = [:]
            for item in group {
                let mask = try masks[item.maskURL] ?? ImageFile.read(item.maskURL).converted(to: UInt8.self)
                masks[item.maskURL] = mask
                // In a labelled mask, outline only this nodule.
                var own = mask
                if mask.voxels.contains(where: { $0 > 1 }) {
                    let label = UInt8(clamping: item.label)
                    own.withUnsafeMutableVoxels { b in for n in b.indices { b[n] = b[n] == label ? 1 : 0 } }
                }
                try SliceOverlay(image: volume, mask: own, k: item.slice, window: window, scale: scale).writePNG(to: item.outputURL)
                done += 1
                progress.update(completed: done, total: items.count, item: item.outputURL.lastPathComponent)
            }
        }
    }
}
