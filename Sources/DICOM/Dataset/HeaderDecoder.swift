/// Reads the header layout written by `ndk_serialize_header` (see CDICOMBridge.h).
struct HeaderDecoder {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    /// The decoded header: transfer syntax, meta group and dataset.
    struct Header {
        var transferSyntaxUID: String
        var characterSetConverted: Bool
        var meta: DICOMDataset
        var dataset: DICOMDataset
    }

    struct Truncated: Error {}

    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Header {
        var d = HeaderDecoder(bytes: bytes)
        let tsLength = Int(try d.u32())
        let ts = String(decoding: try d.take(tsLength), as: UTF8.self)
        let converted = try d.u32() != 0
        let meta = try d.item(depth: 0)
        let dataset = try d.item(depth: 0)
        return Header(transferSyntaxUID: ts, characterSetConverted: converted, meta: meta, dataset: dataset)
    }

    private mutating func u32() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw Truncated() }
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: v)
    }

    private mutating func take(_ n: Int) throws -> [UInt8] {
        guard n >= 0, offset + n <= bytes.count else { throw Truncated() }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    private mutating func item(depth: Int) throws -> DICOMDataset {
        let count = Int(try u32())
        var elements: [DICOMElement] = []
        elements.reserveCapacity(min(count, 4096))
        for _ in 0..<count { elements.append(try element(depth: depth)) }
        return DICOMDataset(elements: elements)
    }

    private mutating func element(depth: Int) throws -> DICOMElement {
        let tag = DICOMTag(rawValue: try u32())
        let head = try take(4)
        let vr = String(decoding: head[0..<2], as: UTF8.self)
        let n = try u32()
        switch head[2] {
        case 1:
            guard depth < 64 else { throw Truncated() }
            var items: [DICOMDataset] = []
            for _ in 0..<n { items.append(try item(depth: depth + 1)) }
            return DICOMElement(tag: tag, vr: vr, value: .sequence(items))
        case 2:
            return DICOMElement(tag: tag, vr: vr, value: .omitted(length: n))
        default:
            return DICOMElement(tag: tag, vr: vr, value: .bytes(try take(Int(n))))
        }
    }
}
