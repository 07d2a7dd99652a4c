import Foundation
import CDICOMBridge

/// How decoded pixel values are laid out: frames of rows x columns pixels, samples
/// interleaved per pixel, one integer of `bytesPerSample` bytes per sample, masked to
/// `bitsStored` and sign-extended when signed.
public struct PixelDescription: Sendable, Equatable {
    /// Frame size, frame count and samples per pixel (1 or 3).
    public var rows: Int, columns: Int, frames: Int, samplesPerPixel: Int
    /// The stored bit layout (HighBit as declared; values are LSB-aligned).
    public var bitsAllocated: Int, bitsStored: Int, highBit: Int
    /// PixelRepresentation 1.
    public var isSigned: Bool
    /// 1, 2 or 4 (1-bit data is unpacked to one byte per pixel).
    public var bytesPerSample: Int
    /// PhotometricInterpretation of the decoded values (YBR data decodes to "RGB").
    public var photometricInterpretation: String
    /// The transfer syntax of the stored data.
    public var transferSyntaxUID: String
    /// Which codec decodes it: "native", "dcmtk" or "gdcm".
    public var decoder: String
    /// Bytes of native (uncompressed) PixelData; 0 when encapsulated.
    public var storedBytes: Int

    init(_ info: ndk_pixel_info) {
        rows = Int(info.rows); columns = Int(info.columns); frames = Int(info.frames)
        samplesPerPixel = Int(info.samples_per_pixel)
        bitsAllocated = Int(info.bits_allocated); bitsStored = Int(info.bits_stored); highBit = Int(info.high_bit)
        isSigned = info.is_signed != 0
        bytesPerSample = Int(info.bytes_per_sample)
        photometricInterpretation = Self.text(info.photometric)
        transferSyntaxUID = Self.text(info.transfer_syntax)
        decoder = Self.text(info.decoder)
        storedBytes = Int(clamping: info.stored_bytes)
    }

    /// Samples in one frame.
    public var samplesPerFrame: Int { rows * columns * samplesPerPixel }
    /// Bytes of one decoded frame.
    public var bytesPerFrame: Int { samplesPerFrame * bytesPerSample }

    /// Throws unless decoding `frames` frames is plausible: native data must hold them,
    /// and no decode may need more than half the machine's memory (a header can claim
    /// terabytes; allocating them would trap).
    func checkDecodable(frames: Int, path: String) throws {
        let (bytes, overflow) = frames.multipliedReportingOverflow(by: bytesPerFrame)
        if decoder == "native", !overflow {
            // A lower bound of the stored size (YBR_FULL_422 stores 2 samples per pixel).
            let bits = Double(frames) * Double(rows) * Double(columns) * Double(samplesPerPixel == 3 ? 2 : samplesPerPixel) * Double(bitsAllocated)
            guard Double(storedBytes) * 8 >= bits else {
                throw DICOMError.decodeFailed(path: path, transferSyntax: transferSyntaxUID, reason: "PixelData holds \(storedBytes) bytes, too few for \(frames) frame(s) of \(columns)x\(rows)x\(samplesPerPixel) at \(bitsAllocated) bits")
            }
        }
        let budget = Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
        guard !overflow, bytes <= budget else {
            throw DICOMError.unsupportedPixelData(path: path, transferSyntax: transferSyntaxUID, reason: "\(frames) frame(s) of \(columns)x\(rows)x\(samplesPerPixel) would need more than half of this machine's memory")
        }
    }

    private static func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            let end = raw.firstIndex(of: 0) ?? raw.count
            return String(decoding: raw[..<end], as: UTF8.self)
        }
    }
}
