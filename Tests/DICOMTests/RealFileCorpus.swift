import Foundation
import TestSupport

/// The real DICOM corpus of `make test-data`: pydicom 3.0.2's test files and
/// pydicom-data 1.0.0, every file that is not Python, text or packaging metadata.
enum RealFileCorpus {
    static let skippedExtensions: Set<String> = ["py", "pyc", "txt", "json", "dump", "complete", "typed", "md", "icc"]
    static let skippedNames: Set<String> = ["RECORD", "METADATA", "WHEEL", "LICENSE", "INSTALLER", "top_level.txt"]

    static func files() throws -> [URL] {
        let roots = [try TestEnvironment.downloadedFile("pydicom/pydicom/data"),
                     try TestEnvironment.downloadedFile("pydicom-data/data_store/data")]
        var out: [URL] = []
        for root in roots {
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                if skippedExtensions.contains(url.pathExtension.lowercased()) || skippedNames.contains(url.lastPathComponent) { continue }
                if url.path.contains(".dist-info") { continue }
                out.append(url)
            }
        }
        return out.sorted { $0.path < $1.path }
    }
}

/// pydicom's verdict on one file (Tests/Oracles/dicom_pixels.py).
struct PydicomPixels: Decodable {
    struct File: Decodable {
        let path: String
        let status: String
        let index: Int
        let transfer_syntax: String?
        let shape: [Int]?
        let dtype: String?
        let photometric: String?
        let lossy: Bool?
        let error: String?
        let oracle: String?
        let rescale: [Double]?
    }
    let files: [File]
}
