import CDICOMBridge
import DICOM
import Foundation

/// The files of a send and the presentation contexts they need, read from each file's
/// SOP class and transfer syntax before anything is sent.
public struct StorePlan: Sendable {
    /// A file to send.
    public struct Item: Sendable, Hashable {
        public let file: URL
        public let sopClassUID: String
        public let sopInstanceUID: String
        public let transferSyntaxUID: String
    }

    /// Files that will be sent, in path order.
    public let items: [Item]
    /// Files skipped before sending (not DICOM, no SOP class), with why.
    public let skipped: [(file: URL, reason: String)]

    /// Reads every file given, and every file under every folder given (hidden files
    /// and DICOMDIR skipped), keeping those that are DICOM instances.
    public init(paths: [URL]) throws {
        var files: [URL] = []
        let fm = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: path.path, isDirectory: &isFolder) else {
                throw DICOMNetworkError.file(path: path.path, reason: "no such file or folder")
            }
            if !isFolder.boolValue { files.append(path); continue }
            guard let walker = fm.enumerator(at: path, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else {
                throw DICOMNetworkError.file(path: path.path, reason: "cannot list the folder")
            }
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                if url.lastPathComponent.uppercased() != "DICOMDIR" { files.append(url) }
            }
        }
        var items: [Item] = [], skipped: [(URL, String)] = []
        try DICOMLibrary.ensureInitialized()
        for file in files.sorted(by: { $0.path < $1.path }) {
            // Parsing stops after SOPInstanceUID: the plan costs little beside the send.
            var sopClass = [CChar](repeating: 0, count: 72), sop = sopClass, ts = sopClass
            var error = ndk_error()
            guard ndk_read_store_identity(file.path, &sopClass, &sop, &ts, &error) == 0 else {
                skipped.append((file, NetworkBridge.message(error)))
                continue
            }
            let klass = String(cString: sopClass), instance = String(cString: sop), syntax = String(cString: ts)
            guard !klass.isEmpty, !instance.isEmpty else {
                skipped.append((file, "no SOPClassUID or SOPInstanceUID"))
                continue
            }
            items.append(Item(file: file, sopClassUID: klass, sopInstanceUID: instance,
                              transferSyntaxUID: syntax.isEmpty ? TransferSyntax.implicitLittleEndian : syntax))
        }
        self.items = items
        self.skipped = skipped
    }

    /// One context per (SOP class, transfer syntax) found: a compressed file's syntax
    /// alone (sent as it is or not at all), an uncompressed file's syntax first and the
    /// other uncompressed ones after it.
    public var presentationContexts: [PresentationContext] { Self.contexts(for: items) }
}
