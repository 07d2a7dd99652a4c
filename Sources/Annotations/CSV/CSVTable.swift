import Foundation

/// A parsed CSV file: a header and rows, each row remembering its 1-based line number.
/// Follows RFC 4180 (quoted fields, doubled quotes), tolerates CRLF and blank lines, and
/// trims spaces around unquoted fields.
public struct CSVTable: Sendable {
    /// One data row and the line it started on.
    public struct Row: Sendable {
        public var fields: [String]
        public var line: Int
    }

    /// The file name used in error messages.
    public var source: String
    /// Column names from the first non-blank row.
    public var header: [String]
    /// The data rows.
    public var rows: [Row]

    /// Parses CSV text. `source` names the file in errors.
    public init(text: String, source: String) throws {
        self.source = source
        // Spreadsheet exports often start with a byte-order mark.
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        var records = try CSVTable.parseRecords(body, source: source)
        guard !records.isEmpty else { throw AnnotationError.missingHeader(file: source) }
        let first = records.removeFirst()
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        rows = records
        for row in rows where row.fields.count != header.count {
            throw AnnotationError.wrongFieldCount(file: source, line: row.line, expected: header.count, found: row.fields.count)
        }
    }

    /// Reads and parses a CSV file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AnnotationError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(text: String(decoding: data, as: UTF8.self), source: url.path)
    }

    /// Index of a column by name (case-insensitive), or an error naming the header.
    public func column(_ name: String) throws -> Int {
        if let i = header.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) { return i }
        throw AnnotationError.missingColumn(file: source, column: name, header: header)
    }

    /// Parses a Double field or throws naming line and column.
    public func double(_ row: Row, _ column: Int) throws -> Double {
        let text = row.fields[column]
        guard let v = Double(text), v.isFinite else {
            throw AnnotationError.badField(file: source, line: row.line, column: header[column], value: text, expected: "a finite number")
        }
        return v
    }

    /// Parses an Int field or throws naming line and column.
    public func int(_ row: Row, _ column: Int) throws -> Int {
        let text = row.fields[column]
        if let v = Int(text) { return v }
        // Some exports write integers as 1.0.
        if let d = Double(text), d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        throw AnnotationError.badField(file: source, line: row.line, column: header[column], value: text, expected: "an integer")
    }

    /// Splits text into records. Blank lines (outside quotes) are skipped.
    static func parseRecords(_ text: String, source: String) throws -> [Row] {
        var records: [Row] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var wasQuoted = false
        var line = 1
        var recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endField() {
            fields.append(wasQuoted ? field : field.trimmingCharacters(in: .whitespaces))
            field = ""
            wasQuoted = false
        }
        func endRecord() {
            endField()
            let blank = fields.count == 1 && fields[0].isEmpty
            if !blank { records.append(Row(fields: fields, line: recordLine)) }
            fields = []
        }

        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.trimmingCharacters(in: .whitespaces).isEmpty:
                inQuotes = true
                wasQuoted = true
                field = ""
            case ",":
                endField()
            case "\r":
                let next = iterator.next()
                if next != "\n" { pending = next }
                endRecord(); line += 1; recordLine = line
            case "\n":
                endRecord(); line += 1; recordLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw AnnotationError.unterminatedQuote(file: source, line: recordLine) }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }
}

/// Builds CSV text with RFC 4180 quoting where a field needs it.
public struct CSVWriter: Sendable {
    private(set) public var text: String

    /// Starts a file with a header row.
    public init(header: [String]) {
        text = ""
        append(header)
    }

    /// Appends one row.
    public mutating func append(_ fields: [String]) {
        text += fields.map(CSVWriter.quoted).joined(separator: ",") + "\n"
    }

    static func quoted(_ field: String) -> String {
        // Quote separators, quotes, line breaks, and edge spaces (the reader trims unquoted ones).
        let needsQuotes = field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || field.first == " " || field.last == " "
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
