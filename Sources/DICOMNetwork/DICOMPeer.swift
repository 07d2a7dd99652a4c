import CDICOMBridge
import Foundation

/// A DICOM application entity to talk to, and how: AE titles, timeouts, PDU size.
public struct DICOMPeer: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    /// TCP port (104 or 11112 on most PACS).
    public var port: UInt16
    /// The peer's AE title (Called AE).
    public var calledAETitle: String
    /// Our AE title (Calling AE); the PACS must know it for C-MOVE destinations.
    public var callingAETitle: String
    /// Seconds to wait for the TCP connection (dcmnet keeps this one process-wide).
    public var connectTimeout: Int32 = 10
    /// Seconds to wait for association negotiation.
    public var acseTimeout: Int32 = 30
    /// Seconds to wait for each DIMSE message (0: forever).
    public var dimseTimeout: Int32 = 60
    /// The largest PDU we accept, bytes (the peer's own limit governs what we send).
    public var maxPDU: UInt32 = 65536
    /// TLS settings; nil talks plain TCP.
    public var tls: TLSSettings?

    /// A peer; AE titles are 1–16 characters.
    public init(host: String, port: UInt16, calledAETitle: String, callingAETitle: String = "NODULEKIT") {
        self.host = host
        self.port = port
        self.calledAETitle = calledAETitle
        self.callingAETitle = callingAETitle
    }

    /// Parses `HOST:PORT:AE` (an IPv6 host in brackets: `[::1]:104:PACS`).
    public init(address: String, callingAETitle: String = "NODULEKIT") throws {
        let bad = DICOMNetworkError.invalidArgument("'\(address)' is not HOST:PORT:AE_TITLE (e.g. pacs.example.org:104:ARCHIVE)")
        guard let aeColon = address.lastIndex(of: ":") else { throw bad }
        let rest = address[..<aeColon], ae = String(address[address.index(after: aeColon)...])
        guard let portColon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: portColon)...]), port > 0 else { throw bad }
        var host = String(rest[..<portColon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !ae.isEmpty else { throw bad }
        self.init(host: host, port: port, calledAETitle: ae, callingAETitle: callingAETitle)
        try validate()
    }

    /// "AE@host:port".
    public var description: String { "\(calledAETitle)@\(host):\(port)" }

    /// Throws when an AE title is empty, longer than 16 characters, or holds a backslash
    /// or control character (PS3.5 6.2).
    public func validate() throws {
        for (what, ae) in [("called", calledAETitle), ("calling", callingAETitle)] {
            try DICOMNetworkSettings.validateAETitle(ae, what: what)
        }
    }
}

/// TLS for an association (dcmtls over OpenSSL, BCP 195 ciphersuites).
public struct TLSSettings: Sendable, Hashable {
    /// PEM file of the certificates we trust: the peer's own, or its CA.
    public var trustedCertificates: URL
    /// Our certificate and private key (PEM), for peers that require one.
    public var certificate: URL?
    public var privateKey: URL?
    /// Require the peer's certificate to verify against `trustedCertificates`.
    public var verifyPeer: Bool = true

    public init(trustedCertificates: URL, certificate: URL? = nil, privateKey: URL? = nil, verifyPeer: Bool = true) {
        self.trustedCertificates = trustedCertificates
        self.certificate = certificate
        self.privateKey = privateKey
        self.verifyPeer = verifyPeer
    }
}

/// Process-wide network settings.
public enum DICOMNetworkSettings {
    /// Turns Nagle's algorithm off (TCP_NODELAY) for every association, both as SCU and
    /// SCP; on by default. Debian's dcmnet 3.6.7 leaves Nagle on unless the environment
    /// variable TCP_NODELAY says otherwise, which costs about 40 ms per C-STORE on
    /// loopback (Nagle plus delayed ACK). A TCP_NODELAY the user exported wins. Takes
    /// effect for sockets created after the call.
    public static func setTCPNoDelay(_ enabled: Bool) { ndk_net_set_tcp_nodelay(enabled ? 1 : 0) }

    /// Applies the default (TCP_NODELAY on) once, before the first association.
    static let applyDefaults: Void = { setTCPNoDelay(true) }()

    static func validateAETitle(_ ae: String, what: String) throws {
        let t = ae.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.utf8.count <= 16, !t.contains("\\"), t.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw DICOMNetworkError.invalidArgument("the \(what) AE title '\(ae)' must be 1 to 16 printable ASCII characters without a backslash")
        }
    }
}
