import Foundation
import XCTest

/// The files of an output tree, for tests that check what a tree must not hold.
public enum FileTree {
    /// Every regular file under `root`, hidden ones (resume records) included.
    public static func files(under root: URL) -> [URL] {
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        return (walker?.allObjects as? [URL] ?? []).filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }

    /// Fails for each file under `root` whose path below `root` or whose bytes contain one of
    /// `strings`; returns how many files were read.
    @discardableResult
    public static func assertNone(of strings: [String], under root: URL, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let all = files(under: root)
        for url in all {
            let relative = String(url.path.dropFirst(root.path.count)), bytes = try Data(contentsOf: url)
            for s in strings {
                XCTAssertFalse(relative.contains(s), "\(relative) is named by \(s)", file: file, line: line)
                XCTAssertNil(bytes.range(of: Data(s.utf8)), "\(relative) holds \(s)", file: file, line: line)
            }
        }
        return all.count
    }
}
