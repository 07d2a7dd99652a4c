import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// A real Orthanc (Debian's `orthanc` package) started for one test on 127.0.0.1 with
/// free ports, a temporary storage folder and TCP_NODELAY, from
/// `scripts/orthanc/test-config.json`; stopped when the test ends.
public final class OrthancServer: @unchecked Sendable {
    /// Orthanc's AE title.
    public let aeTitle = "ORTHANC"
    public let dicomPort: UInt16
    public let httpPort: UInt16
    /// The port of the C-MOVE destination "NKLISTEN" the config names.
    public let movePort: UInt16
    private let process: Process
    public let log: URL

    /// Starts Orthanc and waits until its REST API answers; `extraSettings` are JSON
    /// members added to the config (e.g. the DICOM TLS settings).
    public init(_ testCase: XCTestCase, extraSettings: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        let binary = try ExternalTool.find("Orthanc", package: "orthanc", file: file, line: line)
        let folder = try TestEnvironment.temporaryDirectory(testCase)
        dicomPort = try FreePort.next()
        httpPort = try FreePort.next()
        movePort = try FreePort.next()
        let template = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("scripts/orthanc/test-config.json"), encoding: .utf8)
        let config = template.replacingOccurrences(of: "{\n", with: "{\n" + (extraSettings.isEmpty ? "" : extraSettings + ",\n"), options: [], range: template.range(of: "{\n"))
            .replacingOccurrences(of: "@STORAGE@", with: folder.appendingPathComponent("db").path)
            .replacingOccurrences(of: "@HTTP_PORT@", with: String(httpPort))
            .replacingOccurrences(of: "@DICOM_PORT@", with: String(dicomPort))
            .replacingOccurrences(of: "@MOVE_PORT@", with: String(movePort))
        let configURL = folder.appendingPathComponent("orthanc.json")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        log = folder.appendingPathComponent("orthanc.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = binary
        process.arguments = [configURL.path]
        process.environment = ProcessInfo.processInfo.environment.merging(["TCP_NODELAY": "1"]) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while (try? rest("/system")) == nil {
            guard process.isRunning, Date() < deadline else {
                stop()
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw OrthancFailure(message: "Orthanc did not start: \(text.suffix(2000))")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        testCase.addTeardownBlock { [self] in stop() }
    }

    /// Stops Orthanc (SIGTERM) and waits for it.
    public func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }

    /// GET (or POST `body`) on the REST API; returns the JSON.
    public func rest(_ path: String, post body: String? = nil) throws -> Any {
        try JSONSerialization.jsonObject(with: try data(path, post: body), options: [.fragmentsAllowed])
    }

    /// GET on the REST API; returns the body as text (metadata values are plain text).
    public func text(_ path: String) throws -> String { String(decoding: try data(path, post: nil), as: UTF8.self) }

    private func data(_ path: String, post body: String?) throws -> Data {
        guard let url = URL(string: "http://127.0.0.1:\(httpPort)\(path)") else { throw OrthancFailure(message: "bad REST path \(path)") }
        var request = URLRequest(url: url)
        request.timeoutInterval = 10
        if let body { request.httpMethod = "POST"; request.httpBody = Data(body.utf8) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<Data, Error> = .failure(OrthancFailure(message: "no answer from \(path)"))
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { result = .failure(error) } else if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                result = .failure(OrthancFailure(message: "\(path): HTTP \(http.statusCode)"))
            } else { result = .success(data ?? Data()) }
            done.signal()
        }.resume()
        done.wait()
        return try result.get()
    }

    /// SOPInstanceUIDs of every instance Orthanc stores for a series.
    public func instanceUIDs(series seriesUID: String) throws -> [String] {
        let found = try rest("/tools/find", post: #"{"Level":"Instance","Expand":true,"Query":{"SeriesInstanceUID":"\#(seriesUID)"}}"#)
        return (found as? [[String: Any]] ?? []).compactMap { ($0["MainDicomTags"] as? [String: Any])?["SOPInstanceUID"] as? String }
    }
}

/// Orthanc did not start or answered badly.
public struct OrthancFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A TCP port free right now on 127.0.0.1 (bound to 0 and released).
public enum FreePort {
    public static func next() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw OrthancFailure(message: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw OrthancFailure(message: "cannot bind a free port") }
        return UInt16(bigEndian: address.sin_port)
    }
}
