import Foundation
import ImagingCore

/// A NumPy `.npy` array (format version 1.0, C order, little-endian) of one scalar type:
/// the shard format of NoduleKit's datasets, readable with `numpy.load`.
public struct NumPyArray<Element: VoxelScalar>: Sendable, Equatable {
    /// The dimensions, outermost first (e.g. N, C, H, W).
    public var shape: [Int]
    /// The values in C order.
    public var values: [Element]

    /// Creates an array; the value count must match the shape.
    public init(shape: [Int], values: [Element]) throws {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count == values.count else {
            throw ImageFormatError.invalidValue(path: "<memory>", key: "shape", value: "\(shape)",
                                                expected: "dimensions whose product is \(values.count)")
        }
        self.shape = shape
        self.values = values
    }

    /// NumPy's name of the element type.
    static var descriptor: String {
        switch Element.voxelType {
        case .uint8: return "|u1"
        case .int8: return "|i1"
        case .uint16: return "<u2"
        case .int16: return "<i2"
        case .uint32: return "<u4"
        case .int32: return "<i4"
        case .float32: return "<f4"
        case .float64: return "<f8"
        }
    }

    /// The file's bytes: magic, version 1.0, a header padded to 64 bytes, the data.
    public var fileData: Data {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(Self.descriptor)', 'fortran_order': False, 'shape': (\(dims)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: header.utf8)
        values.withUnsafeBytes { data.append(contentsOf: $0) } // little-endian host
        return data
    }

    /// Writes the array to `url` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(fileData, to: url)
    }

    /// Reads an array written by NumPy or by `write(to:)`; the element type must match.
    public init(contentsOf url: URL) throws {
        let (data, dims, offset, count) = try Self.mapped(url)
        var values = [Element](repeating: .zero, count: count)
        values.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { raw in
                out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + out.count)]))
            }
        }
        self.shape = dims
        self.values = values
    }

    /// The file mapped into memory, its header checked: the shape, and where its `count`
    /// elements start (whole: the file holds every byte they need).
    static func mapped(_ url: URL) throws -> (data: Data, shape: [Int], offset: Int, count: Int) {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw ImageFormatError.cannotRead(path: path, reason: error.localizedDescription)
        }
        guard data.count >= 10, data.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else {
            throw ImageFormatError.invalidValue(path: path, key: "magic", value: "", expected: "a .npy file (\\x93NUMPY)")
        }
        let bytes = [UInt8](data.prefix(12))
        let major = bytes[6]
        let headerLength: Int, start: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        } else if major == 2 || major == 3, bytes.count >= 12 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        } else {
            throw ImageFormatError.invalidValue(path: path, key: "version", value: "\(major)", expected: "1, 2 or 3")
        }
        guard data.count >= start + headerLength else {
            throw ImageFormatError.truncatedData(path: path, offset: start, expectedBytes: headerLength, foundBytes: data.count - start)
        }
        let header = String(decoding: data.subdata(in: start..<(start + headerLength)), as: UTF8.self)
        guard header.contains("'descr': '\(Self.descriptor)'") || (Element.self == UInt8.self && header.contains("'descr': '<u1'")) else {
            throw ImageFormatError.invalidValue(path: path, key: "descr", value: header, expected: "element type \(Self.descriptor)")
        }
        guard header.contains("'fortran_order': False") else {
            throw ImageFormatError.invalidValue(path: path, key: "fortran_order", value: header, expected: "C order")
        }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw ImageFormatError.invalidValue(path: path, key: "shape", value: header, expected: "a shape tuple")
        }
        let parts = header[open.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let dims = parts.compactMap { Int($0) }
        guard dims.count == parts.count, dims.allSatisfy({ $0 >= 0 }) else {
            throw ImageFormatError.invalidValue(path: path, key: "shape", value: String(header[open.upperBound..<close]), expected: "non-negative integers")
        }
        let count = dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        let offset = start + headerLength
        let needed = count.multipliedReportingOverflow(by: Element.voxelType.byteCount)
        guard !needed.overflow, data.count - offset >= needed.partialValue else {
            throw ImageFormatError.truncatedData(path: path, offset: offset, expectedBytes: needed.overflow ? Int.max : needed.partialValue,
                                                 foundBytes: data.count - offset)
        }
        return (data, dims, offset, count)
    }
}

/// A `.npy` file mapped into memory rather than read: its pages come from the file on demand
/// and the kernel may drop them again, so a dataset larger than memory can be served a few
/// rows at a time. The header is checked as `NumPyArray` checks it.
public struct MappedNumPyArray<Element: VoxelScalar>: Sendable {
    /// The dimensions, outermost first.
    public let shape: [Int]
    /// The number of elements.
    public let count: Int
    private let data: Data
    private let offset: Int

    /// Maps `url`; throws naming the file for a bad or truncated header or another element type.
    public init(contentsOf url: URL) throws {
        (data, shape, offset, count) = try NumPyArray<Element>.mapped(url)
    }

    /// Calls `body` with the elements in `range` (clamped to the array), read in place.
    public func withElements<R>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<Element>) -> R) -> R {
        let r = range.clamped(to: 0..<count)
        return data.withUnsafeBytes { raw in
            let start = offset + r.lowerBound * MemoryLayout<Element>.stride
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + r.count * MemoryLayout<Element>.stride)])
            // NumPy pads its header to 64 bytes, so the data is aligned; a file that is not
            // is read through a copy.
            guard let base = bytes.baseAddress, Int(bitPattern: base) % MemoryLayout<Element>.alignment == 0 else {
                var copy = [Element](repeating: .zero, count: r.count)
                copy.withUnsafeMutableBytes { $0.copyMemory(from: bytes) }
                return copy.withUnsafeBufferPointer(body)
            }
            return body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Element.self), count: r.count))
        }
    }
}
