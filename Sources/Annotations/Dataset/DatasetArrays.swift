import Foundation
import ImageFormats

/// NumPy `.npy` arrays of a dataset folder, for targets that may not import ImageFormats
/// (NoduleModels): float32 samples and uint8 labels, written atomically, read back with
/// their shape checked.
public enum DatasetArrays {
    /// Writes float32 values of `shape` to `url` (atomically).
    public static func write(shape: [Int], values: [Float], to url: URL) throws {
        try NumPyArray(shape: shape, values: values).write(to: url)
    }

    /// Writes uint8 values of `shape` to `url` (atomically).
    public static func write(shape: [Int], values: [UInt8], to url: URL) throws {
        try NumPyArray(shape: shape, values: values).write(to: url)
    }

    /// Reads a float32 array; throws naming the file unless it has `rank` dimensions.
    public static func readFloats(_ url: URL, rank: Int) throws -> (shape: [Int], values: [Float]) {
        let array = try NumPyArray<Float>(contentsOf: url)
        guard array.shape.count == rank else {
            throw AnnotationError.badField(file: url.path, line: 0, column: "shape", value: "\(array.shape)",
                                           expected: "\(rank) dimensions")
        }
        return (array.shape, array.values)
    }
}
