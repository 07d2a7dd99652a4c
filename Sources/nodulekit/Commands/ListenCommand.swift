import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit listen`: a storage SCP until SIGINT/SIGTERM.
struct ListenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Receive DICOM (C-STORE, C-ECHO) into OUTPUT/<StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm until interrupted.",
        discussion: """
            Each instance is written atomically (temporary name, then rename). UIDs that are not \
            valid UIDs (a '/', '..' or any character but digits and dots) are refused with status \
            C000 and logged, never used as paths. Associations calling another AE title than \
            --ae-title, or from a calling AE title not given with --allow, are rejected. Stops \
            cleanly on SIGINT or SIGTERM.
            """)
    @Option(help: "TCP port to listen on.") var port: UInt16
    @Option(help: "Our AE title (the Called AE we answer to).") var aeTitle = "NODULEKIT"
    @Option(help: "Folder to write into.") var output: String
    @Option(help: "A calling AE title to accept (repeatable); none given: any.") var allow: [String] = []
    @Option(help: "Associations at once.") var maxAssociations: UInt32 = 16
    @Option(help: "Seconds an idle association stays open.") var idleTimeout: Int32 = 60
    @Option(help: "TLS: our certificate (PEM); turns TLS on, with --tls-key.") var tlsCertificate: String?
    @Option(help: "TLS: our private key (PEM).") var tlsKey: String?
    @Option(help: "TLS: PEM of the certificates callers must present one of (without it, any caller).") var tlsTrust: String?
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-certificate and --tls-key go together") }
        if tlsTrust != nil, tlsCertificate == nil { throw ValidationError("--tls-trust needs --tls-certificate and --tls-key") }
    }

    func run() throws {
        var config = StorageListener.Configuration(port: port, aeTitle: aeTitle, output: URL(fileURLWithPath: output))
        config.allowedCallingAETitles = allow
        config.maxAssociations = maxAssociations
        config.idleTimeout = idleTimeout
        config.tlsCertificate = tlsCertificate.map { URL(fileURLWithPath: $0) }
        config.tlsPrivateKey = tlsKey.map { URL(fileURLWithPath: $0) }
        config.tlsTrustedCertificates = tlsTrust.map { URL(fileURLWithPath: $0) }
        let quiet = outputOptions.quiet
        let listener = try StorageListener(config) { level, line in
            guard level >= .warning || !quiet else { return }
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
        FileHandle.standardOutput.write(Data("listening as \(aeTitle) on port \(port), writing into \(output)\n".utf8))
        let stop: @Sendable (Int32) -> Void = { signal in
            listener.stop()
            FileHandle.standardOutput.write(Data("stopped on signal \(signal): \(listener.receivedFiles.count) instances received\n".utf8))
            Foundation.exit(0)
        }
        var sources: [DispatchSourceSignal] = []
        for s in [SIGINT, SIGTERM] {
            Foundation.signal(s, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
            source.setEventHandler { stop(s) }
            source.resume()
            sources.append(source)
        }
        withExtendedLifetime(sources) { dispatchMain() }
    }
}
