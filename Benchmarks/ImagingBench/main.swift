import Foundation
import NoduleKit

// Times NoduleKit's side of `make bench` (see scripts/bench/imaging.sh), in-process, so
// process start-up is not counted. Prints the median of N runs in seconds.
//   imaging-bench read FILE N        (ImageFile.read: header, data, decode into the final buffer)
//   imaging-bench masks ANNOTATIONS.csv IMAGES_DIR OUTPUT_DIR N
//   imaging-bench segmenter-run DIR WIDTH SIZE   (an untrained U-Net run folder for the screening bench)

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func time(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return median(samples)
}

struct NoScan: Error {}
func XCTUnwrapScan(_ scan: ScanFile?) throws -> ScanFile {
    guard let scan else { throw NoScan() }
    return scan
}

let args = CommandLine.arguments
do {
    switch args.count > 1 ? args[1] : "" {
    case "read" where args.count == 4:
        let url = URL(fileURLWithPath: args[2])
        let t = try time(Int(args[3]) ?? 3) { _ = try ImageFile.read(url) }
        print(String(format: "%.4f", t))
    case "masks" where args.count == 6:
        let annotations = try LUNA16CSV.readAnnotations(URL(fileURLWithPath: args[2]))
        let output = URL(fileURLWithPath: args[4])
        let t = try time(Int(args[5]) ?? 3) {
            try? FileManager.default.removeItem(at: output) // no resume: the whole job each run
            let job = MaskJob(annotations: annotations, imagesFolder: URL(fileURLWithPath: args[3]),
                              outputFolder: output, options: MaskJobOptions(compress: true))
            let summary = try job.run()
            guard summary.failures.isEmpty else { throw NSError(domain: "bench", code: 1) }
        }
        print(String(format: "%.4f", t))
    case "masks-phases" where args.count == 4:
        // Where the masks job's time goes, one phase at a time (medians of 5).
        let annotations = try LUNA16CSV.readAnnotations(URL(fileURLWithPath: args[2]))
        let scan = try XCTUnwrapScan(ScanDiscovery.findScans(in: URL(fileURLWithPath: args[3])).first)
        let nodules = annotations.filter { $0.seriesUID == scan.seriesUID }
        let geometry = try ImageFile.readGeometry(scan.url)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("phase_mask.mhd")
        print(String(format: "geometry %.4f", try time(5) { _ = try ImageFile.readGeometry(scan.url) }))
        print(String(format: "render   %.4f", try time(5) { mask = try NoduleMaskRenderer().render(nodules, on: geometry).mask }))
        print(String(format: "write-z  %.4f", try time(5) { try ImageFile.write(mask, to: out, options: ImageWriteOptions(compress: true)) }))
        print(String(format: "write    %.4f", try time(5) { try ImageFile.write(mask, to: out) }))
    case "segmenter-run" where args.count == 5:
        // Speed does not depend on the weights: a seeded, untrained U-Net stands in for a trained one.
        let folder = URL(fileURLWithPath: args[2])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configuration = UNetSegmenter.Configuration(widthMultiplier: Double(args[3]) ?? 1, seed: 1)
        try UNetSegmenter(configuration).saveWeights(to: folder.appendingPathComponent("best.safetensors"))
        try ModelDescription.unet(configuration).write(toRun: folder)
        try SliceSampler(size: Int(args[4]) ?? 128, lower: -1000, upper: 400).write(toDataset: folder)
        print(folder.path)
    default:
        print("usage: imaging-bench read FILE N | masks ANNOTATIONS IMAGES OUTPUT N | segmenter-run DIR WIDTH SIZE")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
