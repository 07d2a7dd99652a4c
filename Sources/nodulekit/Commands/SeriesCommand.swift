import ArgumentParser
import DICOM
import Foundation

/// `nodulekit series DIR`: the DICOM series under a folder, with size, spacing and the
/// problems found (missing slices, duplicates, non-uniform spacing, gantry tilt…).
struct SeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "List the DICOM series in a folder tree: modality, slices, size, spacing, problems.")

    @Argument(help: "A folder (searched recursively; non-DICOM files are skipped) or one DICOM file.")
    var path: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        let scan = try SeriesScanner.scan(URL(fileURLWithPath: path), progress: TerminalProgress(label: "series", quiet: quiet || json))
        let summary = SeriesScanSummary(scan)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.text)
        }
    }
}
