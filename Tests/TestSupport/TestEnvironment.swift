import Foundation
import XCTest

/// Where tests find the repository, the shared real data, downloaded test data and the
/// Python oracles (SimpleITK, pydicom, nibabel in the ignored `.venv`). Every real file a
/// test uses is named through here, so a missing one fails loudly under CI.
public enum TestEnvironment {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// True when running under CI (`CI=true`): missing data or oracles are failures there.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// `../shared/testdata` beside the repository (override with NODULEKIT_SHARED_TESTDATA).
    public static var sharedTestData: URL {
        if let p = ProcessInfo.processInfo.environment["NODULEKIT_SHARED_TESTDATA"] { return URL(fileURLWithPath: p) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")
    }

    /// `.testdata/` in the repository, filled by `make test-data`.
    public static var downloadedTestData: URL { repositoryRoot.appendingPathComponent(".testdata") }

    /// A real file or folder under `../shared/testdata`; skips the test when absent,
    /// fails it under CI.
    public static func sharedFile(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        try require(sharedTestData.appendingPathComponent(relativePath), what: "shared test data", file: file, line: line)
    }

    /// A file or folder under `.testdata/` (from `make test-data`); skips when absent,
    /// fails under CI.
    public static func downloadedFile(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        try require(downloadedTestData.appendingPathComponent(relativePath), what: "downloaded test data (run `make test-data`)", file: file, line: line)
    }

    /// The Python interpreter of the oracle venv; skips when absent, fails under CI.
    public static func python(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        if let p = ProcessInfo.processInfo.environment["NODULEKIT_PYTHON"] { return URL(fileURLWithPath: p) }
        return try require(repositoryRoot.appendingPathComponent(".venv/bin/python"), what: "the oracle venv (run `make venv`)", file: file, line: line)
    }

    private static func require(_ url: URL, what: String, file: StaticString, line: UInt) throws -> URL {
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let message = "missing \(what): \(url.path)"
        if isCI {
            XCTFail(message, file: file, line: line)
            throw XCTSkip("failed: " + message)
        }
        throw XCTSkip(message)
    }

    /// A fresh temporary folder, removed when the test ends.
    public static func temporaryDirectory(_ testCase: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nodulekit-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// Runs a Python oracle script from `Tests/Oracles/` with the venv's interpreter.
public enum PythonOracle {
    /// Runs `Tests/Oracles/<script>` with `arguments`; returns standard output. Throws
    /// with the script's standard error when it exits non-zero.
    @discardableResult
    public static func run(_ scriptName: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let python = try TestEnvironment.python(file: file, line: line)
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Oracles/\(scriptName)").path
        let out = try ExternalTool.run(python, [script] + arguments)
        guard out.status == 0 else { throw OracleFailure(script: scriptName, status: out.status, stderr: out.stderr) }
        return out.stdout
    }

    /// Runs an oracle and decodes its standard output as JSON.
    public static func json<T: Decodable>(_ script: String, _ arguments: [String], as: T.Type,
                                          file: StaticString = #filePath, line: UInt = #line) throws -> T {
        let text = try run(script, arguments, file: file, line: line)
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

/// An oracle script that exited non-zero.
public struct OracleFailure: Error, CustomStringConvertible {
    public let script: String
    public let status: Int32
    public let stderr: String
    public var description: String { "oracle \(script) exited \(status): \(stderr)" }
}

/// Reads a file handle to its end on a background thread.
public final class ReadAsync: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    public init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }
    public func wait() -> Data { done.wait(); return data }
}
