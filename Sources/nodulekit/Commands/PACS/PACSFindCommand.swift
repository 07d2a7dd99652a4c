import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit pacs find`: C-FIND, results as a table.
struct PACSFindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "C-FIND patients, studies or series; prints a table (tab-separated with --tsv).",
        discussion: """
            Keys are DICOM keywords: --key PatientID=C3N-00247 --key StudyDate=20100101-20101231 \
            --key PatientName='DOE^*'. Wildcards * and ?, date and time ranges A-B, A- and -B, and \
            backslash-separated UID lists match as PS3.4 C.2.2.2 says. A key without a value \
            (--key BodyPartExamined=) is returned without matching.
            """)
    @OptionGroup var peer: PeerOptions
    @Option(help: "patient, study or series.") var level = "study"
    @Option(help: "Information model: study (Study Root) or patient (Patient Root).") var model = "study"
    @Option(name: .shortAndLong, help: "A matching or return key, KEYWORD=VALUE (repeatable).") var key: [String] = []
    @Flag(help: "Tab-separated output with a header row.") var tsv = false

    func query() throws -> DICOMQuery {
        guard let l = QueryLevel(rawValue: level.uppercased()), l != .image else { throw ValidationError("--level must be patient, study or series") }
        guard let m = QueryModel(rawValue: model) else { throw ValidationError("--model must be study or patient") }
        if m == .studyRoot, l == .patient { throw ValidationError("patient-level queries need --model patient") }
        var q = try DICOMQuery(level: l, model: m)
        for k in key {
            guard let eq = k.firstIndex(of: "=") else { throw ValidationError("--key takes KEYWORD=VALUE, got '\(k)'") }
            try q.set(String(k[..<eq]), String(k[k.index(after: eq)...]))
        }
        return q
    }

    func validate() throws { _ = try query() }

    func run() throws {
        let q = try query()
        let results = try QueryClient.find(q, on: peer.peer)
        let columns = q.keys.keys.sorted().filter { $0 != .queryRetrieveLevel }
        let header = columns.map { $0.keyword ?? "\($0)" }
        let rows = results.map { ds in columns.map { ds.strings($0).joined(separator: "\\") } }
        if tsv {
            print(header.joined(separator: "\t"))
            for r in rows { print(r.joined(separator: "\t")) }
        } else {
            let widths = columns.indices.map { c in min(64, ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0) }
            let line = { (cells: [String]) in zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ") }
            print(line(header))
            for r in rows { print(line(r)) }
        }
        FileHandle.standardError.write(Data("\(results.count) \(q.level.rawValue.lowercased()) match\(results.count == 1 ? "" : "es")\n".utf8))
    }
}
