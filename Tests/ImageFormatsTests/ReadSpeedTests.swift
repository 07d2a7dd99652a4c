import Foundation
import ImagingCore
import TestSupport
import XCTest
@testable import ImageFormats

/// Read timings for a 512x512x300 MET_SHORT CT as .raw and .zraw. Runs only with
/// NODULEKIT_TIMING=1 (use a release build: `swift test -c release`); the formal
/// benchmark lives elsewhere.
final class ReadSpeedTests: XCTestCase {
    func testReadTimingsFor512x512x300Short() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["NODULEKIT_TIMING"] == "1", "set NODULEKIT_TIMING=1")
        let folder = try ProcessInfo.processInfo.environment["NODULEKIT_TIMING_DIR"].map { URL(fileURLWithPath: $0) }
            ?? TestEnvironment.temporaryDirectory(self)
        let geometry = try ImageGeometry(size: GridSize(512, 512, 300), spacing: Vector3(0.7, 0.7, 1.25))
        var volume = Volume<Int16>(geometry: geometry, repeating: -1000)
        volume.withUnsafeMutableVoxels { v in
            // A body-like disc with noise, so compression sees realistic entropy.
            var seed: UInt64 = 1
            for k in 0..<300 { for j in 0..<512 { for i in 0..<512 {
                let dx = i - 256, dy = j - 256
                guard dx * dx + dy * dy < 200 * 200 else { continue }
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                v[(k * 512 + j) * 512 + i] = Int16(truncatingIfNeeded: 40 + Int(seed >> 58))
            } } }
        }
        let raw = folder.appendingPathComponent("ct.mhd"), zraw = folder.appendingPathComponent("ctz.mhd")
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = Date()
            try body()
            return Date().timeIntervalSince(start)
        }
        let writeRaw = try time { try ImageFile.write(volume, to: raw) }
        let writeZ = try time { try ImageFile.write(volume, to: zraw, options: ImageWriteOptions(compress: true)) }
        var readRaw = Double.infinity, readZ = Double.infinity
        var fromRaw: AnyVolume?, fromZ: AnyVolume?
        for _ in 0..<3 {
            readRaw = min(readRaw, try time { fromRaw = try ImageFile.read(raw) })
            readZ = min(readZ, try time { fromZ = try ImageFile.read(zraw) })
        }
        XCTAssertEqual(fromRaw?.converted(to: Int16.self), volume)
        XCTAssertEqual(fromZ?.converted(to: Int16.self), volume)
        let zBytes = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("ctz.zraw").path)[.size] as? Int) ?? 0
        print(String(format: "timing 512x512x300 MET_SHORT: read raw %.3f s, read zraw %.3f s (%d bytes), write raw %.3f s, write zraw %.3f s",
                     readRaw, readZ, zBytes, writeRaw, writeZ))
    }
}
