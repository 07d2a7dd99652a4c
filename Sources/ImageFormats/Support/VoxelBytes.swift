import Foundation
import ImagingCore

/// Turning file bytes into typed voxel arrays and back, without a per-voxel conversion:
/// bytes land in the final array and are byte-swapped in place only when the file's
/// byte order differs from the machine's.
enum VoxelBytes {
    /// True on little-endian machines (every platform Swift ships on today).
    static let hostIsBigEndian = 1.bigEndian == 1

    /// The byte count of `count` values of `type`, or `tooLarge` when it overflows or
    /// exceeds `limit`; call before allocating anything.
    static func checkedByteCount(extents: [Int], channels: Int, type: VoxelType, limit: Int,
                                 path: String, key: String) throws -> Int {
        var total = type.byteCount
        for factor in extents + [channels] {
            let (product, overflow) = total.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw ImageFormatError.tooLarge(path: path, key: key, bytes: Int.max, limit: limit) }
            total = product
        }
        guard total <= limit else { throw ImageFormatError.tooLarge(path: path, key: key, bytes: total, limit: limit) }
        return total
    }

    /// A volume of `type` whose bytes `fill` writes in file order (exactly
    /// `voxelCount × channels × byteCount` bytes), swapped when `swapBytes`.
    static func makeVolume(type: VoxelType, geometry: ImageGeometry, channels: Int, swapBytes: Bool,
                           fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> AnyVolume {
        let count = geometry.size.voxelCount * channels
        func make<T: VoxelScalar>(_: T.Type) throws -> AnyVolume {
            let voxels = try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                HugePages.advise(raw)
                try fill(raw)
                initialized = count
                if swapBytes { swapInPlace(raw, width: MemoryLayout<T>.size) }
            }
            return AnyVolume(try Volume(geometry: geometry, voxels: voxels, channelCount: channels))
        }
        switch type {
        case .uint8: return try make(UInt8.self)
        case .int8: return try make(Int8.self)
        case .uint16: return try make(UInt16.self)
        case .int16: return try make(Int16.self)
        case .uint32: return try make(UInt32.self)
        case .int32: return try make(Int32.self)
        case .float32: return try make(Float.self)
        case .float64: return try make(Double.self)
        }
    }

    /// Copies `width`-byte values between channel layouts: interleaved (v0c0 v0c1 … —
    /// the toolkit's) and planar (all of c0, then all of c1 … — NIfTI's vector images).
    static func reorderChannels(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
                                width: Int, channels: Int, toPlanar: Bool) {
        let voxels = source.count / (width * channels)
        for c in 0..<channels { for v in 0..<voxels {
            let interleaved = (v * channels + c) * width, planar = (c * voxels + v) * width
            let (from, to) = toPlanar ? (interleaved, planar) : (planar, interleaved)
            destination[to..<(to + width)].copyBytes(from: source[from..<(from + width)])
        } }
    }

    /// Reverses the bytes of every `width`-byte value in `buffer` (an aligned array).
    static func swapInPlace(_ buffer: UnsafeMutableRawBufferPointer, width: Int) {
        guard let base = buffer.baseAddress else { return }
        let n = buffer.count / width
        switch width {
        case 2:
            let p = base.assumingMemoryBound(to: UInt16.self)
            for i in 0..<n { p[i] = p[i].byteSwapped }
        case 4:
            let p = base.assumingMemoryBound(to: UInt32.self)
            for i in 0..<n { p[i] = p[i].byteSwapped }
        case 8:
            let p = base.assumingMemoryBound(to: UInt64.self)
            for i in 0..<n { p[i] = p[i].byteSwapped }
        default:
            break
        }
    }
}

extension AnyVolume {
    /// Calls `body` with the voxel bytes in machine byte order, without copying.
    func withVoxelBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .uint8(let v): return try v.withUnsafeVoxels { try body(UnsafeRawBufferPointer($0)) }
        case .int8(let v): return try v.withUnsafeVoxels { try body(UnsafeRawBufferPointer($0)) }
        case .uint16(let v): return try v.withUnsafeVoxels { try body(UnsafeRawBufferPointer($0)) }
        case .int16(let v): return try v.withUnsafeVoxels { try body(UnsafeRawBufferPointer($0)) }
        case .uint32(let v): return try v.withUnsafeVoxels { try body(UnsafeRawBufferPointer($0)) }
        case .int32(let v): return try v.withUnsafeVoxels { try body(UnsafeRawBufferPointer($0)) }
        case .float32(let v): return try v.withUnsafeVoxels { try body(UnsafeRawBufferPointer($0)) }
        case .float64(let v): return try v.withUnsafeVoxels { try body(UnsafeRawBufferPointer($0)) }
        }
    }
}

/// Where a data file named inside a header may live.
enum DataFilePath {
    /// Resolves `name` against the header's folder. Unless `allowOutside`, an absolute
    /// name, or one whose `..` steps or symbolic links lead out of that folder, is an
    /// error: a header from an untrusted source must not read arbitrary files.
    static func resolve(_ name: String, header: URL, key: String, allowOutside: Bool) throws -> URL {
        let path = header.path
        guard !name.isEmpty else {
            throw ImageFormatError.invalidValue(path: path, key: key, value: name, expected: "a file name")
        }
        let folder = header.deletingLastPathComponent().standardizedFileURL
        let isAbsolute = name.hasPrefix("/") || name.hasPrefix("~")
        let url = (isAbsolute ? URL(fileURLWithPath: name) : folder.appendingPathComponent(name)).standardizedFileURL
        if allowOutside { return url }
        guard !isAbsolute, isInside(url, folder),
              isInside(url.resolvingSymlinksInPath(), folder.resolvingSymlinksInPath()) else {
            throw ImageFormatError.dataFileOutsideFolder(path: path, key: key, dataFile: name)
        }
        return url
    }

    private static func isInside(_ url: URL, _ folder: URL) -> Bool {
        let inner = url.pathComponents, outer = folder.pathComponents
        return inner.count > outer.count && Array(inner.prefix(outer.count)) == outer
    }
}
