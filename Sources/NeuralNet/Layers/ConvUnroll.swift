/// The sizes of one Conv2D call and how its input is unrolled for sgemm.
///
/// Two unrolls of one sample's input x[c, ih, iw] into `unrollRows` rows of `unrollLength`:
/// - full (im2col): row (c, ki, kj), element (oh, ow) = x[c, oh + ki − pad, ow + kj − pad];
///   Y = W · U is one product with K = C·k·k.
/// - shifted: row (c, kj), element (r, ow) = x[c, r − pad, ow + kj − pad] for all
///   h + 2·pad padded rows r. Kernel row ki then reads the same matrix shifted by ki·outW
///   columns, so Y = Σ_ki W_ki · U[:, ki·outW ...] is k products with K = C·k on a third of
///   im2col's data, which stays in cache and costs a third of the copying.
/// Entries outside the image are written as zeros, so a workspace needs no clearing.
struct ConvGeometry: Equatable {
    let n, c, h, w, outH, outW, k, pad: Int
    var plane: Int { outH * outW }
    /// Per-sample products once an image has 256 output pixels (packing W per sample then
    /// costs under 1/256 of the product); below that one product over the whole batch.
    var perSample: Bool { plane >= 256 }
    /// The shifted unroll, for per-sample products whose K = C·k is large enough to run well.
    var shifted: Bool { perSample && k > 1 && c * k >= 64 }
    /// A 1×1 'same' conv reads the NCHW input directly as its per-sample unroll.
    var isIdentityUnroll: Bool { perSample && k == 1 && pad == 0 }
    /// Products per sample (kernel rows folded into shifts) and their K.
    var shifts: Int { shifted ? k : 1 }
    var unrollRows: Int { shifted ? c * k : c * k * k }
    /// Lines (output rows, or padded input rows when shifted) of each unrolled row.
    var unrollLines: Int { shifted ? h + 2 * pad : outH }
    var unrollLength: Int { unrollLines * outW }
    /// Extra unrolled lines a band of output rows reads beyond its own count.
    var haloLines: Int { shifted ? k - 1 : 0 }
    /// Output rows per band of a per-sample forward: about 2048 pixels, so a band's unroll
    /// stays in cache while sgemm packs it, and each product is still wide.
    var bandRows: Int { min(outH, max(1, 2048 / outW)) }
}

/// A Conv2D input: one NCHW array, or two whose channels follow each other (a U-Net skip
/// concatenation that is never materialised). `first` has `firstChannels` channels.
struct ConvInput {
    let first: [Float], second: [Float]?
    let firstChannels: Int

    /// Runs `body` with raw pointers to the parts (not called for an empty input).
    func withSource(_ geo: ConvGeometry, _ body: (ConvSource) -> Void) {
        first.withUnsafeBufferPointer { a in
            guard let pa = a.baseAddress else { return }
            guard let second else {
                return body(ConvSource(first: pa, second: pa, firstChannels: geo.c, channels: geo.c, plane: geo.h * geo.w))
            }
            second.withUnsafeBufferPointer { b in
                guard let pb = b.baseAddress else { return }
                body(ConvSource(first: pa, second: pb, firstChannels: firstChannels, channels: geo.c, plane: geo.h * geo.w))
            }
        }
    }
}

/// Pointers into a `ConvInput`: where the plane of (sample, channel) starts.
struct ConvSource {
    let first, second: UnsafePointer<Float>
    let firstChannels, channels, plane: Int

    @inline(__always)
    func plane(sample b: Int, channel c: Int) -> UnsafePointer<Float> {
        if c < firstChannels { return first + (b * firstChannels + c) * plane }
        return second + (b * (channels - firstChannels) + c - firstChannels) * plane
    }
}

/// Unrolls sample `b` of the NCHW input `x` (see `ConvGeometry`). Element (row, line, ow)
/// goes to `dst[row · rowStride + line · outW + ow]`; per-sample blocks use
/// rowStride = unrollLength, the batched layout uses rowStride = n · plane with `dst` offset
/// by b · plane. `lines` limits the unroll to a band (line l then lands at l − lines.lowerBound). `lines` limits the unroll to a band (line l then lands at l − lines.lowerBound).
func convUnroll(
    _ x: ConvSource, sample b: Int, _ geo: ConvGeometry,
    into dst: UnsafeMutablePointer<Float>, rowStride: Int, lines: Range<Int>? = nil
) {
    let (k, pad, h, w, outW) = (geo.k, geo.pad, geo.h, geo.w, geo.outW)
    let lines = lines ?? 0..<geo.unrollLines
    let kernelRows = geo.shifted ? 1 : k
    for c in 0..<geo.c {
        let src = x.plane(sample: b, channel: c)
        for ki in 0..<kernelRows {
            for kj in 0..<k {
                let row = dst + ((c * kernelRows + ki) * k + kj) * rowStride
                let lo = min(outW, max(0, pad - kj)), hi = max(lo, min(outW, w + pad - kj))
                for line in lines {
                    let ih = line + ki - pad, out = row + (line - lines.lowerBound) * outW
                    guard ih >= 0, ih < h else {
                        out.update(repeating: 0, count: outW)
                        continue
                    }
                    if lo > 0 { out.update(repeating: 0, count: lo) }
                    if hi < outW { (out + hi).update(repeating: 0, count: outW - hi) }
                    if hi > lo { (out + lo).update(from: src + ih * w + lo + kj - pad, count: hi - lo) }
                }
            }
        }
    }
}

/// The adjoint of `convUnroll` for channel `c` of sample `b`: sets dx[b, c] to the sum of
/// every unrolled entry that read it (dx is written, not accumulated).
func convFold(
    _ du: UnsafePointer<Float>, rowStride: Int, _ geo: ConvGeometry,
    into dx: UnsafeMutablePointer<Float>, sample b: Int, channel c: Int
) {
    let (k, pad, h, w, outW, lines) = (geo.k, geo.pad, geo.h, geo.w, geo.outW, geo.unrollLines)
    let kernelRows = geo.shifted ? 1 : k
    let dst = dx + (b * geo.c + c) * h * w
    dst.update(repeating: 0, count: h * w)
    for ki in 0..<kernelRows {
        for kj in 0..<k {
            let row = du + ((c * kernelRows + ki) * k + kj) * rowStride
            let lo = min(outW, max(0, pad - kj)), hi = max(lo, min(outW, w + pad - kj))
            guard hi > lo else { continue }
            for line in 0..<lines {
                let ih = line + ki - pad
                guard ih >= 0, ih < h else { continue }
                let from = row + line * outW + lo, to = dst + ih * w + lo + kj - pad
                for i in 0..<(hi - lo) { to[i] += from[i] }
            }
        }
    }
}

/// Adds `bias[ch]` to `count` floats of each of `channels` rows `stride` apart at `y`, and
/// clamps at zero when `relu` (a Conv2D → ReLU pair fused by `Sequential`).
@inline(__always)
func addBias(_ y: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, channels: Int, count: Int, stride: Int, relu: Bool) {
    for ch in 0..<channels {
        let row = y + ch * stride, value = bias[ch]
        if relu {
            for i in 0..<count { row[i] = max(row[i] + value, 0) }
        } else {
            for i in 0..<count { row[i] += value }
        }
    }
}

/// A Float array of `count` elements that `body` must fully initialize (no zero fill).
@inline(__always)
func uninitializedFloats(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let base = buffer.baseAddress, count > 0 { body(base) }
        initialized = count
    }
}
