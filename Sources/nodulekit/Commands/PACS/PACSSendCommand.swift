import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit pacs send`: C-STORE files and folders.
struct PACSSendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "C-STORE DICOM files and folders (recursively) to the PACS; exits non-zero when any file failed.",
        discussion: """
            Presentation contexts come from the files' SOP classes and transfer syntaxes. A \
            compressed file is sent as it is when the PACS accepts its syntax, otherwise it fails \
            with a message naming the file and the syntax. Non-DICOM files are skipped.
            """)
    @OptionGroup var peer: PeerOptions
    @Argument(help: "DICOM files or folders.") var paths: [String]
    @Option(help: "Parallel associations.") var associations = 1
    @Flag(help: "Decompress (JPEG, RLE, deflate) a file whose compressed syntax the PACS refuses, instead of failing it.")
    var decompress = false
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one file or folder") }
        guard associations >= 1, associations <= 64 else { throw ValidationError("--associations must be between 1 and 64") }
    }

    func run() throws {
        let plan = try StorePlan(paths: paths.map { URL(fileURLWithPath: $0) })
        let started = Date()
        let summary = try StoreSender.send(plan, to: peer.peer, associations: associations, decompressingRefused: decompress,
                                           progress: TerminalProgress(label: "send", quiet: outputOptions.quiet))
        let seconds = Date().timeIntervalSince(started)
        for (file, reason) in summary.skipped { FileHandle.standardError.write(Data("skipped \(file.path): \(reason)\n".utf8)) }
        for (file, status) in summary.warnings { print("warning \(file.path): status \(status)") }
        for (_, error) in summary.failed { FileHandle.standardError.write(Data("failed: \(error)\n".utf8)) }
        print(String(format: "%@ to %@ in %.2f s (%.0f instances/s, %d association%@)", summary.description, peer.peer.description,
                     seconds, Double(summary.sent.count) / max(seconds, 1e-6), associations, associations == 1 ? "" : "s"))
        if !summary.succeeded { throw ExitCode(1) }
    }
}
