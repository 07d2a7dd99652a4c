// LIDC bench: read the LIDC XML of every `<patient>.xml` + `<patient>.grid.json` pair in a
// folder (what `make test-data` writes in .testdata/lidc-xml), fill every reading, group
// them and take the 50 % consensus, as `masks --lidc` does without the image I/O. Prints
// `ours_s=` (median of RUNS) and what it made. Usage: lidc-bench FOLDER [RUNS]
import Foundation
import ImagingCore
import Annotations

struct Grid: Decodable {
    let patient: String
    let columns: Int
    let rows: Int
    let pixel_spacing: Double
    let slice_thickness: Double
    let slice_zvals: [Double]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail("usage: lidc-bench FOLDER [RUNS]") }
let folder = URL(fileURLWithPath: arguments[1])
let runs = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 3) : 3
do {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".grid.json") }.sorted()
    guard !names.isEmpty else { fail("no *.grid.json in \(folder.path)") }
    var cases: [(URL, ImageGeometry, Double)] = []
    for name in names {
        let grid = try JSONDecoder().decode(Grid.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
        let zs = grid.slice_zvals
        guard let first = zs.first, let last = zs.last, zs.count > 1 else { fail("\(name): fewer than two slices") }
        let geometry = try ImageGeometry(size: GridSize(grid.columns, grid.rows, zs.count), origin: Vector3(0, 0, first),
                                         spacing: Vector3(grid.pixel_spacing, grid.pixel_spacing, (last - first) / Double(zs.count - 1)))
        cases.append((folder.appendingPathComponent(grid.patient + ".xml"), geometry, grid.slice_thickness))
    }
    var times: [Double] = []
    var nodules = 0, readings = 0
    for _ in 0..<runs {
        let start = Date()
        nodules = 0
        readings = 0
        for (xml, geometry, thickness) in cases {
            let message = try LidcXMLReader.read(xml)
            let scan = try LidcNoduleBuilder(clusterTolerance: thickness).nodules(in: message, geometry: geometry)
            nodules += scan.nodules.count
            readings += scan.nodules.reduce(0) { $0 + $1.readings.count }
        }
        times.append(Date().timeIntervalSince(start))
    }
    let median = times.sorted()[times.count / 2]
    print("ours_s=\(String(format: "%.4f", median)) scans=\(cases.count) readings=\(readings) nodules=\(nodules)")
} catch {
    fail("\(error)")
}
