import CDICOMBridge

extension DICOMFile {
    /// The pixel layout, without decoding. Throws `noPixelData` or `unsupportedPixelData`.
    public func pixelDescription() throws -> PixelDescription {
        var info = ndk_pixel_info()
        var error = ndk_error()
        guard ndk_pixel_info_get(handle, &info, &error) == 0 else {
            throw BridgeError.make(error, path: path, transferSyntax: transferSyntaxUID)
        }
        return PixelDescription(info)
    }

    /// Decodes frames `frames` (all by default) into typed samples.
    public func decodePixels(frames: Range<Int>? = nil) throws -> DecodedPixels {
        let layout = try pixelDescription()
        let range = frames ?? 0..<layout.frames
        guard range.lowerBound >= 0, range.upperBound <= layout.frames, !range.isEmpty else {
            throw DICOMError.invalidValue(path: path, tag: .numberOfFrames, value: "\(layout.frames)", expected: "frames \(range) to exist")
        }
        try layout.checkDecodable(frames: range.count, path: path)
        let count = range.count * layout.samplesPerFrame
        func decode<T: BitwiseCopyable>(_ type: T.Type) throws -> ([T], PixelDescription) {
            var result: PixelDescription = layout
            let values = try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                result = try decodeFrames(range, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            }
            return (values, result)
        }
        switch (layout.bytesPerSample, layout.isSigned) {
        case (1, false): let (v, d) = try decode(UInt8.self); return DecodedPixels(description: d, samples: .uint8(v))
        case (1, true): let (v, d) = try decode(Int8.self); return DecodedPixels(description: d, samples: .int8(v))
        case (2, false): let (v, d) = try decode(UInt16.self); return DecodedPixels(description: d, samples: .uint16(v))
        case (2, true): let (v, d) = try decode(Int16.self); return DecodedPixels(description: d, samples: .int16(v))
        case (4, false): let (v, d) = try decode(UInt32.self); return DecodedPixels(description: d, samples: .uint32(v))
        default: let (v, d) = try decode(Int32.self); return DecodedPixels(description: d, samples: .int32(v))
        }
    }

    /// Decodes frames straight into `destination` (at least `range.count *
    /// bytesPerFrame` bytes), the copy-once path the series loader uses. Returns the
    /// layout of the decoded values.
    @discardableResult
    public func decodeFrames(_ range: Range<Int>, into destination: UnsafeMutableRawBufferPointer) throws -> PixelDescription {
        guard let base = destination.baseAddress, range.lowerBound >= 0, !range.isEmpty else {
            throw DICOMError.invalidValue(path: path, tag: .numberOfFrames, value: "\(range)", expected: "a non-empty frame range")
        }
        var info = ndk_pixel_info()
        var error = ndk_error()
        guard ndk_decode_frames(handle, UInt32(range.lowerBound), UInt32(range.count), base, destination.count, &info, &error) == 0 else {
            throw BridgeError.make(error, path: path, transferSyntax: transferSyntaxUID)
        }
        return PixelDescription(info)
    }
}
