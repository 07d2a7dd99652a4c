import Foundation
import ImagingCore

/// Decodes one single-frame slice into a slice of a volume buffer, applying the
/// modality rescale. The Int16 path decodes 16-bit data straight into the destination
/// and rescales in place: pixels are copied once.
enum SliceDecoder {
    /// Decodes `header`'s frame into `slice` as rescaled Int16; returns false when a
    /// value did not fit Int16 (the slice then holds clamped values).
    static func decodeInt16(_ header: SliceHeader, into slice: UnsafeMutableBufferPointer<Int16>) throws -> Bool {
        let file = try DICOMFile(contentsOf: header.url)
        let layout = try check(file, header, count: slice.count)
        let slope = Int32(header.rescaleSlope), intercept = Int32(header.rescaleIntercept)
        if layout.bytesPerSample == 2 {
            try file.decodeFrames(0..<1, into: UnsafeMutableRawBufferPointer(slice))
            if layout.isSigned {
                if slope == 1 && intercept == 0 { return true }
                return rescale(slice, slope: slope, intercept: intercept) { Int32($0) }
            }
            return rescale(slice, slope: slope, intercept: intercept) { Int32(UInt16(bitPattern: $0)) }
        }
        // 8- and 32-bit data: decode to a scratch buffer, then widen or narrow.
        let values = try file.decodePixels(frames: 0..<1).doubleValues
        var fits = true
        for i in 0..<slice.count {
            let v = values[i] * header.rescaleSlope + header.rescaleIntercept
            if v < -32768 || v > 32767 { fits = false }
            slice[i] = Int16(clampingDouble: v)
        }
        return fits
    }

    /// Decodes `header`'s frame into `slice` as Float: (stored * slope + intercept) * factor.
    static func decodeFloat(_ header: SliceHeader, factor: Double, into slice: UnsafeMutableBufferPointer<Float>) throws {
        let file = try DICOMFile(contentsOf: header.url)
        _ = try check(file, header, count: slice.count)
        let values = try file.decodePixels(frames: 0..<1).doubleValues
        let slope = header.rescaleSlope * factor, intercept = header.rescaleIntercept * factor
        for i in 0..<slice.count { slice[i] = Float(values[i] * slope + intercept) }
    }

    private static func check(_ file: DICOMFile, _ header: SliceHeader, count: Int) throws -> PixelDescription {
        let layout = try file.pixelDescription()
        guard layout.samplesPerPixel == 1, layout.rows * layout.columns == count else {
            throw DICOMError.invalidSeries(header.url.path, reason: "pixel layout \(layout.columns)x\(layout.rows)x\(layout.samplesPerPixel) differs from the series' \(count) grey pixels per slice")
        }
        return layout
    }

    /// In-place `stored * slope + intercept` with Int16 range check; `widen` reads the
    /// stored bit pattern (signed or unsigned).
    private static func rescale(_ slice: UnsafeMutableBufferPointer<Int16>, slope: Int32, intercept: Int32, widen: (Int16) -> Int32) -> Bool {
        var fits = true
        for i in 0..<slice.count {
            let v = widen(slice[i]) * slope + intercept
            if v < -32768 || v > 32767 { fits = false }
            slice[i] = Int16(clamping: v)
        }
        return fits
    }
}
