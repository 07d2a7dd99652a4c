import Foundation

/// The one sanitiser for every file name the toolkit derives from a UID (a series UID
/// from a DICOM header, a `seriesuid` column of a CSV, a scan's name): a UID becomes a
/// file name only when it cannot name anything outside its folder.
///
/// Two alphabets, both closed under that rule:
/// - `isDICOMUID`: a well-formed DICOM UID (PS3.5 9.1): 1–64 characters, digits and dots,
///   no empty component, no leading zero in a component.
/// - `isSafeName`: a DICOM UID, or a scan name as LUNA16-style folders use them: 1–128
///   ASCII letters, digits, `.`, `_` and `-`, not starting with `.` and without `..`.
///
/// Either way a `/`, a `..` step, a hidden name, a control character or any other
/// character is refused, never "cleaned" into a name that might collide with another.
public enum UIDFileName {
    /// The longest name `isSafeName` accepts (UTF-8 bytes).
    public static let maximumLength = 128

    /// True for a well-formed DICOM UID (PS3.5 9.1).
    public static func isDICOMUID(_ uid: String) -> Bool {
        guard !uid.isEmpty, uid.utf8.count <= 64 else { return false }
        for component in uid.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !component.isEmpty, component.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
            if component.count > 1 && component.first == UInt8(ascii: "0") { return false }
        }
        return true
    }

    /// True when `name` may be used as one file-name component inside an output folder.
    public static func isSafeName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength, bytes[0] != UInt8(ascii: ".") else { return false }
        guard !name.contains("..") else { return false }
        return bytes.allSatisfy { b in
            (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
                || b == UInt8(ascii: "-")
        }
    }

    /// `<uid><suffix>`, or nil when `uid` is not a safe name (`strictDICOM`: not a
    /// well-formed DICOM UID). The suffix is the caller's own ("_mask.mhd", ".json").
    public static func fileName(_ uid: String, suffix: String = "", strictDICOM: Bool = false) -> String? {
        (strictDICOM ? isDICOMUID(uid) : isSafeName(uid)) ? uid + suffix : nil
    }

    /// `folder/<uid><suffix>`, or `ImagingError.unsafeFileName` naming the UID, what it
    /// is (`source`, e.g. "series UID", "phantom seed 3") and the folder it would have left.
    public static func url(in folder: URL, uid: String, suffix: String = "", source: String) throws -> URL {
        guard let name = fileName(uid, suffix: suffix) else {
            throw ImagingError.unsafeFileName(uid: String(uid.prefix(96)), source: source, folder: folder.path)
        }
        return folder.appendingPathComponent(name)
    }

    /// Why `uid` is refused, in a few words, for error messages (nil when it is safe).
    public static func problem(_ uid: String) -> String? {
        if isSafeName(uid) { return nil }
        if uid.isEmpty { return "it is empty" }
        if uid.contains("/") || uid.contains("\\") { return "it holds a path separator" }
        if uid.contains("..") || uid.hasPrefix(".") { return "it holds '..' or starts with '.'" }
        if uid.utf8.count > maximumLength { return "it is longer than \(maximumLength) bytes" }
        return "it holds characters outside letters, digits, '.', '_' and '-'"
    }
}
