import Foundation
import ImagingCore

/// Decodes one single-frame slice into a slice of a volume buffer, applying the
/// modality rescale. The Int16 path decodes 16-bit data straight into the destination
/// and rescales in place: pixels are copied once.
enum SliceDecoder {
    /// Decodes `header`'s frame into `slice` as rescaled Int16; returns false when a
    /// value did not fit Int16 (the slice then holds clamped values).
    static func decodeInt16(_ header: SliceHeader, decoded: ArraySlice<Double>? = nil, into slice: UnsafeMutableBufferPointer<Int16>) throws -> Bool {
        if let decoded { return fill(slice, from: decoded, slope: header.rescaleSlope, intercept: header.rescaleIntercept) }
        let file = try DICOMFile(contentsOf: header.url, convertingHeader: false)
        let layout = try check(file, header, count: slice.count)
        let slope = Int32(header.rescaleSlope), intercept = Int32(header.rescaleIntercept)
        if layout.bytesPerSample == 2 {
            try file.decodeFrames(header.frame..<(header.frame + 1), into: UnsafeMutableRawBufferPointer(slice))
            if layout.isSigned {
                if slope == 1 && intercept == 0 { return true }
                return rescale(slice, slope: slope, intercept: intercept) { Int32($0) }
            }
            return rescale(slice, slope: slope, intercept: intercept) { Int32(UInt16(bitPattern: $0)) }
        }
        // 8- and 32-bit data: decode to a scratch buffer, then widen or narrow.
        let values = try file.decodePixels(frames: header.frame..<(header.frame + 1)).doubleValues
        return fill(slice, from: values[...], slope: header.rescaleSlope, intercept: header.rescaleIntercept)
    }

    /// `values * slope + intercept` into Int16; false when a value did not fit.
    private static func fill(_ slice: UnsafeMutableBufferPointer<Int16>, from values: ArraySlice<Double>, slope: Double, intercept: Double) -> Bool {
        var fits = true
        for (i, stored) in zip(slice.indices, values) {
            let v = stored * slope + intercept
            if v < -32768 || v > 32767 { fits = false }
            slice[i] = Int16(clampingDouble: v)
        }
        return fits
    }

    /// Decodes `header`'s frame into `slice` as Float: (stored * slope + intercept) * factor.
    static func decodeFloat(_ header: SliceHeader, factor: Double, decoded: ArraySlice<Double>? = nil, into slice: UnsafeMutableBufferPointer<Float>) throws {
        let values: ArraySlice<Double>
        if let decoded {
            values = decoded
        } else {
            let file = try DICOMFile(contentsOf: header.url, convertingHeader: false)
            _ = try check(file, header, count: slice.count)
            values = try file.decodePixels(frames: header.frame..<(header.frame + 1)).doubleValues[...]
        }
        let slope = header.rescaleSlope * factor, intercept = header.rescaleIntercept * factor
        for (i, stored) in zip(slice.indices, values) { slice[i] = Float(stored * slope + intercept) }
    }

    private static func check(_ file: DICOMFile, _ header: SliceHeader, count: Int) throws -> PixelDescription {
        let layout = try file.pixelDescription()
        guard layout.samplesPerPixel == 1, layout.rows * layout.columns == count else {
            throw DICOMError.invalidSeries(header.url.path, reason: "pixel layout \(layout.columns)x\(layout.rows)x\(layout.samplesPerPixel) differs from the series' \(count) grey pixels per slice")
        }
        return layout
    }

    /// In-place `stored * slope + intercept` with an Int16 range check; `widen` reads the
    /// stored bit pattern (signed or unsigned).
    private static func rescale(_ slice: UnsafeMutableBufferPointer<Int16>, slope: Int32, intercept: Int32, widen: (Int16) -> Int32) -> Bool {
        if slope == 1, let fast = rescaleBySum(slice, intercept: intercept, unsigned: widen(-1) > 0) { return fast }
        var fits = true
        for i in 0..<slice.count {
            let v = widen(slice[i]) * slope + intercept
            if v < -32768 || v > 32767 { fits = false }
            slice[i] = Int16(clamping: v)
        }
        return fits
    }

    /// The common CT case, slope 1: one vectorizable min/max pass proves the sum fits,
    /// then one wrapping-add pass. nil when the range check fails (the caller clamps).
    private static func rescaleBySum(_ slice: UnsafeMutableBufferPointer<Int16>, intercept: Int32, unsigned: Bool) -> Bool? {
        var lo = Int32.max, hi = Int32.min
        if unsigned {
            var mn = UInt16.max, mx = UInt16.min
            for v in slice { let u = UInt16(bitPattern: v); mn = min(mn, u); mx = max(mx, u) }
            lo = Int32(mn); hi = Int32(mx)
        } else {
            var mn = Int16.max, mx = Int16.min
            for v in slice { mn = min(mn, v); mx = max(mx, v) }
            lo = Int32(mn); hi = Int32(mx)
        }
        guard slice.count > 0, lo + intercept >= -32768, hi + intercept <= 32767 else { return slice.count == 0 ? true : nil }
        if intercept == 0 && !unsigned { return true }
        // In range, so the wrapping add of the bit patterns is the exact sum.
        let add = Int16(truncatingIfNeeded: intercept)
        for i in slice.indices { slice[i] = slice[i] &+ add }
        return true
    }
}
