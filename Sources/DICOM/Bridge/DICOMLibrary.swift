import CDICOMBridge
import Foundation

/// Severity of a message from DCMTK or GDCM.
public enum DICOMLogLevel: Int32, Sendable, Comparable {
    case debug = 0, info = 1, warning = 2, error = 3
    /// Orders by severity.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The DCMTK/GDCM runtime: initialized once on first use; their diagnostics go to a
/// handler set here (dropped by default), never straight to stderr.
public enum DICOMLibrary {
    /// Receives DCMTK's and GDCM's warnings and errors.
    public typealias LogHandler = @Sendable (DICOMLogLevel, String) -> Void

    /// Sets the handler for the libraries' messages (nil drops them).
    public static func setLogHandler(_ handler: LogHandler?) { logBox.set(handler) }

    /// Initializes the libraries; throws `DICOMError.dictionaryNotLoaded` when DCMTK's
    /// data dictionary is missing. Every reader calls this; calling it again is cheap.
    public static func ensureInitialized() throws {
        if let failure = initialization { throw failure }
    }

    private static let logBox = LogBox()

    /// nil on success, the error otherwise; evaluated once (Swift statics are lazy and
    /// thread-safe).
    private static let initialization: DICOMError? = {
        var error = ndk_error()
        let status = ndk_initialize({ level, message, _ in
            guard let message else { return }
            DICOMLibrary.logBox.emit(DICOMLogLevel(rawValue: level) ?? .warning, String(cString: message))
        }, nil, &error)
        guard status == 0 else { return .dictionaryNotLoaded(BridgeError.message(error)) }
        return nil
    }()
}

/// Holds the log handler behind a lock (the C callback runs on any thread).
private final class LogBox: @unchecked Sendable {
    private let lock = NSLock()
    private var handler: DICOMLibrary.LogHandler?
    func set(_ h: DICOMLibrary.LogHandler?) { lock.lock(); handler = h; lock.unlock() }
    func emit(_ level: DICOMLogLevel, _ message: String) {
        lock.lock(); let h = handler; lock.unlock()
        h?(level, message)
    }
}

/// Turns bridge errors into `DICOMError`.
enum BridgeError {
    static func message(_ error: ndk_error) -> String {
        withUnsafeBytes(of: error.message) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    static func make(_ error: ndk_error, path: String, transferSyntax: String = "") -> DICOMError {
        let text = message(error)
        switch error.code {
        case Int32(NDK_E_DICTIONARY): return .dictionaryNotLoaded(text)
        case Int32(NDK_E_IO): return .unreadable(path: path, reason: text)
        case Int32(NDK_E_PARSE): return .notDICOM(path: path, reason: text)
        case Int32(NDK_E_NO_PIXELS): return .noPixelData(path: path)
        case Int32(NDK_E_UNSUPPORTED): return .unsupportedPixelData(path: path, transferSyntax: transferSyntax, reason: text)
        case Int32(NDK_E_DECODE): return .decodeFailed(path: path, transferSyntax: transferSyntax, reason: text)
        default: return .library(path: path, code: error.code, reason: text)
        }
    }
}
