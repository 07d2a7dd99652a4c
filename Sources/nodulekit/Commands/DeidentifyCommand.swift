import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit deidentify`: PS3.15 Basic Profile de-identification of a file or a folder.
struct DeidentifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deidentify",
        abstract: "De-identify DICOM files (PS3.15 Annex E Basic Application Level Confidentiality Profile).",
        discussion: """
            A folder is walked recursively; each copy is written atomically as \
            OUTPUT/<StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm under its new UIDs. A single \
            input file goes to OUTPUT itself when OUTPUT ends in .dcm. UIDs are replaced by \
            HMAC-SHA256 of the UID under the secret ("2.25." UIDs): the same secret gives the \
            same UIDs across runs, so a SEG and its CT stay linked. Pixel data is copied byte \
            for byte; files that may show burned-in identity are listed. Exits non-zero when a \
            file failed.
            """)
    @Argument(help: "A DICOM file or a folder.") var input: String
    @Argument(help: "Output folder (or .dcm file for one input file).") var output: String
    @Option(help: "Secret keying the UID hash and date offsets (default: $NODULEKIT_DEID_SECRET).") var secret: String?
    @Option(name: .customLong("option"),
            help: "retain-longitudinal-modified-dates | retain-patient-characteristics | retain-device-identity | clean-descriptors | retain-uids (repeatable).")
    var options: [String] = []
    @Flag(help: "Keep private tags (the profile removes them).") var keepPrivateTags = false

    func validate() throws {
        for o in options where DeidentificationOption(rawValue: o) == nil {
            throw ValidationError("unknown --option '\(o)'; expected one of \(DeidentificationOption.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        _ = try DeidentificationSecret.resolve(secret)
    }

    func run() throws {
        let key = try DeidentificationSecret.resolve(secret)
        let deidentifier = Deidentifier(secret: key, options: Set(options.compactMap(DeidentificationOption.init(rawValue:))),
                                        keepingPrivateTags: keepPrivateTags)
        let summary = try deidentifier.deidentify(from: URL(fileURLWithPath: input), to: URL(fileURLWithPath: output))
        for outcome in summary.burnedIn {
            print("burned-in? \(outcome.input.path): \(outcome.result.burnedInReason ?? "") -> \(outcome.output.path)")
        }
        for failure in summary.failed { FileHandle.standardError.write(Data("failed: \(failure.error)\n".utf8)) }
        print("de-identified \(summary.written.count) files (PS3.15 \(BasicProfile.edition) Basic Profile), \(summary.failed.count) failed, "
              + "\(summary.skipped.count) skipped (not DICOM or DICOMDIR), \(summary.sameInstanceUID.count) sharing a SOPInstanceUID (written as -2, -3…), \(summary.burnedIn.count) may hold burned-in annotation, into \(output)")
        if !summary.failed.isEmpty { throw ExitCode(1) }
    }
}
