import Foundation
import NoduleKit

// Usage: MaskWriter ANNOTATIONS.csv SCANS_FOLDER OUTPUT_FOLDER
let args = CommandLine.arguments
guard args.count == 4 else {
    print("usage: MaskWriter ANNOTATIONS.csv SCANS_FOLDER OUTPUT_FOLDER")
    exit(2)
}
do {
    let annotations = try LUNA16CSV.readAnnotations(URL(fileURLWithPath: args[1]))
    let byScan = Dictionary(grouping: annotations, by: \.seriesUID)
    for scan in try ScanDiscovery.findScans(in: URL(fileURLWithPath: args[2])) {
        let image = try ImageFile.read(scan.url)
        let (mask, placements) = try NoduleMaskRenderer().render(byScan[scan.seriesUID] ?? [], on: image.geometry)
        let out = URL(fileURLWithPath: args[3]).appendingPathComponent("\(scan.seriesUID)_mask.mhd")
        try ImageFile.write(mask, to: out, options: ImageWriteOptions(compress: true))
        print("\(scan.seriesUID): \(placements.count) nodules, \(placements.map(\.maskVoxelCount).reduce(0, +)) mask voxels")
    }
} catch {
    print("error: \(error)")
    exit(1)
}
