import CDICOMBridge
import Foundation

/// An open DICOM file (Part 10 or a bare dataset; any transfer syntax DCMTK parses). The
/// header is read when the file opens; pixel data only when decoded. Not shareable
/// across threads (open one per task); closing happens when the value is released.
public final class DICOMFile {
    /// Where the file came from ("<memory>" for in-memory data).
    public let path: String
    /// The meta header group (0002); empty for a bare dataset.
    public let meta: DICOMDataset
    /// The dataset, with text converted to UTF-8 when the character set allowed it.
    public let dataset: DICOMDataset
    /// The transfer syntax UID the dataset was encoded with.
    public let transferSyntaxUID: String
    /// Whether SpecificCharacterSet text was converted to UTF-8.
    public let characterSetConverted: Bool

    let handle: OpaquePointer

    /// Values larger than this are left out of `dataset` (read them with `value(of:)`).
    public static let headerValueLimit: UInt32 = 256 * 1024

    /// Opens and parses `url`. Throws `DICOMError.unreadable` or `.notDICOM`.
    public convenience init(contentsOf url: URL) throws {
        try self.init(contentsOf: url, convertingHeader: true)
    }

    /// Parses a dataset held in memory (the bytes are copied).
    public convenience init(data: Data, name: String = "<memory>") throws {
        try DICOMLibrary.ensureInitialized()
        var error = ndk_error()
        let handle = data.withUnsafeBytes { raw in
            ndk_open_memory(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, &error)
        }
        guard let handle else { throw BridgeError.make(error, path: name) }
        try self.init(handle: handle, path: name, header: Self.header(of: handle, path: name))
    }

    /// Opens `url`; with `convertingHeader` false, `meta` and `dataset` stay empty (the
    /// series loader only decodes pixels and has the header already).
    convenience init(contentsOf url: URL, convertingHeader: Bool) throws {
        try DICOMLibrary.ensureInitialized()
        var error = ndk_error()
        guard let handle = ndk_open_file(url.path, &error) else { throw BridgeError.make(error, path: url.path) }
        try self.init(handle: handle, path: url.path, header: convertingHeader ? Self.header(of: handle, path: url.path) : nil)
    }

    private init(handle: OpaquePointer, path: String, header: HeaderDecoder.Header?) {
        self.handle = handle
        self.path = path
        meta = header?.meta ?? DICOMDataset(elements: [])
        dataset = header?.dataset ?? DICOMDataset(elements: [])
        transferSyntaxUID = header?.transferSyntaxUID ?? ""
        characterSetConverted = header?.characterSetConverted ?? false
    }

    /// Reads the bridge's serialized header; closes the handle when that fails.
    private static func header(of handle: OpaquePointer, path: String) throws -> HeaderDecoder.Header {
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = ndk_error()
        guard ndk_serialize_header(handle, headerValueLimit, &bytes, &length, &error) == 0, let bytes else {
            ndk_close(handle)
            throw BridgeError.make(error, path: path)
        }
        defer { ndk_free(bytes) }
        do {
            return try HeaderDecoder.decode(UnsafeRawBufferPointer(start: bytes, count: length))
        } catch {
            ndk_close(handle)
            throw DICOMError.library(path: path, code: Int32(NDK_E_INTERNAL), reason: "the bridge's header encoding was truncated")
        }
    }

    deinit { ndk_close(handle) }

    /// The full value of a top-level element, including ones left out of `dataset`.
    public func value(of tag: DICOMTag) throws -> [UInt8] {
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = ndk_error()
        guard ndk_read_value(handle, tag.rawValue, &bytes, &length, &error) == 0, let bytes else {
            throw BridgeError.make(error, path: path)
        }
        defer { ndk_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }

    /// A dcmdump-style listing of every element (long values shortened).
    public func dump() throws -> String {
        var text: UnsafeMutablePointer<CChar>?
        var error = ndk_error()
        guard ndk_dump(handle, &text, &error) == 0, let text else { throw BridgeError.make(error, path: path) }
        defer { ndk_free(text) }
        return String(cString: text)
    }

    /// Opens a file and returns its dataset only (the handle is closed at once).
    public static func readDataset(at url: URL) throws -> DICOMDataset {
        try DICOMFile(contentsOf: url).dataset
    }
}
