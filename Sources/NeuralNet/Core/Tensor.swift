/// A dense, contiguous Float32 tensor; images are NCHW (batch, channel, row, column).
///
/// A value type: copies are cheap until written (copy-on-write `Array` storage).
public struct Tensor: Sendable, Equatable {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order (last dimension fastest).
    public var scalars: [Float]

    /// Wraps `scalars`; throws unless their count equals the product of `shape`.
    public init(shape: [Int], scalars: [Float]) throws {
        guard let count = Tensor.elementCount(of: shape), count == scalars.count else {
            throw NeuralNetError.shapeMismatch(
                operation: "Tensor.init", expected: "with \(scalars.count) elements", found: shape)
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` filled with `value` (negative extents count as zero).
    public init(shape: [Int], repeating value: Float = 0) {
        let clamped = shape.map { max(0, $0) }
        self.shape = clamped
        self.scalars = [Float](repeating: value, count: clamped.reduce(1, *))
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The element count of `shape`, or nil when an extent is negative or the product
    /// overflows (a shape from a file must be checked before anything is allocated).
    public static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// The same elements under a new shape with the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, scalars: scalars)
    }

    /// The four extents of a non-empty NCHW tensor; throws for any other rank or a zero extent.
    public func nchw(_ operation: String) throws -> (n: Int, c: Int, h: Int, w: Int) {
        guard shape.count == 4, !shape.contains(0) else {
            throw NeuralNetError.shapeMismatch(operation: operation, expected: "[N, C, H, W]", found: shape)
        }
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// Throws unless `other` has exactly this tensor's shape.
    public func requireSameShape(as other: Tensor, _ operation: String) throws {
        guard shape == other.shape else {
            throw NeuralNetError.shapeMismatch(operation: operation, expected: "\(other.shape)", found: shape)
        }
    }

    /// Element-wise sum of two tensors of equal shape.
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try lhs.requireSameShape(as: rhs, "Tensor.+")
        let out = uninitializedFloats(lhs.count) { o in
            lhs.scalars.withUnsafeBufferPointer { a in
                rhs.scalars.withUnsafeBufferPointer { b in
                    guard let x = a.baseAddress, let y = b.baseAddress else { return }
                    parallelRanges(a.count) { range in for i in range { o[i] = x[i] + y[i] } }
                }
            }
        }
        return try Tensor(shape: lhs.shape, scalars: out)
    }

    /// Joins NCHW tensors along the channel axis; batch and spatial extents must agree.
    public static func concatenateChannels(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else {
            throw NeuralNetError.invalidArgument(operation: "concatenateChannels", reason: "no tensors given")
        }
        let (n, _, h, w) = try first.nchw("concatenateChannels")
        var channels = 0
        for part in parts {
            let s = try part.nchw("concatenateChannels")
            guard s.n == n, s.h == h, s.w == w else {
                throw NeuralNetError.shapeMismatch(
                    operation: "concatenateChannels", expected: "[\(n), C, \(h), \(w)]", found: part.shape)
            }
            channels += s.c
        }
        let plane = h * w
        let out = uninitializedFloats(n * channels * plane) { d in  // every element is copied
            var offset = 0
            for part in parts {
                let pc = part.shape[1]
                copyChannelBlocks(part.scalars, into: d, batch: n, block: pc * plane,
                                  sourceStride: pc * plane, destinationStride: channels * plane,
                                  sourceOffset: 0, destinationOffset: offset * plane)
                offset += pc
            }
        }
        return try Tensor(shape: [n, channels, h, w], scalars: out)
    }

    /// Splits an NCHW tensor along channels into pieces of the given channel counts.
    public func splitChannels(_ counts: [Int]) throws -> [Tensor] {
        let (n, c, h, w) = try nchw("splitChannels")
        guard counts.reduce(0, +) == c, counts.allSatisfy({ $0 >= 0 }) else {
            throw NeuralNetError.shapeMismatch(
                operation: "splitChannels", expected: "\(counts.reduce(0, +)) channels", found: shape)
        }
        let plane = h * w
        var offset = 0
        var pieces: [Tensor] = []
        for pc in counts {
            let piece = uninitializedFloats(n * pc * plane) { d in
                copyChannelBlocks(scalars, into: d, batch: n, block: pc * plane,
                                  sourceStride: c * plane, destinationStride: pc * plane,
                                  sourceOffset: offset * plane, destinationOffset: 0)
            }
            pieces.append(try Tensor(shape: [n, pc, h, w], scalars: piece))
            offset += pc
        }
        return pieces
    }
}

extension Tensor {
    /// The channels `range` of an NCHW tensor (one piece of `splitChannels`, without the rest).
    func channels(_ range: Range<Int>) throws -> Tensor {
        let (n, c, h, w) = try nchw("channels")
        guard range.lowerBound >= 0, range.upperBound <= c else {
            throw NeuralNetError.shapeMismatch(operation: "channels", expected: "at least \(range.upperBound) channels", found: shape)
        }
        let plane = h * w, pc = range.count
        let piece = uninitializedFloats(n * pc * plane) { d in
            copyChannelBlocks(scalars, into: d, batch: n, block: pc * plane, sourceStride: c * plane,
                              destinationStride: pc * plane, sourceOffset: range.lowerBound * plane, destinationOffset: 0)
        }
        return try Tensor(shape: [n, pc, h, w], scalars: piece)
    }
}

/// Copies, for each of `batch` samples, one contiguous block of `block` floats between
/// strided positions (the channel range of one sample); samples in parallel.
private func copyChannelBlocks(
    _ source: [Float], into d: UnsafeMutablePointer<Float>, batch: Int, block: Int,
    sourceStride: Int, destinationStride: Int, sourceOffset: Int, destinationOffset: Int
) {
    guard block > 0 else { return }
    source.withUnsafeBufferPointer { src in
        guard let s = src.baseAddress else { return }
        parallelFor(batch) { b in
            (d + b * destinationStride + destinationOffset).update(from: s + b * sourceStride + sourceOffset, count: block)
        }
    }
}
