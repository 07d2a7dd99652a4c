import CDICOMBridge
import DICOM
import Foundation

/// C-FIND, C-MOVE and C-GET as SCU.
public enum QueryClient {
    /// C-ECHO: throws unless `peer` answers with success.
    public static func echo(_ peer: DICOMPeer) throws {
        let association = try Association(peer: peer, contexts: [PresentationContext(SOPClass.verification)])
        defer { association.close() }
        try association.echo()
    }

    /// C-FIND: every match, as the datasets the peer returned. Throws on a failure
    /// status (with its code and meaning).
    public static func find(_ query: DICOMQuery, on peer: DICOMPeer) throws -> [DICOMDataset] {
        let sopClass = query.model.findSOPClass
        let association = try Association(peer: peer, contexts: [PresentationContext(sopClass)])
        defer { association.close() }
        let bytes = try query.identifier.encoded()
        let sink = ResultSink()
        var error = ndk_error()
        var status: UInt16 = 0
        let code = try withExtendedLifetime(sink) {
            try bytes.withUnsafeBufferPointer { q in
                ndk_assoc_find(try association.raw, sopClass, q.baseAddress, q.count, { context, data, length in
                    guard let context, let data else { return }
                    Unmanaged<ResultSink>.fromOpaque(context).takeUnretainedValue().append(Data(bytes: data, count: length))
                }, Unmanaged.passUnretained(sink).toOpaque(), &status, &error)
            }
        }
        guard code == 0 else { throw NetworkBridge.error(error, peer: peer.description, step: "C-FIND") }
        let s = DIMSEStatus(status)
        if s.isFailure { throw DICOMNetworkError.failureStatus(peer: peer.description, operation: "C-FIND at \(query.level.rawValue) level", status: s) }
        return try sink.datasets.map { try DICOMFile(data: $0, name: "C-FIND response from \(peer)").dataset }
    }
}

/// Collects the C-FIND responses (the callback runs on the calling thread).
final class ResultSink: @unchecked Sendable {
    private(set) var datasets: [Data] = []
    func append(_ d: Data) { datasets.append(d) }
}
