import Foundation
import ImageFormats
import ImagingCore
import Registration

// Times NoduleKit's side of scripts/bench/registration.sh in-process (files are read
// before timing, as the anchor does). Prints the median of N runs in seconds.
//   registration-bench resample MOVING REFERENCE TRANSFORM.tfm N   (linear, default 0)

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

let args = CommandLine.arguments
do {
    switch args.count > 1 ? args[1] : "" {
    case "resample" where args.count == 6:
        let moving = try ImageFile.read(URL(fileURLWithPath: args[2])).converted(to: Float.self)
        let reference = try ImageFile.readGeometry(URL(fileURLWithPath: args[3]))
        let transform = try TransformFile.read(URL(fileURLWithPath: args[4]))
        var checksum = 0.0
        let t = time(Int(args[5]) ?? 3) {
            let out = moving.resampled(onto: reference, through: transform)
            checksum += Double(out.voxels[out.voxels.count / 2])
        }
        print(String(format: "%.4f", t))
        FileHandle.standardError.write(Data("checksum \(checksum)\n".utf8))
    default:
        FileHandle.standardError.write(Data("usage: registration-bench resample MOVING REFERENCE T.tfm N\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("registration-bench: \(error)\n".utf8))
    exit(1)
}
