import Foundation
import ImagingCore

/// A LIDC scan's grid without its images: what `scripts/lidc/write_lidc_xml.py` writes as
/// `<patient>.grid.json` beside `<patient>.xml` (columns, rows, pixel spacing, the sorted
/// slice positions). Enough to place the readers' contours, whose x, y are pixel indices
/// and whose z is a slice position; the in-plane origin is 0 and the direction axial.
public struct LidcScanGrid: Sendable, Equatable, Codable {
    public var patient: String
    public var series: String
    public var columns: Int
    public var rows: Int
    public var pixelSpacing: Double
    public var sliceThickness: Double
    public var sliceZ: [Double]

    enum CodingKeys: String, CodingKey {
        case patient, series, columns, rows
        case pixelSpacing = "pixel_spacing", sliceThickness = "slice_thickness", sliceZ = "slice_zvals"
    }

    /// Reads `<patient>.grid.json`; a grid that is not a plausible CT grid is an error naming the file.
    public static func read(_ url: URL) throws -> LidcScanGrid {
        let grid: LidcScanGrid
        do {
            grid = try JSONDecoder().decode(LidcScanGrid.self, from: Data(contentsOf: url))
        } catch {
            throw AnnotationError.unreadable(file: url.path, reason: "not a LIDC grid file: \(error)")
        }
        let zs = grid.sliceZ
        func bad(_ reason: String) -> AnnotationError { .unreadable(file: url.path, reason: reason) }
        guard (1...4096).contains(grid.columns), (1...4096).contains(grid.rows) else { throw bad("columns/rows \(grid.columns)x\(grid.rows) outside 1…4096") }
        guard grid.pixelSpacing.isFinite, grid.pixelSpacing > 0.01, grid.pixelSpacing < 10 else { throw bad("pixel spacing \(grid.pixelSpacing) mm") }
        guard zs.count >= 2, zs.count <= 10_000, zs.allSatisfy(\.isFinite) else { throw bad("needs 2…10000 finite slice positions, has \(zs.count)") }
        guard zip(zs, zs.dropFirst()).allSatisfy({ $0 < $1 }) else { throw bad("slice positions not strictly increasing") }
        return grid
    }

    /// The scan's geometry: uniform slices from the first position to the last.
    public func geometry() throws -> ImageGeometry {
        let step = (sliceZ[sliceZ.count - 1] - sliceZ[0]) / Double(sliceZ.count - 1)
        return try ImageGeometry(size: GridSize(columns, rows, sliceZ.count), origin: Vector3(0, 0, sliceZ[0]),
                                 spacing: Vector3(pixelSpacing, pixelSpacing, step))
    }
}
