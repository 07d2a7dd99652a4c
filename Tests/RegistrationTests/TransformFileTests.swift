import Foundation
import ImagingCore
import TestSupport
import XCTest
@testable import Registration

/// ITK .tfm files: ours read by SimpleITK's ReadTransform map points as ours do, and
/// SimpleITK's read by us map points as SimpleITK does, within 1e-9 mm; anything but one
/// rigid transform is a typed error naming the file.
final class TransformFileTests: XCTestCase {
    private let points: [Vector3] = [
        Vector3(0, 0, 0), Vector3(120.5, -87.25, 310), Vector3(-250, 180, -95.5), Vector3(12.5, -30.25, 101), Vector3(1e3, 2e2, -7e2),
    ]

    private func transforms() -> [RigidTransform] {
        var g = SeededGenerator(seed: 10)
        return (0..<6).map { n in
            let angles = Vector3(g.nextUnit() - 0.5, g.nextUnit() - 0.5, g.nextUnit() - 0.5) * (n == 5 ? 6.0 : 0.8)
            return RigidTransform(eulerAngles: angles, translation: Vector3(g.nextGaussian(), g.nextGaussian(), g.nextGaussian()) * 20,
                                  centre: Vector3(g.nextGaussian(), g.nextGaussian(), g.nextGaussian()) * 100, zyx: n == 3)
        }
    }

    private struct Mapped: Decodable { let file: String; let type: String?; let mapped: [[Double]]?; let error: String? }
    private struct Written: Decodable { let file: String; let kind: String; let readable: Bool; let mapped: [[Double]] }

    func testOurFilesReadBySimpleITKMapPointsAsOursWithinANanometre() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        var files: [(String, RigidTransform, TransformFile.Kind)] = []
        for (n, t) in transforms().enumerated() {
            for kind in TransformFile.Kind.allCases {
                let url = folder.appendingPathComponent("t\(n)-\(kind.rawValue).tfm")
                try TransformFile.write(t, to: url, as: kind)
                files.append((url.path, t, kind))
            }
        }
        let request = folder.appendingPathComponent("request.json")
        try JSONSerialization.data(withJSONObject: ["files": files.map(\.0), "points": points.map { [$0.x, $0.y, $0.z] }]).write(to: request)
        let results = try PythonOracle.json("sitk_transforms.py", ["map", request.path], as: [Mapped].self)
        XCTAssertEqual(results.count, files.count)
        var worst = 0.0
        for (result, (path, transform, kind)) in zip(results, files) {
            XCTAssertNil(result.error, path)
            XCTAssertEqual(result.type, kind.rawValue, path)
            let mapped = try XCTUnwrap(result.mapped)
            for (p, m) in zip(points, mapped) {
                let ours = transform.transformPoint(p)
                worst = max(worst, length(ours - Vector3(m[0], m[1], m[2])))
            }
        }
        print("tfm written by us, read by SimpleITK: worst point difference \(worst) mm")
        XCTAssertLessThan(worst, 1e-9)
    }

    func testSimpleITKFilesReadByUsMapPointsAsSimpleITKAndOthersAreTypedErrors() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let request = folder.appendingPathComponent("request.json")
        try JSONSerialization.data(withJSONObject: ["points": points.map { [$0.x, $0.y, $0.z] }]).write(to: request)
        let written = try PythonOracle.json("sitk_transforms.py", ["write", folder.path, request.path], as: [Written].self)
        XCTAssertEqual(written.map(\.kind), ["euler", "euler_zyx", "versor", "rigid_affine", "scaled_affine", "composite", "bspline"])
        var worst = 0.0
        for w in written where w.readable {
            let t = try TransformFile.read(URL(fileURLWithPath: w.file))
            for (p, m) in zip(points, w.mapped) { worst = max(worst, length(t.transformPoint(p) - Vector3(m[0], m[1], m[2]))) }
        }
        print("tfm written by SimpleITK, read by us: worst point difference \(worst) mm")
        XCTAssertLessThan(worst, 1e-9)
        for w in written where !w.readable {
            XCTAssertThrowsError(try TransformFile.read(URL(fileURLWithPath: w.file)), w.kind) { error in
                let e = error as? RegistrationError
                switch (w.kind, e) {
                case ("scaled_affine", .notRigid(let path, _)?): XCTAssertEqual(path, w.file)
                case ("composite", .unsupportedTransform(let path, let type, _)?), ("bspline", .unsupportedTransform(let path, let type, _)?):
                    XCTAssertEqual(path, w.file)
                    XCTAssertTrue(type.hasPrefix(w.kind == "composite" ? "CompositeTransform" : "BSplineTransform"), type)
                default: XCTFail("\(w.kind): unexpected \(error)")
                }
                XCTAssertTrue("\(error)".contains(w.file), "\(error)")
            }
        }
    }

    func testInverseCompositionAndRecentringAreExact() {
        let ts = transforms()
        for (a, b) in zip(ts, ts.dropFirst()) {
            for p in points {
                XCTAssertLessThan(length(a.inverse.transformPoint(a.transformPoint(p)) - p), 1e-9)
                XCTAssertLessThan(length(a.composed(after: b).transformPoint(p) - a.transformPoint(b.transformPoint(p))), 1e-9)
                XCTAssertLessThan(length(a.recentred(at: Vector3(7, -8, 9)).transformPoint(p) - a.transformPoint(p)), 1e-9)
            }
        }
        // ITK's Euler3D order: Rz·Rx·Ry. A quarter turn about z sends L (x) to P (y).
        let quarter = RigidTransform(eulerAngles: Vector3(0, 0, .pi / 2), translation: Vector3(1, 2, 3), centre: Vector3(10, 0, 0))
        let mapped = quarter.transformPoint(Vector3(11, 0, 0))
        XCTAssertEqual(mapped.x, 11, accuracy: 1e-12); XCTAssertEqual(mapped.y, 3, accuracy: 1e-12); XCTAssertEqual(mapped.z, 3, accuracy: 1e-12)
        XCTAssertEqual(quarter.rotationAngleDegrees, 90, accuracy: 1e-9)
        let angles = Vector3(0.1, -0.2, 0.3)
        XCTAssertLessThan(length(RigidTransform(eulerAngles: angles).eulerAngles - angles), 1e-12)
        XCTAssertLessThan(Rotation.versor(Rotation.versor(of: Rotation.euler(angles))).maxAbsDifference(Rotation.euler(angles)), 1e-12)
    }

    func testBrokenFilesNameTheFileAndTheProblem() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let cases: [(String, String, String)] = [
            ("empty", "", "empty"),
            ("header", "Transform: Euler3DTransform_double_3_3\n", "first line"),
            ("count", "#Insight Transform File V1.0\nTransform: Euler3DTransform_double_3_3\nParameters: 1 2 3\nFixedParameters: 0 0 0 0\n", "needs 6 Parameters"),
            ("number", "#Insight Transform File V1.0\nTransform: Euler3DTransform_double_3_3\nParameters: 0 0 0 1 2 nan\nFixedParameters: 0 0 0\n", "not a finite number"),
            ("noparams", "#Insight Transform File V1.0\nTransform: VersorRigid3DTransform_double_3_3\n", "no Parameters"),
            ("fixed", "#Insight Transform File V1.0\nTransform: AffineTransform_double_3_3\nParameters: 1 0 0 0 1 0 0 0 1 0 0 0\nFixedParameters: 0\n", "FixedParameters"),
            ("versor", "#Insight Transform File V1.0\nTransform: VersorRigid3DTransform_double_3_3\nParameters: 1 1 0 0 0 0\nFixedParameters: 0 0 0\n", "longer than 1"),
            ("reflect", "#Insight Transform File V1.0\nTransform: AffineTransform_double_3_3\nParameters: -1 0 0 0 1 0 0 0 1 0 0 0\nFixedParameters: 0 0 0\n", "determinant"),
            ("twod", "#Insight Transform File V1.0\nTransform: Euler2DTransform_double_2_2\nParameters: 0 1 2\nFixedParameters: 0 0\n", "3-D"),
            ("order", "#Insight Transform File V1.0\nParameters: 0 0 0 0 0 0\n", "before any"),
            ("binary", "\u{89}HDF\r\n", "first line"),
        ]
        for (name, text, expected) in cases {
            let url = folder.appendingPathComponent("\(name).tfm")
            try Data(text.utf8).write(to: url)
            XCTAssertThrowsError(try TransformFile.read(url), name) { error in
                XCTAssertTrue(error is RegistrationError, name)
                XCTAssertTrue("\(error)".contains(url.path), "\(name): \(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(name): \(error)")
            }
        }
        XCTAssertThrowsError(try TransformFile.read(folder.appendingPathComponent("missing.tfm"))) { error in
            XCTAssertTrue("\(error)".contains("missing.tfm"))
        }
    }
}
