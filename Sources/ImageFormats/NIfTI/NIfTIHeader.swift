import Foundation
import ImagingCore

/// The fields of a NIfTI-1 header this module uses (the 348-byte `nifti_1_header`,
/// https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h). Geometry fields are in
/// NIfTI's own RAS space; `geometry(path:)` converts to LPS.
public struct NIfTIHeader: Sendable, Equatable {
    /// `dim[0...7]`: dim[0] dimensions, then extents.
    public var dim: [Int]
    /// `datatype` code (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, 256 int8, 512 uint16, 768 uint32).
    public var datatype: Int
    /// `intent_code` (1007 = vector: dim[5] values per voxel).
    public var intentCode: Int
    /// `pixdim[0...7]`; pixdim[0] is qfac (±1).
    public var pixdim: [Double]
    /// `vox_offset`: where the voxels start in a .nii.
    public var voxOffset: Double
    /// `scl_slope`, `scl_inter`.
    public var sclSlope: Double
    public var sclInter: Double
    /// `qform_code`, `sform_code` (0 unknown, 1 scanner, 2 aligned, …).
    public var qformCode: Int
    public var sformCode: Int
    /// `quatern_b/c/d`, `qoffset_x/y/z` (RAS).
    public var quaternion: [Double]
    public var qoffset: [Double]
    /// `srow_x`, `srow_y`, `srow_z`: 12 values row by row (RAS).
    public var srow: [Double]
    /// `magic`: "n+1" for a single .nii file.
    public var magic: String
    /// Whether the file is big-endian (detected from sizeof_hdr).
    public var isBigEndian: Bool

    /// Byte count of a NIfTI-1 header.
    public static let byteCount = 348

    /// Byte offsets of the fields, for reading, writing and error messages.
    enum Offset {
        static let sizeofHdr = 0, dim = 40, intentCode = 68, datatype = 70, bitpix = 72, pixdim = 76
        static let voxOffset = 108, sclSlope = 112, sclInter = 116, xyztUnits = 123
        static let qformCode = 252, sformCode = 254, quatern = 256, qoffset = 268, srow = 280, magic = 344
    }

    /// The voxel type of a datatype code, or nil when unsupported.
    static func voxelType(datatype: Int) -> VoxelType? {
        switch datatype {
        case 2: return .uint8
        case 4: return .int16
        case 8: return .int32
        case 16: return .float32
        case 64: return .float64
        case 256: return .int8
        case 512: return .uint16
        case 768: return .uint32
        default: return nil
        }
    }

    /// The datatype code of a voxel type.
    static func datatype(of type: VoxelType) -> Int {
        switch type {
        case .uint8: return 2
        case .int16: return 4
        case .int32: return 8
        case .float32: return 16
        case .float64: return 64
        case .int8: return 256
        case .uint16: return 512
        case .uint32: return 768
        }
    }

    /// Whether scl_slope/scl_inter change the values (slope not 0, NaN, or (1, 0)).
    public var hasScaling: Bool {
        sclSlope.isFinite && sclSlope != 0 && sclInter.isFinite && !(sclSlope == 1 && sclInter == 0)
    }

    /// Parses the first 348 bytes of `raw`; the byte order comes from sizeof_hdr.
    public static func parse(_ raw: UnsafeRawBufferPointer, path: String) throws -> NIfTIHeader {
        guard raw.count >= byteCount else {
            throw ImageFormatError.truncatedData(path: path, offset: 0, expectedBytes: byteCount, foundBytes: raw.count)
        }
        let little = raw.loadUnaligned(fromByteOffset: 0, as: Int32.self).littleEndian
        let big = raw.loadUnaligned(fromByteOffset: 0, as: Int32.self).bigEndian
        guard little == 348 || big == 348 else {
            let reason = little == 540 || big == 540 ? "NIfTI-2 files are not supported" : "sizeof_hdr is \(little), expected 348"
            throw ImageFormatError.invalidNIfTIHeader(path: path, field: "sizeof_hdr", offset: Offset.sizeofHdr, reason: reason)
        }
        let r = FieldReader(raw: raw, bigEndian: little != 348)
        let magicBytes = (0..<3).map { raw[Offset.magic + $0] }
        return NIfTIHeader(
            dim: (0..<8).map { Int(r.int16(Offset.dim + 2 * $0)) },
            datatype: Int(r.int16(Offset.datatype)),
            intentCode: Int(r.int16(Offset.intentCode)),
            pixdim: (0..<8).map { r.float(Offset.pixdim + 4 * $0) },
            voxOffset: r.float(Offset.voxOffset),
            sclSlope: r.float(Offset.sclSlope), sclInter: r.float(Offset.sclInter),
            qformCode: Int(r.int16(Offset.qformCode)), sformCode: Int(r.int16(Offset.sformCode)),
            quaternion: (0..<3).map { r.float(Offset.quatern + 4 * $0) },
            qoffset: (0..<3).map { r.float(Offset.qoffset + 4 * $0) },
            srow: (0..<12).map { r.float(Offset.srow + 4 * $0) },
            magic: String(decoding: magicBytes.filter { $0 != 0 }, as: UTF8.self),
            isBigEndian: little != 348)
    }

    /// The 348 header bytes plus the 4-byte extension flag (no extensions), in this
    /// machine's byte order.
    func serialized(bitpix: Int) -> Data {
        var bytes = [UInt8](repeating: 0, count: Self.byteCount + 4)
        bytes.withUnsafeMutableBytes { raw in
            func put<T>(_ value: T, _ offset: Int) { raw.storeBytes(of: value, toByteOffset: offset, as: T.self) }
            put(Int32(Self.byteCount), Offset.sizeofHdr)
            put(UInt8(ascii: "r"), 38)  // regular = 'r', as niftilib writes
            for (n, v) in dim.enumerated() { put(Int16(clamping: v), Offset.dim + 2 * n) }
            put(Int16(clamping: intentCode), Offset.intentCode)
            put(Int16(clamping: datatype), Offset.datatype)
            put(Int16(clamping: bitpix), Offset.bitpix)
            for (n, v) in pixdim.enumerated() { put(Float(v), Offset.pixdim + 4 * n) }
            put(Float(voxOffset), Offset.voxOffset)
            put(Float(sclSlope), Offset.sclSlope)
            put(Float(sclInter), Offset.sclInter)
            put(UInt8(2 | 8), Offset.xyztUnits)  // mm and seconds, as ITK writes
            put(Int16(clamping: qformCode), Offset.qformCode)
            put(Int16(clamping: sformCode), Offset.sformCode)
            for (n, v) in quaternion.enumerated() { put(Float(v), Offset.quatern + 4 * n) }
            for (n, v) in qoffset.enumerated() { put(Float(v), Offset.qoffset + 4 * n) }
            for (n, v) in srow.enumerated() { put(Float(v), Offset.srow + 4 * n) }
            for (n, c) in "n+1".utf8.enumerated() { put(c, Offset.magic + n) }
        }
        return Data(bytes)
    }
}

/// Reads header fields in the file's byte order.
private struct FieldReader {
    let raw: UnsafeRawBufferPointer
    let bigEndian: Bool

    func int16(_ offset: Int) -> Int16 {
        let v = raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)
        return bigEndian ? Int16(bigEndian: v) : Int16(littleEndian: v)
    }

    func float(_ offset: Int) -> Double {
        let bits = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return Double(Float(bitPattern: bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits)))
    }
}
