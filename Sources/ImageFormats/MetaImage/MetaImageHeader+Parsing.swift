import Foundation
import ImagingCore

// Parsing follows MetaIO (https://itk.org/Wiki/ITK/MetaIO/Documentation): `Key = Value`
// lines up to and including ElementDataFile, which must come last; for LIST the
// remaining lines name the data files.

extension MetaImageHeader {
    /// Header text longer than this without an ElementDataFile line is not a header.
    static let maximumHeaderBytes = 1 << 20

    /// Parses the header at the start of `bytes` (a whole .mhd, or the start of a .mha).
    public static func parse(_ bytes: Data, path: String) throws -> MetaImageHeader {
        var fields = MetaImageFields(path: path)
        var dataFileValue: String?
        var listFiles: [String] = []
        var end = 0
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var start = 0
            let limit = min(raw.count, maximumHeaderBytes)
            while start < raw.count {
                if dataFileValue == nil, start >= limit { break }
                var stop = start
                while stop < raw.count, raw[stop] != 0x0A { stop += 1 }
                let lineEnd = min(stop + 1, raw.count)
                let line = String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<stop]), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                start = lineEnd
                if dataFileValue != nil {
                    // Only a LIST header has more lines: one data file name per line.
                    if !line.isEmpty { listFiles.append(line) }
                    continue
                }
                guard !line.isEmpty, let eq = line.firstIndex(of: "=") else { continue }
                let key = line[..<eq].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                if key == "ElementDataFile" {
                    dataFileValue = value
                    end = lineEnd
                    if value.split(separator: " ").first?.uppercased() != "LIST" { break }
                } else {
                    fields.values[key] = value
                }
            }
        }
        guard let dataFileValue else { throw ImageFormatError.missingKey(path: path, key: "ElementDataFile") }
        return try fields.header(dataFile: dataFileValue, listFiles: listFiles, headerByteCount: end)
    }
}

/// The raw `key → value` text of a header and typed accessors that report bad values.
struct MetaImageFields {
    let path: String
    var values: [String: String] = [:]

    init(path: String) { self.path = path }

    /// The first key of `keys` present (synonyms), with its value.
    func first(_ keys: [String]) -> (key: String, value: String)? {
        for key in keys { if let v = values[key] { return (key, v) } }
        return nil
    }

    func required(_ key: String) throws -> String {
        guard let v = values[key] else { throw ImageFormatError.missingKey(path: path, key: key) }
        return v
    }

    func integer(_ key: String, _ text: String) throws -> Int {
        if let v = Int(text) { return v }
        if let d = Double(text), d == d.rounded(), abs(d) < 1e18 { return Int(d) }
        throw ImageFormatError.invalidValue(path: path, key: key, value: text, expected: "an integer")
    }

    func doubles(_ key: String, _ text: String, count: Int) throws -> [Double] {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == count else {
            throw ImageFormatError.wrongValueCount(path: path, key: key, found: parts.count, expected: count)
        }
        return try parts.map { part in
            guard let v = Double(part), v.isFinite else {
                throw ImageFormatError.invalidValue(path: path, key: key, value: text, expected: "\(count) finite numbers")
            }
            return v
        }
    }

    func boolean(_ keys: [String], default fallback: Bool) throws -> Bool {
        guard let (key, text) = first(keys) else { return fallback }
        switch text.first {
        case "T", "t", "1": return true
        case "F", "f", "0": return false
        default: throw ImageFormatError.invalidValue(path: path, key: key, value: text, expected: "True or False")
        }
    }

    func header(dataFile: String, listFiles: [String], headerByteCount: Int) throws -> MetaImageHeader {
        let n = try integer("NDims", try required("NDims"))
        guard n == 2 || n == 3 else {
            throw ImageFormatError.unsupportedFeature(path: path, key: "NDims", reason: "\(n)-dimensional images are not supported (only 2 and 3)")
        }
        let sizeText = try required("DimSize")
        let sizeParts = sizeText.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard sizeParts.count == n else {
            throw ImageFormatError.wrongValueCount(path: path, key: "DimSize", found: sizeParts.count, expected: n)
        }
        let size = try sizeParts.map { part -> Int in
            guard let v = Int(part) else {
                throw ImageFormatError.invalidValue(path: path, key: "DimSize", value: sizeText, expected: "\(n) positive integers")
            }
            guard v >= 1, v <= Int(Int32.max) else {
                throw ImageFormatError.invalidDimensions(path: path, key: "DimSize", value: sizeText)
            }
            return v
        }
        let typeText = try required("ElementType")
        guard let elementType = MetaImageElementType(rawValue: typeText) else {
            throw ImageFormatError.unsupportedElementType(path: path, key: "ElementType", value: typeText)
        }
        var channels = 1
        if let text = values["ElementNumberOfChannels"] {
            channels = try integer("ElementNumberOfChannels", text)
            guard channels >= 1, channels <= 4096 else {
                throw ImageFormatError.invalidValue(path: path, key: "ElementNumberOfChannels", value: text, expected: "1 to 4096")
            }
        }
        guard try boolean(["BinaryData"], default: true) else {
            throw ImageFormatError.unsupportedFeature(path: path, key: "BinaryData", reason: "ASCII voxel data is not supported")
        }
        let spacing = try first(["ElementSpacing", "ElementSize"]).map { try doubles($0.key, $0.value, count: n) }
            ?? Array(repeating: 1, count: n)
        let origin = try first(["Offset", "Position", "Origin"]).map { try doubles($0.key, $0.value, count: n) }
            ?? Array(repeating: 0, count: n)
        let transform = try first(["TransformMatrix", "Rotation", "Orientation"]).map { try doubles($0.key, $0.value, count: n * n) }
            ?? (0..<(n * n)).map { $0 % (n + 1) == 0 ? 1 : 0 }
        let compressedSize = try values["CompressedDataSize"].map { text -> Int in
            let v = try integer("CompressedDataSize", text)
            guard v > 0 else { throw ImageFormatError.invalidValue(path: path, key: "CompressedDataSize", value: text, expected: "a positive byte count") }
            return v
        }
        let headerSize = try values["HeaderSize"].map { text -> Int in
            let v = try integer("HeaderSize", text)
            guard v >= -1 else { throw ImageFormatError.invalidValue(path: path, key: "HeaderSize", value: text, expected: "-1 or a byte count") }
            return v
        } ?? 0
        var header = MetaImageHeader(
            geometry: ImageGeometry(unchecked: GridSize(1, 1, 1), origin: .zero, spacing: Vector3(1, 1, 1), direction: .identity),
            elementType: elementType,
            channelCount: channels, dataFile: try parseDataFile(dataFile, listFiles: listFiles, dimensions: n, size: size))
        header.dimensionCount = n
        header.size = size
        header.spacing = spacing
        header.origin = origin
        header.transformMatrix = transform
        header.isBigEndian = try boolean(["BinaryDataByteOrderMSB", "ElementByteOrderMSB"], default: false)
        header.isCompressed = try boolean(["CompressedData"], default: false)
        header.compressedDataSize = compressedSize
        header.headerSize = headerSize
        header.anatomicalOrientation = values["AnatomicalOrientation"]
        header.headerByteCount = headerByteCount
        return header
    }

    private func parseDataFile(_ value: String, listFiles: [String], dimensions n: Int, size: [Int]) throws -> MetaImageDataFile {
        if value == "LOCAL" { return .local }
        let words = value.split(separator: " ")
        guard words.first?.uppercased() == "LIST" else {
            if words.count == 4, value.contains("%") {
                throw ImageFormatError.unsupportedFeature(path: path, key: "ElementDataFile", reason: "numbered file patterns ('\(value)') are not supported; use LIST")
            }
            return .file(value)
        }
        var fileDims = n - 1
        if words.count > 1 {
            let text = words[1].uppercased().replacingOccurrences(of: "D", with: "")
            guard let d = Int(text), d >= 1, d <= n else {
                throw ImageFormatError.invalidValue(path: path, key: "ElementDataFile", value: value, expected: "LIST or LIST <1…\(n)>D")
            }
            fileDims = d
        }
        let expected = size[fileDims...].reduce(1, *)
        guard listFiles.count == expected else {
            throw ImageFormatError.wrongValueCount(path: path, key: "ElementDataFile LIST", found: listFiles.count, expected: expected)
        }
        return .list(fileDimensions: fileDims, files: listFiles)
    }
}
