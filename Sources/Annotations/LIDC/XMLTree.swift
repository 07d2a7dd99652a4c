import Foundation

/// One element of a parsed XML document: its local name (any namespace prefix dropped),
/// attributes, child elements, the text directly inside it and the line it starts on.
///
/// This is the small XML reader the LIDC annotations need, written here rather than
/// taken from Foundation: `XMLParser` lives in `FoundationXML` on Linux and needs libxml2
/// at run time, which would make the Annotations target (meant to need no system library)
/// depend on one; and our own reader gives the line of every element for error messages.
/// It reads well-formed XML 1.0 without a DTD: elements, attributes, character and
/// entity references, comments, CDATA, processing instructions.
public struct XMLTreeElement: Sendable, Equatable {
    /// The local name (`LidcReadMessage` for `<nih:LidcReadMessage>`).
    public var name: String
    /// Attributes by local name; namespace declarations are left out.
    public var attributes: [String: String]
    /// Child elements in document order.
    public var children: [XMLTreeElement]
    /// The element's own character data (not its children's), entities decoded.
    public var text: String
    /// The 1-based line of the start tag.
    public var line: Int

    /// Children with this local name, in order.
    public func children(named name: String) -> [XMLTreeElement] { children.filter { $0.name == name } }

    /// The first child with this local name.
    public func child(named name: String) -> XMLTreeElement? { children.first { $0.name == name } }
}

/// Parses XML bytes into an element tree, strictly: a truncated file, a tag closed by
/// the wrong name, an unknown entity or text after the root element is an error naming
/// the file and line.
public struct XMLTreeParser {
    private let bytes: [UInt8]
    private let file: String
    private var position = 0
    private var line = 1
    private var depth = 0
    /// Deeper nesting than this is refused rather than risking the stack (LIDC files nest 6 deep).
    public static let maximumDepth = 200

    /// Parses a whole document and returns its root element.
    public static func parse(_ data: Data, file: String) throws -> XMLTreeElement {
        var parser = XMLTreeParser(bytes: [UInt8](data), file: file)
        return try parser.document()
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func fail(_ reason: String) -> AnnotationError {
        .malformedXML(file: file, line: line, reason: reason)
    }

    private var atEnd: Bool { position >= bytes.count }
    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func advance() {
        if bytes[position] == UInt8(ascii: "\n") { line += 1 }
        position += 1
    }

    private func starts(with literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard position + n <= bytes.count else { return false }
        return literal.withUTF8Buffer { u in
            for o in 0..<n where bytes[position + o] != u[o] { return false }
            return true
        }
    }

    /// Skips past `terminator`, failing with `what` when the file ends first.
    private mutating func skip(past terminator: StaticString, what: String) throws {
        let first = terminator.withUTF8Buffer { $0[0] }
        while !atEnd {
            if bytes[position] == first && starts(with: terminator) {
                for _ in 0..<terminator.utf8CodeUnitCount { advance() }
                return
            }
            advance()
        }
        throw fail("the file ends inside \(what) (truncated?)")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            let c = bytes[position]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            if c == 0x0A { line += 1 }
            position += 1
        }
    }

    /// Skips the prolog and trailing misc (declaration, comments, PIs, a DOCTYPE without
    /// an internal subset) around the one root element.
    private mutating func document() throws -> XMLTreeElement {
        if starts(with: "\u{FEFF}") { position += 3 }
        var root: XMLTreeElement?
        while true {
            skipWhitespace()
            guard !atEnd else { break }
            if starts(with: "<?") {
                try skip(past: "?>", what: "a processing instruction")
            } else if starts(with: "<!--") {
                try skip(past: "-->", what: "a comment")
            } else if starts(with: "<!DOCTYPE") {
                guard root == nil else { throw fail("DOCTYPE after the root element") }
                try skip(past: ">", what: "the DOCTYPE")
            } else if current == UInt8(ascii: "<") {
                guard root == nil else { throw fail("a second root element") }
                root = try element()
            } else {
                throw fail(root == nil ? "text before the root element" : "text after the root element")
            }
        }
        guard let root else { throw fail("no root element (the file is empty?)") }
        return root
    }

    /// Parses one element starting at its `<`.
    private mutating func element() throws -> XMLTreeElement {
        let startLine = line
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw fail("elements nested more than \(Self.maximumDepth) deep") }
        advance() // <
        let qualified = try name()
        var attributes: [String: String] = [:]
        var selfClosing = false
        while true {
            skipWhitespace()
            guard let c = current else { throw fail("the file ends inside the start tag <\(qualified)> (truncated?)") }
            if c == UInt8(ascii: ">") { advance(); break }
            if c == UInt8(ascii: "/") {
                advance()
                guard current == UInt8(ascii: ">") else { throw fail("'/' not followed by '>' in <\(qualified)>") }
                advance()
                selfClosing = true
                break
            }
            let attribute = try name()
            skipWhitespace()
            guard current == UInt8(ascii: "=") else { throw fail("attribute '\(attribute)' of <\(qualified)> has no value") }
            advance()
            skipWhitespace()
            guard let quote = current, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw fail("attribute '\(attribute)' of <\(qualified)> is not quoted")
            }
            advance()
            let value = try characterData(until: quote, what: "attribute '\(attribute)'")
            advance() // closing quote
            if attribute == "xmlns" || attribute.hasPrefix("xmlns:") { continue }
            attributes[Self.localName(attribute)] = value
        }
        var node = XMLTreeElement(name: Self.localName(qualified), attributes: attributes, children: [], text: "", line: startLine)
        if selfClosing { return node }
        while true {
            guard let c = current else { throw fail("the file ends inside <\(qualified)> opened on line \(startLine) (truncated?)") }
            if c != UInt8(ascii: "<") {
                node.text += try characterData(until: UInt8(ascii: "<"), what: "the text of <\(qualified)>")
            } else if starts(with: "</") {
                advance(); advance()
                let closing = try name()
                skipWhitespace()
                guard current == UInt8(ascii: ">") else { throw fail("end tag </\(closing)> is not closed by '>'") }
                advance()
                guard closing == qualified else {
                    throw fail("<\(qualified)> opened on line \(startLine) is closed by </\(closing)>")
                }
                return node
            } else if starts(with: "<!--") {
                try skip(past: "-->", what: "a comment")
            } else if starts(with: "<![CDATA[") {
                position += 9
                let start = position
                try skip(past: "]]>", what: "a CDATA section")
                node.text += String(decoding: bytes[start..<(position - 3)], as: UTF8.self)
            } else if starts(with: "<?") {
                try skip(past: "?>", what: "a processing instruction")
            } else {
                node.children.append(try element())
            }
        }
    }

    /// A tag or attribute name (letters, digits, `_ - . :` and any non-ASCII byte).
    private mutating func name() throws -> String {
        let start = position
        while position < bytes.count, Self.isNameByte(bytes[position]) { position += 1 }
        guard position > start else {
            throw fail(atEnd ? "the file ends where a name was expected (truncated?)" : "a name was expected, found '\(Character(Unicode.Scalar(bytes[position])))'")
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":") || c >= 0x80
    }

    /// Text up to (not including) `terminator`, with references decoded. A `<` inside an
    /// attribute value is an error, as XML says.
    private mutating func characterData(until terminator: UInt8, what: String) throws -> String {
        var out: [UInt8] = []
        var runStart = position
        while true {
            guard position < bytes.count else { throw fail("the file ends inside \(what) (truncated?)") }
            let c = bytes[position]
            if c == terminator { break }
            if c == UInt8(ascii: "<") { throw fail("'<' inside \(what)") }
            if c == UInt8(ascii: "&") {
                out += bytes[runStart..<position]
                out += try reference()
                runStart = position
                continue
            }
            if c == UInt8(ascii: "\n") { line += 1 }
            position += 1
        }
        if out.isEmpty { return String(decoding: bytes[runStart..<position], as: UTF8.self) }
        out += bytes[runStart..<position]
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `&name;` or `&#n;` / `&#xh;` at the cursor.
    private mutating func reference() throws -> [UInt8] {
        let start = position
        while let c = current, c != UInt8(ascii: ";") {
            guard position - start < 12 else { throw fail("an '&' that starts no entity reference") }
            advance()
        }
        guard current == UInt8(ascii: ";") else { throw fail("the file ends inside an entity reference (truncated?)") }
        let body = String(decoding: bytes[(start + 1)..<position], as: UTF8.self)
        advance()
        switch body {
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "amp": return [UInt8(ascii: "&")]
        case "quot": return [UInt8(ascii: "\"")]
        case "apos": return [UInt8(ascii: "'")]
        default:
            var value: UInt32?
            if body.hasPrefix("#x") || body.hasPrefix("#X") { value = UInt32(body.dropFirst(2), radix: 16) }
            else if body.hasPrefix("#") { value = UInt32(body.dropFirst(1)) }
            guard let v = value, let scalar = Unicode.Scalar(v) else { throw fail("unknown entity '&\(body);'") }
            return Array(String(Character(scalar)).utf8)
        }
    }

    static func localName(_ qualified: String) -> String {
        guard let colon = qualified.lastIndex(of: ":") else { return qualified }
        return String(qualified[qualified.index(after: colon)...])
    }
}
