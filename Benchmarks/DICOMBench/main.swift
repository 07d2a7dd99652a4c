// dicom-bench: times loading a DICOM series folder into a volume (scan headers, sort,
// decode in parallel, rescale to HU), for scripts/bench/dicom.sh.
// Usage: dicom-bench DIR [REPEATS]   prints "ours_s=<best seconds> size=IxJxK type=T"
import DICOM
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: dicom-bench DIR [REPEATS]\n".utf8))
    exit(2)
}
let folder = URL(fileURLWithPath: arguments[1])
let repeats = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 3) : 3
var best = Double.infinity
var summary = ""
do {
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        let series = try SeriesScanner.scan(folder).onlySeries(in: folder.path)
        let scanned = DispatchTime.now().uptimeNanoseconds
        let volume = try series.loadVolume()
        if ProcessInfo.processInfo.environment["DICOM_BENCH_PHASES"] != nil {
            FileHandle.standardError.write(Data(String(format: "scan %.4f s, load %.4f s\n", Double(scanned - start) / 1e9, Double(DispatchTime.now().uptimeNanoseconds - scanned) / 1e9).utf8))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = min(best, seconds)
        summary = "size=\(volume.geometry.size) type=\(volume.voxelType)"
    }
    print(String(format: "ours_s=%.4f ", best) + summary)
} catch {
    FileHandle.standardError.write(Data("dicom-bench: \(error)\n".utf8))
    exit(1)
}
