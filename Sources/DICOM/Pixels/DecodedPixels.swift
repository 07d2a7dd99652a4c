/// Decoded pixel values of one or more frames, in the integer type the data was stored
/// with.
public struct DecodedPixels: Sendable {
    /// The values, typed by BitsAllocated and PixelRepresentation.
    public enum Samples: Sendable, Equatable {
        case uint8([UInt8]), int8([Int8]), uint16([UInt16]), int16([Int16]), uint32([UInt32]), int32([Int32])
    }

    /// The layout.
    public let description: PixelDescription
    /// The samples, frame after frame, samples interleaved per pixel.
    public let samples: Samples

    /// Every value as Double (for tests and generic tools).
    public var doubleValues: [Double] {
        switch samples {
        case .uint8(let v): return v.map(Double.init)
        case .int8(let v): return v.map(Double.init)
        case .uint16(let v): return v.map(Double.init)
        case .int16(let v): return v.map(Double.init)
        case .uint32(let v): return v.map(Double.init)
        case .int32(let v): return v.map(Double.init)
        }
    }

    /// Number of samples.
    public var count: Int {
        switch samples {
        case .uint8(let v): return v.count
        case .int8(let v): return v.count
        case .uint16(let v): return v.count
        case .int16(let v): return v.count
        case .uint32(let v): return v.count
        case .int32(let v): return v.count
        }
    }
}
