import Foundation

/// Reads LIDC-IDRI annotation XML (`LidcReadMessage`). Tolerant of what varies between
/// the real files (the namespace, `http://www.nih.gov` or `http://www.nih.gov/idri`; the
/// case of `SeriesInstanceUid`; `IdriReadMessage` roots; header fields of older versions;
/// chest-radiograph sessions, which are skipped), strict about what the readings need: a
/// missing or non-numeric coordinate, z or rating is an error naming the file, line and
/// element.
public enum LidcXMLReader {
    /// The largest pixel coordinate accepted.
    public static let maximumCoordinate = 1 << 16

    /// Reads one file.
    public static func read(_ url: URL) throws -> LidcReadMessage {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AnnotationError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try parse(data, file: url.path)
    }

    /// Parses a file's bytes; `file` names it in errors.
    public static func parse(_ data: Data, file: String) throws -> LidcReadMessage {
        let root = try XMLTreeParser.parse(data, file: file)
        let context = Context(file: file)
        guard root.name == "LidcReadMessage" || root.name == "IdriReadMessage" else {
            throw context.error(root, "the root element is <\(root.name)>, not <LidcReadMessage>")
        }
        guard let header = root.child(named: "ResponseHeader") else {
            throw context.error(root, "no <ResponseHeader>")
        }
        let series = try context.text(header, anyOf: ["SeriesInstanceUid", "SeriesInstanceUID", "SeriesInstanceUId"])
        guard let seriesUID = series, !seriesUID.isEmpty else {
            throw context.error(header, "no <SeriesInstanceUid>: the readings cannot be tied to a scan")
        }
        let study = try context.text(header, anyOf: ["StudyInstanceUID", "StudyInstanceUid"])
        var sessions: [LidcReadingSession] = []
        for element in root.children(named: "readingSession") {
            sessions.append(try session(element, reader: sessions.count + 1, context: context))
        }
        return LidcReadMessage(file: file, seriesInstanceUID: seriesUID, studyInstanceUID: study, sessions: sessions)
    }

    private static func session(_ element: XMLTreeElement, reader: Int, context: Context) throws -> LidcReadingSession {
        let radiologist = try context.text(element, anyOf: ["servicingRadiologistID"]) ?? ""
        let readings = try element.children(named: "unblindedReadNodule").map { try reading($0, reader: reader, context: context) }
        let nonNodules = try element.children(named: "nonNodule").map { try nonNodule($0, context: context) }
        return LidcReadingSession(reader: reader, radiologistID: radiologist, readings: readings, nonNodules: nonNodules)
    }

    private static func reading(_ element: XMLTreeElement, reader: Int, context: Context) throws -> LidcReading {
        let id = try context.text(element, anyOf: ["noduleID"]) ?? ""
        let rois = try element.children(named: "roi").map { try roi($0, context: context) }
        guard !rois.isEmpty else { throw context.error(element, "nodule '\(id)' has no <roi>") }
        var ratings: LidcCharacteristics?
        if let c = element.child(named: "characteristics") {
            // Some readings carry an empty <characteristics/>; that is "not rated".
            let values = try LidcCharacteristics.names.map { try context.integer(c, $0, required: false) }
            if values.contains(where: { $0 != nil }) { ratings = LidcCharacteristics(values: values) }
        }
        return LidcReading(reader: reader, noduleID: id, characteristics: ratings, rois: rois, line: element.line)
    }

    private static func roi(_ element: XMLTreeElement, context: Context) throws -> LidcROI {
        let z = try context.number(element, "imageZposition")
        let sop = try context.text(element, anyOf: ["imageSOP_UID"]).flatMap { $0.isEmpty ? nil : $0 }
        let inclusionText = try context.text(element, anyOf: ["inclusion"])
        let inclusion: Bool
        switch inclusionText?.uppercased() {
        case "TRUE": inclusion = true
        case "FALSE": inclusion = false
        case nil: throw context.error(element, "no <inclusion>")
        case let other?: throw context.error(element, "<inclusion> is '\(other)', not TRUE or FALSE")
        }
        let points = try element.children(named: "edgeMap").map { try point($0, context: context) }
        guard !points.isEmpty else { throw context.error(element, "an ROI with no <edgeMap>") }
        return LidcROI(imageZposition: z, imageSOPUID: sop, inclusion: inclusion, edgeMap: points, line: element.line)
    }

    private static func nonNodule(_ element: XMLTreeElement, context: Context) throws -> LidcNonNodule {
        let id = try context.text(element, anyOf: ["nonNoduleID"]) ?? ""
        let z = try context.number(element, "imageZposition")
        let sop = try context.text(element, anyOf: ["imageSOP_UID"]).flatMap { $0.isEmpty ? nil : $0 }
        guard let locus = element.child(named: "locus") else { throw context.error(element, "non-nodule '\(id)' has no <locus>") }
        return LidcNonNodule(id: id, imageZposition: z, imageSOPUID: sop, locus: try point(locus, context: context), line: element.line)
    }

    private static func point(_ element: XMLTreeElement, context: Context) throws -> LidcPoint {
        guard let x = try context.integer(element, "xCoord", required: true),
              let y = try context.integer(element, "yCoord", required: true) else {
            throw context.error(element, "a point without coordinates")
        }
        // LIDC images are 512 pixels wide; far beyond any image is a broken file (and would
        // overflow the fill's integer arithmetic).
        guard x >= 0, y >= 0, x <= maximumCoordinate, y <= maximumCoordinate else {
            throw context.error(element, "pixel coordinate (\(x), \(y)) is outside 0…\(maximumCoordinate)")
        }
        return LidcPoint(x: x, y: y)
    }

    /// Error helpers that name the file, line and element.
    private struct Context {
        let file: String

        func error(_ element: XMLTreeElement, _ reason: String) -> AnnotationError {
            .lidcStructure(file: file, line: element.line, element: element.name, reason: reason)
        }

        /// The trimmed text of the one child with one of `names`; nil when there is none,
        /// an error when there are several.
        func text(_ parent: XMLTreeElement, anyOf names: [String]) throws -> String? {
            let found = parent.children.filter { names.contains($0.name) }
            guard let first = found.first else { return nil }
            guard found.count == 1 else { throw error(found[1], "appears \(found.count) times in <\(parent.name)>") }
            guard first.children.isEmpty else { throw error(first, "holds elements where a value was expected") }
            return first.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func number(_ parent: XMLTreeElement, _ name: String) throws -> Double {
            guard let text = try text(parent, anyOf: [name]) else { throw error(parent, "no <\(name)>") }
            guard let value = Double(text), value.isFinite else {
                throw error(parent.child(named: name) ?? parent, "'\(text)' is not a number")
            }
            return value
        }

        func integer(_ parent: XMLTreeElement, _ name: String, required: Bool) throws -> Int? {
            guard let text = try text(parent, anyOf: [name]) else {
                if required { throw error(parent, "no <\(name)>") }
                return nil
            }
            guard let value = Int(text) else { throw error(parent.child(named: name) ?? parent, "'\(text)' is not an integer") }
            return value
        }
    }
}
