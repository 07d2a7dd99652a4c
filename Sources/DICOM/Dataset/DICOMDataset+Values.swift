/// Typed access. Absent elements give nil (or []); present but malformed values throw
/// `DICOMError.invalidValue`, so a bad number is never silently read as missing.
extension DICOMDataset {
    /// The first value of a text element, trimmed; nil when absent or empty.
    public func string(_ tag: DICOMTag) -> String? {
        guard let first = self[tag]?.strings.first, !first.isEmpty else { return nil }
        return first
    }

    /// All values of a text element.
    public func strings(_ tag: DICOMTag) -> [String] { self[tag]?.strings ?? [] }

    /// All numeric values; [] when absent; throws when a value does not parse.
    public func doubles(_ tag: DICOMTag, path: String = "") throws -> [Double] {
        guard let element = self[tag] else { return [] }
        guard let values = element.numbers else {
            throw DICOMError.invalidValue(path: path, tag: tag, value: element.text ?? "\(element.bytes.count) bytes", expected: "numbers")
        }
        return values
    }

    /// The first numeric value, or nil when absent or empty.
    public func double(_ tag: DICOMTag, path: String = "") throws -> Double? {
        try doubles(tag, path: path).first
    }

    /// The first value as an integer, or nil when absent; throws when not integral.
    public func int(_ tag: DICOMTag, path: String = "") throws -> Int? {
        guard let v = try double(tag, path: path) else { return nil }
        guard v.rounded() == v, abs(v) < 1e15 else {
            throw DICOMError.invalidValue(path: path, tag: tag, value: "\(v)", expected: "an integer")
        }
        return Int(v)
    }

    /// The first numeric value; throws `missingElement` when absent.
    public func requireDouble(_ tag: DICOMTag, path: String = "", for purpose: String) throws -> Double {
        guard let v = try double(tag, path: path) else { throw DICOMError.missingElement(path: path, tag: tag, needed: purpose) }
        return v
    }

    /// Exactly `count` numeric values; throws when absent or of another count.
    public func requireDoubles(_ tag: DICOMTag, count: Int, path: String = "", for purpose: String) throws -> [Double] {
        guard contains(tag) else { throw DICOMError.missingElement(path: path, tag: tag, needed: purpose) }
        let v = try doubles(tag, path: path)
        guard v.count == count, v.allSatisfy(\.isFinite) else {
            throw DICOMError.invalidValue(path: path, tag: tag, value: v.map { "\($0)" }.joined(separator: "\\"), expected: "\(count) finite numbers")
        }
        return v
    }

    /// A DA value; nil when absent, throws when malformed.
    public func date(_ tag: DICOMTag, path: String = "") throws -> DICOMDate? {
        guard let s = string(tag) else { return nil }
        guard let d = DICOMDate(s) else { throw DICOMError.invalidValue(path: path, tag: tag, value: s, expected: "a date YYYYMMDD") }
        return d
    }

    /// A TM value; nil when absent, throws when malformed.
    public func time(_ tag: DICOMTag, path: String = "") throws -> DICOMTime? {
        guard let s = string(tag) else { return nil }
        guard let t = DICOMTime(s) else { throw DICOMError.invalidValue(path: path, tag: tag, value: s, expected: "a time HHMMSS.FFFFFF") }
        return t
    }

    /// A DT value; nil when absent, throws when malformed.
    public func dateTime(_ tag: DICOMTag, path: String = "") throws -> DICOMDateTime? {
        guard let s = string(tag) else { return nil }
        guard let t = DICOMDateTime(s) else { throw DICOMError.invalidValue(path: path, tag: tag, value: s, expected: "a date-time YYYYMMDDHHMMSS") }
        return t
    }

    /// The items of a sequence ([] when absent).
    public func sequence(_ tag: DICOMTag) -> [DICOMDataset] { self[tag]?.items ?? [] }
}
