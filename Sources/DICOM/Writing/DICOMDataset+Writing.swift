import CDICOMBridge
import Foundation
import ImagingCore

extension DICOMDataset {
    /// Writes the dataset as a Part 10 file (explicit VR little endian; the meta header
    /// is made from SOPClassUID and SOPInstanceUID, which must be present), atomically:
    /// an interrupted write leaves no file.
    public func write(to url: URL) throws {
        let writer = try makeFileWriter(for: url)
        defer { ndk_writer_free(writer) }
        try put(self, into: writer, path: url.path)
        try AtomicFile.write(to: url) { tmp in
            var error = ndk_error()
            guard ndk_writer_save(writer, tmp.path, &error) == 0 else {
                throw DICOMError.writeFailed(path: url.path, reason: BridgeError.message(error))
            }
        }
    }

    /// Writes the dataset atomically with the pixel data of `source` copied unchanged and in
    /// `source`'s transfer syntax (compressed pixels stay compressed, byte for byte): a
    /// header rewrite, as de-identification needs. The dataset's own pixel elements are
    /// ignored.
    public func write(to url: URL, pixelsFrom source: DICOMFile) throws {
        let writer = try makeFileWriter(for: url)
        defer { ndk_writer_free(writer) }
        let pixelTags: Set<DICOMTag> = [DICOMTag(0x7FE0, 0x0008), DICOMTag(0x7FE0, 0x0009), DICOMTag(0x7FE0, 0x0010)]
        try put(DICOMDataset(elements: elements.filter { !pixelTags.contains($0.tag) }), into: writer, path: url.path)
        try AtomicFile.write(to: url) { tmp in
            var error = ndk_error()
            guard ndk_writer_save_with_pixels(writer, source.handle, tmp.path, &error) == 0 else {
                throw DICOMError.writeFailed(path: url.path, reason: BridgeError.message(error))
            }
        }
    }

    /// A bridge writer for a Part 10 file at `url` (freed by the caller); checks the UIDs the
    /// meta header needs.
    private func makeFileWriter(for url: URL) throws -> OpaquePointer {
        try DICOMLibrary.ensureInitialized()
        for required in [DICOMTag.sopClassUID, .sopInstanceUID] where string(required) == nil {
            throw DICOMError.writeFailed(path: url.path, reason: "\(required) is required for the meta header")
        }
        var error = ndk_error()
        guard let writer = ndk_writer_create(&error) else { throw DICOMError.writeFailed(path: url.path, reason: BridgeError.message(error)) }
        return writer
    }

    /// The dataset encoded as DICOM bytes (explicit VR little endian, no meta header): a
    /// query identifier for the network, or a dataset for `DICOMFile(data:)`.
    public func encoded() throws -> [UInt8] {
        try DICOMLibrary.ensureInitialized()
        var error = ndk_error()
        guard let writer = ndk_writer_create(&error) else { throw DICOMError.writeFailed(path: "<memory>", reason: BridgeError.message(error)) }
        defer { ndk_writer_free(writer) }
        try put(self, into: writer, path: "<memory>")
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ndk_writer_encode(writer, &bytes, &length, &error) == 0, let bytes else {
            throw DICOMError.writeFailed(path: "<memory>", reason: BridgeError.message(error))
        }
        defer { ndk_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }

    private func put(_ item: DICOMDataset, into writer: OpaquePointer, path: String) throws {
        var error = ndk_error()
        for element in item.elements where element.tag.group != 0x0002 {
            let vr = Array(element.vr.utf8.prefix(2)).map { CChar(bitPattern: $0) }
            guard vr.count == 2 else { throw DICOMError.writeFailed(path: path, reason: "\(element.tag) has VR '\(element.vr)'") }
            switch element.value {
            case .bytes(let bytes):
                let status = bytes.withUnsafeBufferPointer { ndk_writer_put(writer, element.tag.rawValue, vr, $0.baseAddress, $0.count, &error) }
                guard status == 0 else { throw DICOMError.writeFailed(path: path, reason: BridgeError.message(error)) }
            case .sequence(let items):
                if items.isEmpty {
                    guard ndk_writer_put(writer, element.tag.rawValue, vr, nil, 0, &error) == 0 else {
                        throw DICOMError.writeFailed(path: path, reason: BridgeError.message(error))
                    }
                }
                for child in items {
                    guard ndk_writer_begin_item(writer, element.tag.rawValue, &error) == 0 else {
                        throw DICOMError.writeFailed(path: path, reason: BridgeError.message(error))
                    }
                    try put(child, into: writer, path: path)
                    guard ndk_writer_end_item(writer, &error) == 0 else { throw DICOMError.writeFailed(path: path, reason: BridgeError.message(error)) }
                }
            case .omitted:
                throw DICOMError.writeFailed(path: path, reason: "\(element.tag) was not read (omitted value); read it with DICOMFile.value(of:) first")
            }
        }
    }
}
