import CDICOMBridge
import DICOM
import Foundation

/// The outcome of a C-MOVE or C-GET: the final status and sub-operation counts.
public struct RetrieveResult: Sendable, CustomStringConvertible {
    /// The final response's status.
    public let status: DIMSEStatus
    /// Sub-operations completed, failed, with warnings.
    public let completed: Int, failed: Int, warning: Int
    /// C-GET: instances written here.
    public let received: Int

    public var description: String {
        "\(completed) completed, \(failed) failed, \(warning) with warnings" + (received > 0 ? ", \(received) received" : "") + "; status \(status)"
    }
}

/// C-MOVE and C-GET of a study, series or instance.
public enum Retriever {
    /// C-MOVE of what `query` names (a level with its UIDs) to `destination`, an AE
    /// title the peer knows (ours, from `listen`, or a third party). Throws on a failure
    /// status or when any sub-operation failed.
    @discardableResult
    public static func move(_ query: DICOMQuery, from peer: DICOMPeer, to destination: String) throws -> RetrieveResult {
        try DICOMNetworkSettings.validateAETitle(destination, what: "move destination")
        let sopClass = query.model.moveSOPClass
        let association = try Association(peer: peer, contexts: [PresentationContext(sopClass)])
        defer { association.close() }
        let bytes = try query.retrieveIdentifier.encoded()
        var result = ndk_retrieve_result()
        var error = ndk_error()
        let code = try bytes.withUnsafeBufferPointer { ndk_assoc_move(try association.raw, sopClass, destination, $0.baseAddress, $0.count, &result, &error) }
        guard code == 0 else { throw NetworkBridge.error(error, peer: peer.description, step: "C-MOVE") }
        return try check(result, operation: "C-MOVE to \(destination)", peer: peer)
    }

    /// C-GET of what `query` names into `folder` as `<Study>/<Series>/<SOPInstance>.dcm`
    /// (UIDs through `DICOMUID.fileName`; written atomically, in the transfer syntax they
    /// arrived in). The storage classes are proposed in the SCP role, each with the
    /// uncompressed and the common compressed syntaxes.
    @discardableResult
    public static func get(_ query: DICOMQuery, from peer: DICOMPeer, into folder: URL,
                           storageSOPClasses: [String] = SOPClass.commonStorage) throws -> RetrieveResult {
        let sopClass = query.model.getSOPClass
        let storage = storageSOPClasses.map { PresentationContext($0, transferSyntaxes: TransferSyntax.uncompressed + TransferSyntax.compressed, scpRole: true) }
        let association = try Association(peer: peer, contexts: [PresentationContext(sopClass)] + storage)
        defer { association.close() }
        let writer = InstanceWriter(root: folder, log: nil)
        let bytes = try query.retrieveIdentifier.encoded()
        var result = ndk_retrieve_result()
        var error = ndk_error()
        let code = try writer.withSink { sink in
            try bytes.withUnsafeBufferPointer { ndk_assoc_get(try association.raw, sopClass, $0.baseAddress, $0.count, &sink, &result, &error) }
        }
        guard code == 0 else { throw NetworkBridge.error(error, peer: peer.description, step: "C-GET") }
        return try check(result, operation: "C-GET", peer: peer)
    }

    private static func check(_ r: ndk_retrieve_result, operation: String, peer: DICOMPeer) throws -> RetrieveResult {
        let result = RetrieveResult(status: DIMSEStatus(r.status), completed: Int(r.completed), failed: Int(r.failed),
                                    warning: Int(r.warning), received: Int(r.received))
        if result.status.isFailure || result.failed > 0 {
            throw DICOMNetworkError.failureStatus(peer: peer.description, operation: "\(operation) (\(result))", status: result.status)
        }
        return result
    }
}
