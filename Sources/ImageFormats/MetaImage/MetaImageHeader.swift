import Foundation
import ImagingCore

/// A MetaImage element type (`ElementType = MET_…`). MET_LONG and MET_ULONG are 4 bytes
/// in MetaIO's size table, so they read as Int32 and UInt32.
public enum MetaImageElementType: String, Sendable, CaseIterable {
    case uchar = "MET_UCHAR", char = "MET_CHAR", short = "MET_SHORT", ushort = "MET_USHORT"
    case int = "MET_INT", uint = "MET_UINT", long = "MET_LONG", ulong = "MET_ULONG"
    case float = "MET_FLOAT", double = "MET_DOUBLE"

    /// The voxel type the values are read into.
    public var voxelType: VoxelType {
        switch self {
        case .uchar: return .uint8
        case .char: return .int8
        case .short: return .int16
        case .ushort: return .uint16
        case .int, .long: return .int32
        case .uint, .ulong: return .uint32
        case .float: return .float32
        case .double: return .float64
        }
    }

    /// The element type ITK writes for a voxel type.
    public init(_ voxelType: VoxelType) {
        switch voxelType {
        case .uint8: self = .uchar
        case .int8: self = .char
        case .int16: self = .short
        case .uint16: self = .ushort
        case .int32: self = .int
        case .uint32: self = .uint
        case .float32: self = .float
        case .float64: self = .double
        }
    }
}

/// Where a MetaImage's voxels are (`ElementDataFile`).
public enum MetaImageDataFile: Sendable, Equatable {
    /// In the header file itself, right after the header text (`LOCAL`, as in .mha).
    case local
    /// In one file beside the header (.raw, or .zraw when compressed).
    case file(String)
    /// One file per `fileDimensions`-dimensional chunk (`LIST` / `LIST 2D`), named on
    /// the lines after the key, slowest axis last.
    case list(fileDimensions: Int, files: [String])
}

/// A parsed MetaImage (.mhd/.mha) header. Arrays hold `dimensionCount` values (or its
/// square for the transform); `geometry(path:)` lifts a 2-D header into 3-D.
public struct MetaImageHeader: Sendable, Equatable {
    /// `NDims`: 2 or 3.
    public var dimensionCount: Int
    /// `DimSize`.
    public var size: [Int]
    /// `ElementType`.
    public var elementType: MetaImageElementType
    /// `ElementNumberOfChannels` (values per voxel, interleaved).
    public var channelCount: Int
    /// `ElementSpacing` (or `ElementSize` when spacing is absent), in mm.
    public var spacing: [Double]
    /// `Offset` (synonyms `Position`, `Origin`): world position of voxel 0, LPS mm.
    public var origin: [Double]
    /// `TransformMatrix` (synonyms `Rotation`, `Orientation`) as listed in the file:
    /// column by column, i.e. the first `dimensionCount` values are the world direction
    /// of the i axis. ITK's MetaImageIO fills direction column `ii` from values
    /// `ii*N ..< (ii+1)*N` (MetaImageIO::ReadImageInformation).
    public var transformMatrix: [Double]
    /// `BinaryDataByteOrderMSB` / `ElementByteOrderMSB`.
    public var isBigEndian: Bool
    /// `CompressedData`: voxels are one zlib stream.
    public var isCompressed: Bool
    /// `CompressedDataSize`, when given.
    public var compressedDataSize: Int?
    /// `HeaderSize`: bytes to skip at the start of the data; -1 means the data are the
    /// last bytes of the file.
    public var headerSize: Int
    /// `AnatomicalOrientation`, kept as written (e.g. "RAI", "??").
    public var anatomicalOrientation: String?
    /// `ElementDataFile`.
    public var dataFile: MetaImageDataFile
    /// Byte offset just past the header text (where LOCAL data begin).
    public var headerByteCount: Int

    /// A header describing `geometry` for writing (NDims 3, little-endian on this machine's order).
    public init(geometry: ImageGeometry, elementType: MetaImageElementType, channelCount: Int,
                dataFile: MetaImageDataFile, compressedDataSize: Int? = nil) {
        let g = geometry
        let flat = g.size.k == 1 && g.origin.z == 0 && g.spacing.z == 1
            && g.direction.column(2) == Vector3(0, 0, 1) && g.direction[2, 0] == 0 && g.direction[2, 1] == 0
        let n = flat ? 2 : 3
        dimensionCount = n
        size = Array([g.size.i, g.size.j, g.size.k].prefix(n))
        self.elementType = elementType
        self.channelCount = channelCount
        spacing = Array([g.spacing.x, g.spacing.y, g.spacing.z].prefix(n))
        origin = Array([g.origin.x, g.origin.y, g.origin.z].prefix(n))
        transformMatrix = (0..<n).flatMap { c in (0..<n).map { r in g.direction[r, c] } }
        isBigEndian = VoxelBytes.hostIsBigEndian
        isCompressed = compressedDataSize != nil
        self.compressedDataSize = compressedDataSize
        headerSize = 0
        anatomicalOrientation = Self.orientationCode(g.direction, dimensions: n)
        self.dataFile = dataFile
        headerByteCount = 0
    }

    /// The geometry the header describes, validated by `ImageGeometry.validate()`.
    /// A 2-D header gets k size 1, spacing 1 and the identity in the third row/column.
    public func geometry(path: String) throws -> ImageGeometry {
        let n = dimensionCount
        func third(_ a: [Double], _ fill: Double) -> Vector3 { Vector3(a[0], a[1], n == 3 ? a[2] : fill) }
        var direction = Matrix3.identity
        for c in 0..<n { for r in 0..<n { direction[r, c] = transformMatrix[c * n + r] } }
        let geometry = ImageGeometry(unchecked: GridSize(size[0], size[1], n == 3 ? size[2] : 1),
                                     origin: third(origin, 0), spacing: third(spacing, 1), direction: direction)
        do {
            try geometry.validate()
        } catch let error as ImagingError {
            let key: String
            switch error {
            case .nonPositiveSpacing: key = "ElementSpacing"
            case .invalidSize: key = "DimSize"
            case .nonFiniteGeometry(let what): key = what == "origin" ? "Offset" : "TransformMatrix"
            default: key = "TransformMatrix"
            }
            throw ImageFormatError.invalidGeometry(path: path, key: key, reason: error.description)
        }
        return geometry
    }

    /// The header text as ITK writes it, ending with the ElementDataFile line(s).
    public var text: String {
        var lines = [
            "ObjectType = Image",
            "NDims = \(dimensionCount)",
            "BinaryData = True",
            "BinaryDataByteOrderMSB = \(isBigEndian ? "True" : "False")",
            "CompressedData = \(isCompressed ? "True" : "False")",
        ]
        if let c = compressedDataSize { lines.append("CompressedDataSize = \(c)") }
        lines += [
            "TransformMatrix = " + transformMatrix.map(Self.format).joined(separator: " "),
            "Offset = " + origin.map(Self.format).joined(separator: " "),
            "CenterOfRotation = " + Array(repeating: "0", count: dimensionCount).joined(separator: " "),
            "AnatomicalOrientation = \(anatomicalOrientation ?? "??")",
            "ElementSpacing = " + spacing.map(Self.format).joined(separator: " "),
            "DimSize = " + size.map(String.init).joined(separator: " "),
        ]
        if headerSize != 0 { lines.append("HeaderSize = \(headerSize)") }
        if channelCount > 1 { lines.append("ElementNumberOfChannels = \(channelCount)") }
        lines.append("ElementType = \(elementType.rawValue)")
        switch dataFile {
        case .local: lines.append("ElementDataFile = LOCAL")
        case .file(let name): lines.append("ElementDataFile = \(name)")
        case .list(let d, let files): lines.append("ElementDataFile = LIST \(d)D"); lines += files
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Shortest text that reads back to the same Double ("1", "0.5", "-0.8660254037844386").
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    /// ITK's three-letter code: for each axis, the side it points away from
    /// (identity in LPS is "RAI").
    static func orientationCode(_ d: Matrix3, dimensions: Int) -> String {
        let letters: [(Character, Character)] = [("R", "L"), ("A", "P"), ("I", "S")]
        return String((0..<dimensions).map { c -> Character in
            let col = d.column(c)
            let magnitudes = [abs(col.x), abs(col.y), abs(col.z)]
            let axis = magnitudes.firstIndex(of: magnitudes.max() ?? 0) ?? 0
            return col[axis] >= 0 ? letters[axis].0 : letters[axis].1
        })
    }
}
