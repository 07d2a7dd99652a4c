import ArgumentParser
import Foundation
import NoduleKit

/// The peer every `pacs` subcommand talks to.
struct PeerOptions: ParsableArguments {
    @Option(help: "The PACS host name or address.") var host: String
    @Option(help: "The PACS DICOM port.") var port: UInt16
    @Option(help: "The PACS AE title (Called AE).") var calledAe: String
    @Option(help: "Our AE title (Calling AE); the PACS must know it for moves to us.") var callingAe = "NODULEKIT"
    @Option(help: "Seconds to wait for the connection, for association negotiation and for each DIMSE response.") var timeout: Int32 = 30
    @Option(help: "Largest PDU we receive, bytes.") var maxPdu: UInt32 = 65536
    @Option(help: "TLS: PEM file of the certificates we trust (the PACS's or its CA's); turns TLS on.") var tlsTrust: String?
    @Option(help: "TLS: our certificate (PEM), when the PACS requires one.") var tlsCertificate: String?
    @Option(help: "TLS: our private key (PEM), with --tls-certificate.") var tlsKey: String?
    @Flag(help: "TLS: accept the PACS's certificate without verifying it.") var tlsNoVerify = false

    var peer: DICOMPeer {
        var p = DICOMPeer(host: host, port: port, calledAETitle: calledAe, callingAETitle: callingAe)
        p.connectTimeout = timeout
        p.acseTimeout = timeout
        p.dimseTimeout = timeout
        p.maxPDU = maxPdu
        p.tls = tlsTrust.map {
            TLSSettings(trustedCertificates: URL(fileURLWithPath: $0), certificate: tlsCertificate.map { URL(fileURLWithPath: $0) },
                        privateKey: tlsKey.map { URL(fileURLWithPath: $0) }, verifyPeer: !tlsNoVerify)
        }
        return p
    }

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard maxPdu >= 4096, maxPdu <= 131072 else { throw ValidationError("--max-pdu must be between 4096 and 131072") }
        do { try peer.validate() } catch { throw ValidationError("\(error)") }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-certificate and --tls-key go together") }
        if tlsTrust == nil, tlsCertificate != nil || tlsNoVerify { throw ValidationError("TLS options need --tls-trust") }
    }
}

/// What a retrieve names: a study, or a series in it.
struct RetrieveOptions: ParsableArguments {
    @Option(help: "StudyInstanceUID to retrieve.") var study: String
    @Option(help: "SeriesInstanceUID to retrieve (one series of the study).") var series: String?
    @Option(help: "PatientID (needed with --model patient).") var patientId: String?
    @Option(help: "Information model: study (Study Root) or patient (Patient Root).") var model = "study"

    func query() throws -> DICOMQuery {
        guard let m = QueryModel(rawValue: model) else { throw ValidationError("--model must be study or patient") }
        var q = try DICOMQuery(level: series == nil ? .study : .series, model: m)
        try q.set("StudyInstanceUID", study)
        if let series { try q.set("SeriesInstanceUID", series) }
        if let patientId { try q.set("PatientID", patientId) }
        if m == .patientRoot, patientId == nil { throw ValidationError("--model patient needs --patient-id") }
        return q
    }
}
