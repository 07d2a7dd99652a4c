import Foundation
import ImagingCore

/// ITK's text transform file (`.tfm`, "#Insight Transform File V1.0"), as SimpleITK's
/// ReadTransform/WriteTransform and 3D Slicer use it. One rigid transform per file:
/// `Euler3DTransform`, `VersorRigid3DTransform`, or an `AffineTransform` whose matrix is
/// a rotation. Parameters and FixedParameters are in LPS millimetres and radians, the
/// same world as ours, so nothing is flipped.
public enum TransformFile {
    /// The transform types we write.
    public enum Kind: String, Sendable, CaseIterable {
        /// `Euler3DTransform_double_3_3`: angles x, y, z (radians) then translation; fixed: centre, ComputeZYX 0.
        case euler3D = "Euler3DTransform"
        /// `VersorRigid3DTransform_double_3_3`: versor vector part then translation; fixed: centre.
        case versorRigid3D = "VersorRigid3DTransform"
        /// `AffineTransform_double_3_3`: nine matrix values by row then translation; fixed: centre.
        case affine = "AffineTransform"
    }

    /// Largest |MᵀM − I| entry accepted for an affine matrix read as a rotation.
    public static let rigidityTolerance = 1e-6

    /// The file's text for `transform`.
    public static func text(for transform: RigidTransform, as kind: Kind = .euler3D) -> String {
        let c = transform.centre, t = transform.translation
        var parameters: [Double], fixed = [c.x, c.y, c.z]
        switch kind {
        case .euler3D:
            let a = transform.eulerAngles
            // Angles rebuild the matrix to about 1e-16, so mappings agree to ~1e-13 mm.
            parameters = [a.x, a.y, a.z, t.x, t.y, t.z]
            fixed.append(0)
        case .versorRigid3D:
            let v = transform.versor
            parameters = [v.x, v.y, v.z, t.x, t.y, t.z]
        case .affine:
            parameters = transform.rotation.rowMajor + [t.x, t.y, t.z]
        }
        return """
            #Insight Transform File V1.0
            #Transform 0
            Transform: \(kind.rawValue)_double_3_3
            Parameters: \(parameters.map(format).joined(separator: " "))
            FixedParameters: \(fixed.map(format).joined(separator: " "))

            """
    }

    /// Writes `transform` to `url` atomically.
    public static func write(_ transform: RigidTransform, to url: URL, as kind: Kind = .euler3D) throws {
        try AtomicFile.write(Data(text(for: transform, as: kind).utf8), to: url)
    }

    /// Reads the one rigid transform of an ITK text transform file.
    public static func read(_ url: URL) throws -> RigidTransform {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RegistrationError.malformedTransformFile(path: url.path, line: 0, reason: "cannot be read (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RegistrationError.malformedTransformFile(path: url.path, line: 0, reason: "is not UTF-8 text (a binary .mat or .h5 transform is not read)")
        }
        return try parse(text, path: url.path)
    }

    /// Parses the text of an ITK transform file; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws -> RigidTransform {
        var entries: [Entry] = []
        var sawHeader = false
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            if !sawHeader {
                guard line.hasPrefix("#Insight Transform File") else {
                    throw RegistrationError.malformedTransformFile(path: path, line: n + 1, reason: "the first line must be \"#Insight Transform File V1.0\", found \"\(line.prefix(60))\"")
                }
                sawHeader = true
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw RegistrationError.malformedTransformFile(path: path, line: n + 1, reason: "expected \"Key: value\", found \"\(line.prefix(60))\"")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "Transform": entries.append(Entry(type: value, line: n + 1))
            case "Parameters", "FixedParameters":
                guard !entries.isEmpty else {
                    throw RegistrationError.malformedTransformFile(path: path, line: n + 1, reason: "\(key) comes before any \"Transform:\" line")
                }
                var numbers: [Double] = []
                for token in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    guard let d = Double(token), d.isFinite else {
                        throw RegistrationError.malformedTransformFile(path: path, line: n + 1, reason: "\(key) value \"\(token.prefix(30))\" is not a finite number")
                    }
                    numbers.append(d)
                }
                if key == "Parameters" { entries[entries.count - 1].parameters = numbers } else { entries[entries.count - 1].fixed = numbers }
            default:
                throw RegistrationError.malformedTransformFile(path: path, line: n + 1, reason: "unknown key \"\(key.prefix(40))\"")
            }
        }
        guard sawHeader else { throw RegistrationError.malformedTransformFile(path: path, line: 0, reason: "the file is empty") }
        guard let first = entries.first else {
            throw RegistrationError.malformedTransformFile(path: path, line: 0, reason: "no \"Transform:\" line")
        }
        if first.type.hasPrefix("CompositeTransform") {
            throw RegistrationError.unsupportedTransform(path: path, type: first.type, reason: "a composite of \(entries.count - 1) transforms; write one rigid transform (flatten the composite first)")
        }
        guard entries.count == 1 else {
            throw RegistrationError.unsupportedTransform(path: path, type: first.type, reason: "the file holds \(entries.count) transforms; one rigid transform is read")
        }
        return try first.rigidTransform(path: path)
    }

    /// Shortest text that reads back to the same Double (what ITK's %.17g round-trips).
    private static func format(_ value: Double) -> String {
        let v = value == 0 ? 0 : value   // no "-0"
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}

/// One `Transform:` block of a file.
private struct Entry {
    var type: String
    var line: Int
    var parameters: [Double]?
    var fixed: [Double]?

    func rigidTransform(path: String) throws -> RigidTransform {
        let parts = type.split(separator: "_")
        let base = parts.first.map(String.init) ?? type
        guard parts.count == 4, parts[1] == "double" || parts[1] == "float", parts[2] == "3", parts[3] == "3" else {
            throw RegistrationError.unsupportedTransform(path: path, type: type, reason: "expected a 3-D transform named like Euler3DTransform_double_3_3")
        }
        guard let p = parameters else {
            throw RegistrationError.malformedTransformFile(path: path, line: line, reason: "\(type) has no Parameters line")
        }
        let f = fixed ?? []
        func need(_ n: Int, _ fixedCounts: [Int]) throws {
            guard p.count == n else {
                throw RegistrationError.malformedTransformFile(path: path, line: line, reason: "\(type) needs \(n) Parameters, found \(p.count)")
            }
            guard fixedCounts.contains(f.count) else {
                throw RegistrationError.malformedTransformFile(path: path, line: line, reason: "\(type) needs \(fixedCounts.map(String.init).joined(separator: " or ")) FixedParameters (the centre), found \(f.count)")
            }
        }
        switch base {
        case "Euler3DTransform":
            try need(6, [3, 4])
            let zyx = f.count == 4 && f[3] != 0
            return RigidTransform(eulerAngles: Vector3(p[0], p[1], p[2]), translation: Vector3(p[3], p[4], p[5]),
                                  centre: Vector3(f[0], f[1], f[2]), zyx: zyx)
        case "VersorRigid3DTransform":
            try need(6, [3])
            let v = Vector3(p[0], p[1], p[2])
            guard dot(v, v) <= 1 + 1e-12 else {
                throw RegistrationError.malformedTransformFile(path: path, line: line, reason: "the versor (\(p[0]), \(p[1]), \(p[2])) is longer than 1")
            }
            return RigidTransform(versor: v, translation: Vector3(p[3], p[4], p[5]), centre: Vector3(f[0], f[1], f[2]))
        case "AffineTransform", "MatrixOffsetTransformBase":
            try need(12, [3])
            let m = Matrix3(rowMajor: Array(p[0..<9]))
            let (orthonormality, det) = Rotation.rigidityDefect(of: m)
            guard orthonormality <= TransformFile.rigidityTolerance, det > 0 else {
                throw RegistrationError.notRigid(path: path, reason: det <= 0
                    ? "the affine matrix has determinant \(det) (a reflection or a collapse)"
                    : "the affine matrix scales or shears (|MᵀM − I| = \(orthonormality), tolerance \(TransformFile.rigidityTolerance))")
            }
            return RigidTransform(rotation: m, centre: Vector3(f[0], f[1], f[2]), translation: Vector3(p[9], p[10], p[11]))
        default:
            throw RegistrationError.unsupportedTransform(path: path, type: type, reason: "only Euler3DTransform, VersorRigid3DTransform and a rigid AffineTransform are read (no deformable or scaling transforms)")
        }
    }
}
