import Foundation
import ImageFormats

/// The reading side of a dataset written by `SegmentationDatasetBuilder`: its manifest rows
/// and the image and mask arrays of each scan, checked against each other.
public struct SegmentationDatasetManifest: Sendable {
    /// One manifest row: a slice, its split and where its pixels are.
    public struct Entry: Sendable, Equatable {
        public var seriesUID: String
        public var split: DatasetSplit
        /// Row of the slice in the scan's arrays.
        public var row: Int
        /// The slice index k in the scan.
        public var slice: Int
        public var nodulePixels: Int
        /// Paths relative to the dataset folder.
        public var imagesFile: String
        public var masksFile: String
        /// The scan's lung search regions, when the set was built with the lung mask.
        public var lungsFile: String?
    }

    /// The dataset folder.
    public var folder: URL
    /// Every row of `manifest.csv`, in file order.
    public var entries: [Entry]

    /// Reads `folder/manifest.csv`; throws naming the line of a bad row.
    public init(folder: URL) throws {
        self.folder = folder
        let table = try CSVTable(contentsOf: folder.appendingPathComponent("manifest.csv"))
        let columns = try ["seriesuid", "split", "row", "slice", "nodule_pixels", "images_file", "masks_file"].map(table.column)
        let lungsColumn = table.header.firstIndex(of: "lungs_file") // absent in sets built before the lung mask
        entries = try table.rows.map { r in
            let splitText = r.fields[columns[1]]
            guard let split = DatasetSplit(rawValue: splitText) else {
                throw AnnotationError.badField(file: table.source, line: r.line, column: "split", value: splitText,
                                               expected: "train, validation or test")
            }
            return Entry(seriesUID: r.fields[columns[0]], split: split, row: try table.int(r, columns[2]),
                         slice: try table.int(r, columns[3]), nodulePixels: try table.int(r, columns[4]),
                         imagesFile: r.fields[columns[5]], masksFile: r.fields[columns[6]],
                         lungsFile: lungsColumn.flatMap { $0 < r.fields.count && !r.fields[$0].isEmpty ? r.fields[$0] : nil })
        }
    }

    /// The images (float32) and masks (uint8) of one scan, both N×1×S×S with the same shape.
    public func arrays(imagesFile: String, masksFile: String) throws -> (shape: [Int], images: [Float], masks: [UInt8]) {
        let images = try NumPyArray<Float>(contentsOf: folder.appendingPathComponent(imagesFile))
        let masks = try NumPyArray<UInt8>(contentsOf: folder.appendingPathComponent(masksFile))
        guard images.shape.count == 4, images.shape[1] == 1, images.shape[2] == images.shape[3], images.shape == masks.shape else {
            throw AnnotationError.badField(file: folder.appendingPathComponent(masksFile).path, line: 0, column: "shape",
                                           value: "\(masks.shape)", expected: "N×1×S×S, the images' shape \(images.shape)")
        }
        return (images.shape, images.values, masks.values)
    }

    /// The lung search regions (uint8, N×1×S×S) of one scan, checked against its images' shape.
    public func lungRegions(file: String, shape: [Int]) throws -> [UInt8] {
        let regions = try NumPyArray<UInt8>(contentsOf: folder.appendingPathComponent(file))
        guard regions.shape == shape else {
            throw AnnotationError.badField(file: folder.appendingPathComponent(file).path, line: 0, column: "shape",
                                           value: "\(regions.shape)", expected: "the images' shape \(shape)")
        }
        return regions.values
    }
}

extension SegmentationDatasetManifest {
    /// The images and masks of one scan, memory-mapped (N×1×S×S, the same shape), for a
    /// reader that copies slices out on demand instead of holding the dataset in memory.
    public func mappedArrays(imagesFile: String, masksFile: String) throws -> MappedSegmentationArrays {
        let images = try MappedNumPyArray<Float>(contentsOf: folder.appendingPathComponent(imagesFile))
        let masks = try MappedNumPyArray<UInt8>(contentsOf: folder.appendingPathComponent(masksFile))
        guard images.shape.count == 4, images.shape[1] == 1, images.shape[2] == images.shape[3], images.shape == masks.shape else {
            throw AnnotationError.badField(file: folder.appendingPathComponent(masksFile).path, line: 0, column: "shape",
                                           value: "\(masks.shape)", expected: "N×1×S×S, the images' shape \(images.shape)")
        }
        return MappedSegmentationArrays(images: images, masks: masks)
    }
}

/// One scan's slices and masks of a segmentation dataset, mapped from their `.npy` files.
public struct MappedSegmentationArrays: Sendable {
    let images: MappedNumPyArray<Float>
    let masks: MappedNumPyArray<UInt8>

    /// N×1×S×S.
    public var shape: [Int] { images.shape }

    /// Calls `body` with slice `row`'s pixels and mask (S·S each, mask values as stored).
    /// `row` must be in 0..<N.
    public func withSlice<R>(_ row: Int, _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<UInt8>) -> R) -> R {
        let per = shape[2] * shape[3]
        let range = (row * per)..<((row + 1) * per)
        return images.withElements(range) { x in masks.withElements(range) { m in body(x, m) } }
    }
}
