import DICOM
import DICOMNetwork
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// DICOM over TLS (dcmtls/OpenSSL) to a real Orthanc with DicomTlsEnabled and a
/// certificate made here by openssl.
final class OrthancTLSTests: XCTestCase {
    func testEchoStoreAndFindOverTLSAndPlainTCPIsRefused() throws {
        let openssl = try ExternalTool.find("openssl", package: "openssl")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let cert = folder.appendingPathComponent("orthanc.crt"), key = folder.appendingPathComponent("orthanc.key")
        let made = try ExternalTool.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                                  "-keyout", key.path, "-out", cert.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        let orthanc = try OrthancServer(self, extraSettings: """
              "DicomTlsEnabled": true, "DicomTlsCertificate": "\(cert.path)", "DicomTlsPrivateKey": "\(key.path)",
              "DicomTlsTrustedCertificates": "\(cert.path)", "DicomTlsRemoteCertificateRequired": false
            """)
        var peer = DICOMPeer(host: "127.0.0.1", port: orthanc.dicomPort, calledAETitle: orthanc.aeTitle)
        peer.acseTimeout = 5
        peer.dimseTimeout = 5
        var plain = peer
        XCTAssertThrowsError(try QueryClient.echo(plain), "plain TCP to a TLS port") { error in
            guard case DICOMNetworkError.aborted(_, let why)? = error as? DICOMNetworkError else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("requesting an association"), why)
        }
        peer.tls = TLSSettings(trustedCertificates: cert)
        XCTAssertNoThrow(try QueryClient.echo(peer))

        let geometry = try ImageGeometry(size: GridSize(8, 8, 4), origin: Vector3(0, 0, 0), spacing: Vector3(1, 1, 1), direction: .identity)
        let written = try CTSeriesWriter.write(Volume<Int16>(geometry: geometry, repeating: 3), to: folder.appendingPathComponent("ct"),
                                               identity: DICOMIdentity(patientID: "TLS-1"))
        let summary = try StoreSender.send(try StorePlan(paths: [folder.appendingPathComponent("ct")]), to: peer, associations: 2)
        XCTAssertEqual(summary.sent.count, 4)
        var series = try DICOMQuery(level: .series)
        try series.set("SeriesInstanceUID", written.seriesInstanceUID)
        XCTAssertEqual(try QueryClient.find(series, on: peer).first?.string(DICOMTag(0x0020, 0x1209)), "4")

        // A certificate we do not trust is refused when verifying.
        let other = folder.appendingPathComponent("other.crt")
        _ = try ExternalTool.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other",
                                           "-keyout", folder.appendingPathComponent("other.key").path, "-out", other.path])
        plain.tls = TLSSettings(trustedCertificates: other)
        XCTAssertThrowsError(try QueryClient.echo(plain)) { error in
            XCTAssertTrue("\(error)".contains("certificate verify failed"), "\(error)")
        }
    }

    /// Our listener over TLS: our SCU trusting its certificate stores into it; plain TCP
    /// does not get through.
    func testListenerOverTLSReceivesFromOurTLSClientOnly() throws {
        let openssl = try ExternalTool.find("openssl", package: "openssl")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let cert = folder.appendingPathComponent("scp.crt"), key = folder.appendingPathComponent("scp.key")
        let made = try ExternalTool.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                                  "-keyout", key.path, "-out", cert.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        let port = try FreePort.next()
        var config = StorageListener.Configuration(port: port, aeTitle: "NKTLS", output: folder.appendingPathComponent("in"))
        config.tlsCertificate = cert
        config.tlsPrivateKey = key
        let listener = try StorageListener(config)
        addTeardownBlock { listener.stop() }
        var peer = DICOMPeer(host: "127.0.0.1", port: port, calledAETitle: "NKTLS")
        peer.acseTimeout = 5
        XCTAssertThrowsError(try QueryClient.echo(peer), "plain TCP to a TLS listener")
        peer.tls = TLSSettings(trustedCertificates: cert)
        let geometry = try ImageGeometry(size: GridSize(8, 8, 3), origin: Vector3(0, 0, 0), spacing: Vector3(1, 1, 1), direction: .identity)
        _ = try CTSeriesWriter.write(Volume<Int16>(geometry: geometry, repeating: 1), to: folder.appendingPathComponent("ct"))
        let summary = try StoreSender.send(try StorePlan(paths: [folder.appendingPathComponent("ct")]), to: peer)
        XCTAssertEqual(summary.sent.count, 3, "\(summary.failed)")
        listener.stop()
        XCTAssertEqual(listener.receivedFiles.count, 3)
    }
}
