import Foundation

extension Deidentifier {
    /// One file de-identified.
    public struct FileOutcome: Sendable {
        /// The input file.
        public let input: URL
        /// Where the de-identified copy was written.
        public let output: URL
        /// The de-identification of its dataset.
        public let result: Result
    }

    /// A de-identified tree.
    public struct Summary: Sendable {
        /// Files written.
        public var written: [FileOutcome] = []
        /// Files that failed, with the error.
        public var failed: [(url: URL, error: String)] = []
        /// Files that are not DICOM datasets, or are media directories (left out).
        public var skipped: [URL] = []
        /// Inputs whose SOPInstanceUID an earlier input of the run had: written as
        /// `<SOPInstanceUID>-2.dcm`, `-3`… beside it rather than over it.
        public var sameInstanceUID: [URL] = []
        /// Written files that may hold burned-in identity.
        public var burnedIn: [FileOutcome] { written.filter { $0.result.mayHaveBurnedInAnnotation } }
    }

    /// Reads `input`, de-identifies it and writes the result to `output` atomically, the
    /// pixel data copied byte for byte in the input's transfer syntax.
    @discardableResult
    public func deidentifyFile(at input: URL, to output: URL) throws -> Result {
        let file = try DICOMFile(contentsOf: input)
        let result = deidentify(try fullDataset(of: file))
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try result.dataset.write(to: output, pixelsFrom: file)
        return result
    }

    /// The file's dataset with top-level values the header reader left out (above
    /// `DICOMFile.headerValueLimit`) read in full; pixel data stays with the file, and
    /// SpecificCharacterSet says UTF-8 when the text was converted.
    func fullDataset(of file: DICOMFile) throws -> DICOMDataset {
        var elements: [DICOMElement] = []
        for e in file.dataset.elements {
            if case .omitted = e.value, ![0x7FE0_0008, 0x7FE0_0009, 0x7FE0_0010].contains(e.tag.rawValue) {
                if e.tag.isPrivate && !keepsPrivateTags { continue }
                elements.append(DICOMElement(tag: e.tag, vr: e.vr, value: .bytes(try file.value(of: e.tag))))
            } else if e.tag == DICOMTag(0x0008, 0x0005), file.characterSetConverted {
                elements.append(.text(e.tag, "CS", "ISO_IR 192"))
            } else {
                elements.append(e)
            }
        }
        return DICOMDataset(elements: elements)
    }

    /// De-identifies a file or every DICOM file under a folder into `output`. A folder's
    /// copies are named by their new UIDs, `<StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm`
    /// (input names and folders may carry identity; sanitised UIDs never leave `output`);
    /// a single file goes to `output` itself when it ends in `.dcm`, else inside it.
    /// Bad files are listed in the summary and the run goes on.
    public func deidentify(from input: URL, to output: URL) throws -> Summary {
        var summary = Summary()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input.path, isDirectory: &isFolder) else {
            throw DICOMError.unreadable(path: input.path, reason: "no such file or folder")
        }
        var inputs: [URL] = []
        if isFolder.boolValue {
            guard let walker = FileManager.default.enumerator(at: input, includingPropertiesForKeys: [.isRegularFileKey]) else {
                throw DICOMError.unreadable(path: input.path, reason: "the folder cannot be listed")
            }
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                if url.lastPathComponent.uppercased() == "DICOMDIR" || url.lastPathComponent.hasPrefix(".") { summary.skipped.append(url); continue }
                inputs.append(url)
            }
            inputs.sort { $0.path < $1.path }
        } else {
            inputs = [input]
        }
        let single = !isFolder.boolValue && output.pathExtension.lowercased() == "dcm"
        var taken: Set<String> = []
        for url in inputs {
            do {
                let file: DICOMFile
                do { file = try DICOMFile(contentsOf: url) } catch DICOMError.notDICOM { summary.skipped.append(url); continue }
                // A media directory (DICOMDIR) is no instance; it is left out, not copied.
                if file.meta.string(DICOMTag(0x0002, 0x0002)) == "1.2.840.10008.1.3.10" { summary.skipped.append(url); continue }
                let result = deidentify(try fullDataset(of: file))
                var target = single ? output : try destination(for: result.dataset, in: output, source: url)
                // Two inputs with one SOPInstanceUID (copies, variants) never overwrite each other.
                let stem = target.deletingPathExtension()
                var n = 1
                while taken.contains(target.path) {
                    n += 1
                    target = URL(fileURLWithPath: stem.path + "-\(n).dcm")
                }
                if n > 1 { summary.sameInstanceUID.append(url) }
                taken.insert(target.path)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try result.dataset.write(to: target, pixelsFrom: file)
                summary.written.append(FileOutcome(input: url, output: target, result: result))
            } catch {
                summary.failed.append((url, "\(error)"))
            }
        }
        return summary
    }

    private func destination(for dataset: DICOMDataset, in root: URL, source: URL) throws -> URL {
        var url = root
        for tag in [DICOMTag.studyInstanceUID, .seriesInstanceUID, .sopInstanceUID] {
            // A file without a study or series UID goes under a keyed hash of its path (which
            // says nothing about the patient).
            let uid = dataset.string(tag) ?? (tag == .sopInstanceUID ? nil : replacementUID(for: source.path + "#" + tag.description))
            guard let uid, let name = DICOMUID.fileName(uid, suffix: tag == .sopInstanceUID ? ".dcm" : "") else {
                throw DICOMError.missingElement(path: source.path, tag: tag, needed: "naming the de-identified copy")
            }
            url.appendPathComponent(name)
        }
        guard url.standardizedFileURL.path.hasPrefix(root.standardizedFileURL.path + "/") else {
            throw DICOMError.writeFailed(path: url.path, reason: "the output would leave \(root.path)")
        }
        return url
    }
}
