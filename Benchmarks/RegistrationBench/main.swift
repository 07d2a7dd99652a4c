import Foundation
import ImageFormats
import ImagingCore
import Registration

// Times NoduleKit's side of scripts/bench/registration.sh in-process (files are read
// before timing, as the anchor does). Prints the median of N runs in seconds.
//   registration-bench resample MOVING REFERENCE TRANSFORM.tfm N   (linear, default 0)
//   registration-bench register FIXED MOVING TRUTH.tfm N            (default settings; TRE over
//                                                                    the bench pair's lungs on stderr)

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
    case "register" where args.count == 6:
        let fixed = try ImageFile.read(URL(fileURLWithPath: args[2])).converted(to: Float.self)
        let moving = try ImageFile.read(URL(fileURLWithPath: args[3])).converted(to: Float.self)
        let truth = try TransformFile.read(URL(fileURLWithPath: args[4]))
        var result: RigidRegistrationResult?
        let t = try time(Int(args[5]) ?? 1) { result = try RigidRegistration().register(fixed: fixed, moving: moving) }
        print(String(format: "%.4f", t))
        if let result {
            // The lungs of scripts/bench/registration_anchor.py's pair, on a 10 mm grid.
            var points: [Vector3] = []
            for (c, r) in [(Vector3(-65, 0, -185), Vector3(48, 62, 95)), (Vector3(70, 8, -195), Vector3(40, 55, 80))] {
                for dx in stride(from: -r.x, through: r.x, by: 10) { for dy in stride(from: -r.y, through: r.y, by: 10) {
                    for dz in stride(from: -r.z, through: r.z, by: 10) {
                        let d = Vector3(dx, dy, dz) / r
                        if dot(d, d) <= 1 { points.append(c + Vector3(dx, dy, dz)) }
                    }
                } }
            }
            let tre = points.map { length(result.transform.transformPoint($0) - truth.transformPoint($0)) }.reduce(0, +) / Double(points.count)
            FileHandle.standardError.write(Data(String(format: "nodulekit registration TRE %.2f mm, converged %@\n", tre, result.converged ? "yes" : "no").utf8))
        }
    default:
        FileHandle.standardError.write(Data("usage: registration-bench resample MOVING REFERENCE T.tfm N | register FIXED MOVING TRUTH.tfm N\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("registration-bench: \(error)\n".utf8))
    exit(1)
}
