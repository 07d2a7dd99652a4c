import Foundation

/// Everything that can go wrong talking DICOM over the network. Each case carries the
/// peer (`AE@host:port`) and a message naming the step that failed (connecting,
/// associating, which DIMSE operation on which file); `description` is one sentence.
public enum DICOMNetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The TCP connection failed (refused, unreachable, timed out).
    case connectionFailed(peer: String, reason: String)
    /// The peer rejected the association; `reason` is its result, source and reason.
    case associationRejected(peer: String, reason: String)
    /// The peer aborted or the connection closed during `step`.
    case aborted(peer: String, step: String)
    /// No response within the DIMSE timeout.
    case timedOut(peer: String, step: String)
    /// The peer accepted no presentation context for what we wanted to send.
    case noPresentationContext(peer: String, what: String)
    /// A DIMSE response with a status that is not success.
    case failureStatus(peer: String, operation: String, status: DIMSEStatus)
    /// A file to send cannot be read or sent.
    case file(path: String, reason: String)
    /// The listener cannot start (port in use, bad folder).
    case listenerFailed(reason: String)
    /// A bad argument (an AE title too long, an unknown query key…).
    case invalidArgument(String)
    /// Any other network failure reported by dcmnet.
    case protocolFailure(peer: String, reason: String)

    public var description: String {
        switch self {
        // The bridge's messages already name the peer and the step.
        case .connectionFailed(_, let why), .associationRejected(_, let why), .aborted(_, let why), .timedOut(_, let why),
             .noPresentationContext(_, let why):
            return why
        case .failureStatus(let peer, let op, let status): return "\(op) to \(peer) failed with status \(status)"
        case .file(let path, let why): return "\(path): \(why)"
        case .listenerFailed(let why): return "cannot listen: \(why)"
        case .invalidArgument(let why): return why
        case .protocolFailure(let peer, let why): return "DICOM network error with \(peer): \(why)"
        }
    }
}
