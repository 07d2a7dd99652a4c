import ArgumentParser
import DICOM
import Foundation

/// `nodulekit suv PATH`: the body-weight SUV scale factor of a PET file or series and
/// every input it used (vendor-neutral rules; Philips CNTS private factors).
struct SuvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suv",
        abstract: "Print the body-weight SUV scale factor of a PET file or series (SUV = rescaled value x factor).")

    @Argument(help: "A PET DICOM file, or a folder holding one PET series.")
    var path: String

    @Flag(help: "Print JSON (the factor under the key suvbw_factor).")
    var json = false

    func run() throws {
        let suv = try SUVCalculator.bodyWeight(at: URL(fileURLWithPath: path))
        print(json ? try suv.json() : suv.text)
    }
}
