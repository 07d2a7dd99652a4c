import Foundation
import ImagingCore

/// Remembers which items of a batch job are finished, so a rerun skips them: one small
/// JSON record per item under `<output>/.nodulekit/`, written atomically after the item's
/// outputs, holding a fingerprint of everything that decides those outputs.
public struct ResumeStore<Record: Codable>: Sendable {
    /// Where the records live (`<output>/.nodulekit`).
    public let folder: URL

    /// The store of the job writing into `outputFolder`.
    public init(outputFolder: URL) { folder = outputFolder.appendingPathComponent(".nodulekit") }

    private struct Entry: Codable {
        var key: String
        var record: Record
    }

    /// `<folder>/<item>.json`; an item (a series UID) that is not a safe file name
    /// (`UIDFileName`) is refused, so a record never lands outside the folder.
    private func url(_ item: String) throws -> URL {
        try UIDFileName.url(in: folder, uid: item, suffix: ".json", source: "resume record of \(folder.deletingLastPathComponent().path)")
    }

    /// The record of a finished item whose fingerprint is `key`, or nil (always nil for an
    /// item that cannot name a file).
    public func finished(_ item: String, key: String) -> Record? {
        guard let url = try? url(item), let data = try? Data(contentsOf: url),
              let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.key == key else { return nil }
        return entry.record
    }

    /// Marks an item finished; throws `ImagingError.unsafeFileName` for an item that
    /// cannot name a file.
    public func record(_ record: Record, for item: String, key: String) throws {
        try AtomicFile.write(try JSONEncoder().encode(Entry(key: key, record: record)), to: url(item))
    }

    /// A short fingerprint of a text (FNV-1a, 64 bits).
    public static func fingerprint(_ text: String) -> String { String(hash(text), radix: 16) }

    /// FNV-1a (64 bits) of a text: stable across runs and machines, unlike `hashValue`.
    public static func hash(_ text: String) -> UInt64 {
        var hash = FNV1a()
        for byte in text.utf8 { hash.add(UInt64(byte)) }
        return hash.value
    }
}

/// The FNV-1a hash (64 bits), fed one value at a time: bytes of a text, or whole words of
/// data when hashing arrays. Stable across runs and machines, unlike `hashValue`.
public struct FNV1a: Sendable {
    /// The hash of everything added so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Mixes in one value.
    @inline(__always) public mutating func add(_ x: UInt64) {
        value = (value ^ x) &* 0x100_0000_01b3
    }
}
