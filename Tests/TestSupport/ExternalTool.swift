import Foundation
import XCTest

/// Debian command-line tools the tests use as oracles or peers (dciodvfy, storescu,
/// Orthanc…), found on PATH. A missing tool skips the test, and fails it under CI, where
/// `scripts/install-system-deps.sh` must have installed it.
public enum ExternalTool {
    /// What a finished tool run printed.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The executable `name` on PATH (or /usr/sbin, where Debian puts Orthanc).
    public static func find(_ name: String, package: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin"] {
            let url = URL(fileURLWithPath: dir).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        let message = "missing \(name) (Debian package \(package); run scripts/install-system-deps.sh)"
        if TestEnvironment.isCI {
            XCTFail(message, file: file, line: line)
            throw XCTSkip("failed: " + message)
        }
        throw XCTSkip(message)
    }

    /// Runs `tool` to completion and returns its status and output.
    public static func run(_ tool: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let p = Process()
        p.executableURL = tool
        p.arguments = arguments
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let errData = ReadAsync(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// dicom3tools' `dciodvfy`: checks a file against the IOD its SOP class names.
public enum DICOMValidator {
    /// The verifier's findings for one file.
    public struct Report: Sendable, CustomStringConvertible {
        /// "Error - …" lines: the file is not a valid instance of its IOD.
        public let errors: [String]
        /// "Warning - …" lines (allowed; tests list them).
        public let warnings: [String]
        /// The IOD dciodvfy recognised (e.g. "CTImage", "Segmentation"); "" when none.
        public let iod: String
        public var description: String { (errors + warnings).joined(separator: "\n") }
    }

    /// Runs `dciodvfy` on `url`.
    public static func verify(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> Report {
        let tool = try ExternalTool.find("dciodvfy", package: "dicom3tools", file: file, line: line)
        let out = try ExternalTool.run(tool, [url.path])
        let lines = (out.stdout + "\n" + out.stderr).split(separator: "\n").map(String.init)
        let iod = lines.first { !$0.isEmpty && !$0.hasPrefix("Error") && !$0.hasPrefix("Warning") } ?? ""
        return Report(errors: lines.filter { $0.hasPrefix("Error") }, warnings: lines.filter { $0.hasPrefix("Warning") }, iod: iod)
    }
}
