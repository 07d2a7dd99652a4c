import CDICOMBridge
import DICOM
import Foundation

/// A storage SCP: answers C-ECHO and C-STORE for `aeTitle` on `port`, several
/// associations at once, and writes every instance atomically under
/// `output/<StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm` (UIDs that are not valid UIDs are
/// refused with status C000 and logged). Associations calling another AE title than
/// ours, or a calling AE title not in `allowedCallingAETitles` (when given), are
/// rejected. It is also the destination of our C-MOVEs.
public final class StorageListener: @unchecked Sendable {
    /// The settings of a listener.
    public struct Configuration: Sendable {
        public var port: UInt16
        public var aeTitle: String
        public var output: URL
        /// Calling AE titles accepted; empty accepts any.
        public var allowedCallingAETitles: [String] = []
        /// Seconds an association may stay idle before it is aborted.
        public var idleTimeout: Int32 = 60
        /// Associations at once; more are rejected (transient).
        public var maxAssociations: UInt32 = 16
        public var maxPDU: UInt32 = 65536
        /// TLS: our certificate and key (PEM); with `tlsTrustedCertificates`, callers must
        /// present a certificate that verifies against them. nil: plain TCP.
        public var tlsCertificate: URL?
        public var tlsPrivateKey: URL?
        public var tlsTrustedCertificates: URL?

        public init(port: UInt16, aeTitle: String, output: URL) {
            self.port = port
            self.aeTitle = aeTitle
            self.output = output
        }
    }

    private var handle: OpaquePointer?
    private let writer: InstanceWriter
    private var sink: ndk_store_sink
    /// The configuration it runs with.
    public let configuration: Configuration

    /// Binds the port and starts accepting; `log` receives one line per association and
    /// per instance (stored, refused, failed), from any thread.
    public init(_ configuration: Configuration, log: (@Sendable (DICOMLogLevel, String) -> Void)? = nil) throws {
        try DICOMNetworkSettings.validateAETitle(configuration.aeTitle, what: "listener")
        for ae in configuration.allowedCallingAETitles { try DICOMNetworkSettings.validateAETitle(ae, what: "allowed calling") }
        try DICOMLibrary.ensureInitialized()
        _ = DICOMNetworkSettings.applyDefaults
        do {
            try FileManager.default.createDirectory(at: configuration.output, withIntermediateDirectories: true)
        } catch {
            throw DICOMNetworkError.listenerFailed(reason: "cannot create \(configuration.output.path): \(error.localizedDescription)")
        }
        self.configuration = configuration
        writer = InstanceWriter(root: configuration.output, log: log)
        sink = writer.withSink { $0 }
        var error = ndk_error()
        let tls = [configuration.tlsCertificate, configuration.tlsPrivateKey, configuration.tlsTrustedCertificates].map { $0?.path ?? "" }
        let handle: OpaquePointer? = try withCStrings(tls + [configuration.aeTitle] + configuration.allowedCallingAETitles) { s in
            let allowed = Array(s.dropFirst(4)).map { Optional($0) }
            return allowed.withUnsafeBufferPointer { list in
                var config = ndk_scp_config(port: configuration.port, ae_title: s[3], allowed_calling: list.baseAddress, allowed_count: list.count,
                                            max_pdu: configuration.maxPDU, acse_timeout: 30, dimse_timeout: configuration.idleTimeout,
                                            max_associations: configuration.maxAssociations,
                                            tls_certificate: s[0], tls_private_key: s[1], tls_trusted_certificates: s[2])
                return ndk_scp_start(&config, &sink, &error)
            }
        }
        guard let handle else { throw DICOMNetworkError.listenerFailed(reason: NetworkBridge.message(error)) }
        self.handle = handle
    }

    /// Files written so far.
    public var receivedFiles: [URL] { writer.files }

    /// Stops accepting, ends open associations after their current message and waits for
    /// them; nothing is left half-written. Called on release too.
    public func stop() {
        if let h = handle { ndk_scp_stop(h) }
        handle = nil
    }

    deinit { stop() }
}
