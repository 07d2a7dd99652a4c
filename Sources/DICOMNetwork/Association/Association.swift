import CDICOMBridge
import DICOM
import Foundation

/// One open association with a peer: the bridge's handle, released (or aborted) when
/// closed or released. Not shared across threads: one association per task.
final class Association {
    let peer: DICOMPeer
    private var handle: OpaquePointer?

    /// Connects to `peer` and negotiates `contexts`.
    init(peer: DICOMPeer, contexts: [PresentationContext]) throws {
        try peer.validate()
        try DICOMLibrary.ensureInitialized()
        _ = DICOMNetworkSettings.applyDefaults
        self.peer = peer
        var error = ndk_error()
        let tls = [peer.tls?.trustedCertificates.path ?? "", peer.tls?.certificate?.path ?? "", peer.tls?.privateKey?.path ?? ""]
        let handle: OpaquePointer? = try withCStrings([peer.host, peer.callingAETitle, peer.calledAETitle] + tls) { s in
            var config = ndk_net_config(host: s[0], port: peer.port, calling_ae: s[1], called_ae: s[2], max_pdu: peer.maxPDU,
                                        connect_timeout: peer.connectTimeout, acse_timeout: peer.acseTimeout, dimse_timeout: peer.dimseTimeout,
                                        tls_trusted_certificates: s[3], tls_certificate: s[4], tls_private_key: s[5],
                                        tls_verify: (peer.tls?.verifyPeer ?? true) ? 1 : 0)
            let texts = contexts.flatMap { [$0.abstractSyntax, $0.transferSyntaxes.joined(separator: "\\")] }
            return try withCStrings(texts) { t in
                var list = contexts.indices.map { i in ndk_context(abstract_syntax: t[2 * i], transfer_syntaxes: t[2 * i + 1], scp_role: contexts[i].scpRole ? 1 : 0) }
                return list.withUnsafeMutableBufferPointer { ndk_assoc_request(&config, $0.baseAddress, $0.count, &error) }
            }
        }
        guard let handle else { throw NetworkBridge.error(error, peer: peer.description, step: "associating") }
        self.handle = handle
    }

    deinit { close() }

    /// Releases the association (aborts it when `abort`).
    func close(abort: Bool = false) {
        if let h = handle { ndk_assoc_close(h, abort ? 1 : 0) }
        handle = nil
    }

    var raw: OpaquePointer {
        get throws {
            guard let handle else { throw DICOMNetworkError.invalidArgument("the association with \(peer) is closed") }
            return handle
        }
    }

    /// The transfer syntax accepted for `sopClass` (exactly `transferSyntax` when given).
    func acceptedTransferSyntax(for sopClass: String, exactly transferSyntax: String? = nil) -> String? {
        guard let handle else { return nil }
        var out = [CChar](repeating: 0, count: 72)
        let status = transferSyntax.map { ts in ndk_assoc_accepted(handle, sopClass, ts, &out) } ?? ndk_assoc_accepted(handle, sopClass, nil, &out)
        return status == 0 ? String(cString: out) : nil
    }

    /// C-ECHO; throws unless the status is success.
    func echo() throws {
        var error = ndk_error()
        var status: UInt16 = 0
        guard ndk_assoc_echo(try raw, &status, &error) == 0 else { throw NetworkBridge.error(error, peer: peer.description, step: "C-ECHO") }
        guard status == 0 else { throw DICOMNetworkError.failureStatus(peer: peer.description, operation: "C-ECHO", status: DIMSEStatus(status)) }
    }

    /// C-STORE of one file (decompressed when its syntax was not accepted and
    /// `decompress`); returns the peer's status (success or warning), throws on failure
    /// statuses and network errors.
    func store(_ file: URL, decompress: Bool = false) throws -> DIMSEStatus {
        var error = ndk_error()
        var status: UInt16 = 0
        guard ndk_assoc_store_file(try raw, file.path, decompress ? 1 : 0, &status, &error) == 0 else {
            throw NetworkBridge.error(error, peer: peer.description, step: "C-STORE of \(file.path)", file: file.path)
        }
        let s = DIMSEStatus(status)
        if s.isFailure { throw DICOMNetworkError.failureStatus(peer: peer.description, operation: "C-STORE of \(file.path)", status: s) }
        return s
    }
}

/// Turns bridge errors into `DICOMNetworkError`.
enum NetworkBridge {
    static func message(_ error: ndk_error) -> String {
        withUnsafeBytes(of: error.message) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    static func error(_ error: ndk_error, peer: String, step: String, file: String? = nil) -> DICOMNetworkError {
        let text = message(error)
        switch error.code {
        case Int32(NDK_E_NET_CONNECT): return .connectionFailed(peer: peer, reason: text)
        case Int32(NDK_E_NET_REJECTED): return .associationRejected(peer: peer, reason: text)
        case Int32(NDK_E_NET_ABORTED): return .aborted(peer: peer, step: text)
        case Int32(NDK_E_NET_TIMEOUT): return .timedOut(peer: peer, step: text)
        case Int32(NDK_E_NET_NO_CONTEXT): return .noPresentationContext(peer: peer, what: text)
        case Int32(NDK_E_PARSE), Int32(NDK_E_IO): return .file(path: file ?? step, reason: text)
        case Int32(NDK_E_ARGUMENT): return file.map { .file(path: $0, reason: text) } ?? .invalidArgument(text)
        default: return .protocolFailure(peer: peer, reason: "\(step): \(text)")
        }
    }
}

/// Calls `body` with C strings for `strings` (valid only inside).
func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>]) throws -> R) throws -> R {
    var pointers: [UnsafeMutablePointer<CChar>] = []
    defer { pointers.forEach { free($0) } }
    for s in strings {
        guard let p = strdup(s) else { throw DICOMNetworkError.invalidArgument("out of memory") }
        pointers.append(p)
    }
    return try body(pointers.map { UnsafePointer($0) })
}
