import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit pacs`: DICOM networking as SCU.
struct PACSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pacs",
        abstract: "Talk to a PACS: C-ECHO, C-FIND, C-MOVE, C-GET and C-STORE (see Docs/PACS.md).",
        subcommands: [PACSEchoCommand.self, PACSFindCommand.self, PACSMoveCommand.self, PACSGetCommand.self, PACSSendCommand.self])
}

/// `nodulekit pacs echo`.
struct PACSEchoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "echo", abstract: "C-ECHO: check that the PACS answers.")
    @OptionGroup var peer: PeerOptions

    func run() throws {
        let started = Date()
        try QueryClient.echo(peer.peer)
        print(String(format: "C-ECHO %@: success in %.0f ms", peer.peer.description, Date().timeIntervalSince(started) * 1000))
    }
}

/// `nodulekit pacs move`.
struct PACSMoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "C-MOVE a study or series to an AE title the PACS knows (e.g. `nodulekit listen`).")
    @OptionGroup var peer: PeerOptions
    @OptionGroup var what: RetrieveOptions
    @Option(help: "The destination AE title (configured in the PACS with its host and port).") var destination: String

    func run() throws {
        let result = try Retriever.move(try what.query(), from: peer.peer, to: destination)
        print("C-MOVE to \(destination): \(result)")
    }
}

/// `nodulekit pacs get`.
struct PACSGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "C-GET a study or series into OUTPUT/<StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm (no PACS-side configuration needed).")
    @OptionGroup var peer: PeerOptions
    @OptionGroup var what: RetrieveOptions
    @Option(help: "Folder to write into.") var output: String

    func run() throws {
        let result = try Retriever.get(try what.query(), from: peer.peer, into: URL(fileURLWithPath: output))
        print("C-GET into \(output): \(result)")
    }
}
