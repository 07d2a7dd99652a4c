/// The Palette Color Lookup Table of a `PALETTE COLOR` image (PS3.3 C.7.6.3.1.5-6):
/// decoded pixels are indices; `apply` turns them into interleaved RGB, as pydicom's
/// `apply_color_lut` does.
public struct PaletteColorLUT: Sendable, Equatable {
    /// The first index the tables map; smaller indices take the first entry.
    public let firstMapped: Int
    /// Bits per entry (8 or 16).
    public let bitsPerEntry: Int
    /// The red, green and blue tables.
    public let red: [UInt16], green: [UInt16], blue: [UInt16]

    /// Reads the three descriptors and tables of `file`. Throws when they are absent,
    /// inconsistent, or segmented (Segmented Palette Color LUTs are not supported).
    public init(file: DICOMFile) throws {
        let ds = file.dataset
        let path = file.path
        if ds.contains(DICOMTag(0x0028, 0x1221)) {
            throw DICOMError.unsupportedPixelData(path: path, transferSyntax: file.transferSyntaxUID, reason: "segmented palette color lookup tables")
        }
        var tables: [[UInt16]] = []
        var first = 0, bits = 16
        for (descriptorTag, dataTag) in [(DICOMTag(0x0028, 0x1101), DICOMTag(0x0028, 0x1201)),
                                         (DICOMTag(0x0028, 0x1102), DICOMTag(0x0028, 0x1202)),
                                         (DICOMTag(0x0028, 0x1103), DICOMTag(0x0028, 0x1203))] {
            guard let descriptor = ds[descriptorTag] else { throw DICOMError.missingElement(path: path, tag: descriptorTag, needed: "the palette") }
            // US or SS: entries (0 means 65536), first mapped value, bits per entry.
            let d = descriptor.decode(UInt16.self).map(Int.init)
            guard d.count == 3, d[2] == 8 || d[2] == 16 else {
                throw DICOMError.invalidValue(path: path, tag: descriptorTag, value: "\(d)", expected: "entries, first mapped value, 8 or 16 bits")
            }
            let entries = d[0] == 0 ? 65536 : d[0]
            first = descriptor.vr == "SS" ? Int(Int16(truncatingIfNeeded: d[1])) : d[1]
            bits = d[2]
            let bytes: [UInt8]
            switch ds[dataTag]?.value {
            case .bytes(let b)?: bytes = b
            case .omitted?: bytes = try file.value(of: dataTag)
            default: throw DICOMError.missingElement(path: path, tag: dataTag, needed: "the palette")
            }
            // 8-bit entries may be packed two per 16-bit word.
            let table: [UInt16] = bits == 8 && bytes.count == entries ? bytes.map(UInt16.init)
                : stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
            guard table.count >= entries else {
                throw DICOMError.invalidValue(path: path, tag: dataTag, value: "\(table.count) entries", expected: "\(entries)")
            }
            tables.append(Array(table.prefix(entries)))
        }
        red = tables[0]; green = tables[1]; blue = tables[2]
        firstMapped = first
        bitsPerEntry = bits
    }

    /// Interleaved RGB for every index in `pixels` (indices clamp to the table).
    public func apply(_ pixels: DecodedPixels) -> [UInt16] {
        let indices = pixels.doubleValues
        var out = [UInt16](repeating: 0, count: indices.count * 3)
        let last = red.count - 1
        for (n, v) in indices.enumerated() {
            let i = min(max(Int(v) - firstMapped, 0), last)
            out[3 * n] = red[i]; out[3 * n + 1] = green[i]; out[3 * n + 2] = blue[i]
        }
        return out
    }
}
