import Foundation
import ImagingCore

/// Takes 2-D network inputs out of a volume: one k-slice, windowed to 0…1 and resized to
/// a square of `size` pixels (bilinear for intensities, nearest for labels, so a mask
/// stays a mask).
public struct SliceSampler: Sendable, Equatable, Codable {
    /// Output side in pixels.
    public var size: Int
    /// Hounsfield units mapped to 0 and 1.
    public var lower: Double
    public var upper: Double

    /// The paper's window (−1000…400 HU → 0…1).
    public init(size: Int, lower: Double = -1000, upper: Double = 400) {
        self.size = size
        self.lower = lower
        self.upper = max(upper, lower + 1e-6)
    }

    /// The sampler a dataset folder was built with (its `dataset.json`), or nil when the
    /// folder has none.
    public static func ofDataset(_ folder: URL) throws -> SliceSampler? {
        let url = folder.appendingPathComponent(datasetFileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try JSONDecoder().decode(SliceSampler.self, from: Data(contentsOf: url)) } catch {
            throw AnnotationError.unreadable(file: url.path, reason: "not a slice sampler description: \(error)")
        }
    }

    /// Writes `dataset.json` (size and window) into a dataset folder, atomically.
    public func write(toDataset folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: folder.appendingPathComponent(Self.datasetFileName))
    }

    /// The file naming a dataset folder's sampler.
    public static let datasetFileName = "dataset.json"

    /// Slice `k` of `volume`, windowed and resized (size × size, row-major, j then i).
    public func image<V: VoxelScalar>(_ volume: Volume<V>, k: Int) -> [Float] {
        let s = volume.size
        let scale = 1 / (upper - lower)
        return volume.withUnsafeVoxels { v in
            let base = k * s.sliceCount
            return resample(width: s.i, height: s.j, nearest: false) { i, j in
                min(max((v[(base + j * s.i + i) * volume.channelCount].doubleValue - lower) * scale, 0), 1)
            }
        }
    }

    /// Slice `k` of a label volume, resized by nearest neighbour; values stay labels.
    public func labels(_ volume: Volume<UInt8>, k: Int) -> [UInt8] {
        let s = volume.size
        return volume.withUnsafeVoxels { v in
            let base = k * s.sliceCount
            return resample(width: s.i, height: s.j, nearest: true) { i, j in Double(v[base + j * s.i + i]) }
        }.map { UInt8(clampingDouble: Double($0)) }
    }

    /// Maps each output pixel centre to the input's continuous pixel coordinates (the
    /// pixel-centre convention of OpenCV and ITK) and reads it.
    private func resample(width: Int, height: Int, nearest: Bool, _ at: (Int, Int) -> Double) -> [Float] {
        var out = [Float](repeating: 0, count: size * size)
        let sx = Double(width) / Double(size), sy = Double(height) / Double(size)
        for y in 0..<size {
            let fy = min(max((Double(y) + 0.5) * sy - 0.5, 0), Double(height - 1))
            for x in 0..<size {
                let fx = min(max((Double(x) + 0.5) * sx - 0.5, 0), Double(width - 1))
                if nearest {
                    out[y * size + x] = Float(at(Int(fx.rounded()), Int(fy.rounded())))
                } else {
                    let x0 = Int(fx), y0 = Int(fy)
                    let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
                    let tx = fx - Double(x0), ty = fy - Double(y0)
                    let top = at(x0, y0) * (1 - tx) + at(x1, y0) * tx
                    let bottom = at(x0, y1) * (1 - tx) + at(x1, y1) * tx
                    out[y * size + x] = Float(top * (1 - ty) + bottom * ty)
                }
            }
        }
        return out
    }
}
