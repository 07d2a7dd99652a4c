import DICOM
import Foundation
import TestSupport
import XCTest

/// Element values against pydicom (Tests/Oracles/dicom_elements.py): text in every
/// character set, numbers, sequences; explicit/implicit VR, both byte orders,
/// deflated, with and without a meta header.
final class DatasetTests: XCTestCase {
    struct Oracle: Decodable {
        struct Element: Decodable { let tag: UInt32; let vr: String; let strings: [String]?; let numbers: [Double]?; let items: Int? }
        struct File: Decodable { let path: String; let transfer_syntax: String; let elements: [Element] }
        let files: [File]
    }

    /// Files whose character set we do not decode (none since the bridge's own ISO 2022
    /// Japanese converter).
    static let unsupportedCharacterSets: Set<String> = []

    /// pydicom keeps a space padding an inner value ("DERIVED \\PRIMARY") and drops a
    /// PN's empty trailing component groups; DICOM calls both insignificant.
    static func normalized(_ values: [String], vr: String) -> [String] {
        values.map { v in
            var s = String(v.reversed().drop { $0 == " " }.reversed())
            if vr == "PN" { while s.hasSuffix("=") { s.removeLast() } }
            return s
        }
    }

    func testEveryElementOfTheCorpusMatchesPydicom() throws {
        var readable: [URL] = []
        for url in try RealFileCorpus.files() where (try? DICOMFile(contentsOf: url)) != nil { readable.append(url) }
        XCTAssertGreaterThan(readable.count, 200)
        let oracle = try PythonOracle.json("dicom_elements.py", readable.map(\.path), as: Oracle.self)
        var checked = 0, mismatches: [String] = []
        for entry in oracle.files {
            let file = try DICOMFile(contentsOf: URL(fileURLWithPath: entry.path))
            let name = URL(fileURLWithPath: entry.path).lastPathComponent
            for expected in entry.elements {
                let tag = DICOMTag(rawValue: expected.tag)
                guard let element = tag.group == 0x0002 ? file.meta[tag] : file.dataset[tag] else {
                    mismatches.append("\(name) \(tag): missing")
                    continue
                }
                let ours = element.vr == "PN" ? Self.normalized(element.strings, vr: "PN") : element.strings
                if let strings = expected.strings.map({ Self.normalized($0, vr: element.vr) }), element.isText,
                   ours != strings, !Self.unsupportedCharacterSets.contains(name) {
                    mismatches.append("\(name) \(tag) \(element.vr): \(element.strings) vs pydicom \(strings)")
                } else if let numbers = expected.numbers, let ours = element.numbers, ours != numbers,
                          zip(ours, numbers).contains(where: { abs($0 - $1) > 1e-9 * max(1, abs($1)) }) || ours.count != numbers.count {
                    mismatches.append("\(name) \(tag) \(element.vr): \(ours) vs pydicom \(numbers)")
                } else if let items = expected.items, element.items.count != items {
                    mismatches.append("\(name) \(tag): \(element.items.count) items vs pydicom \(items)")
                }
                checked += 1
            }
        }
        print("dataset corpus: \(oracle.files.count) files, \(checked) elements checked, \(mismatches.count) mismatches")
        XCTAssertEqual(mismatches, [], mismatches.prefix(40).joined(separator: "\n"))
    }
}
