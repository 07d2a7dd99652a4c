// Pixel decoding: DCMTK for native, deflated, RLE and JPEG; GDCM for JPEG-LS and
// JPEG 2000 (and as a fallback when DCMTK has no codec). Every path ends in the same
// post-processing: planar to interleaved, YBR_FULL(_422) to RGB (as pydicom does),
// BitsStored masking and sign extension, 1-bit unpacking.
#include "BridgeInternal.hpp"

#include <gdcm-3.0/gdcmImageReader.h>
#include <gdcm-3.0/gdcmImage.h>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcwcache.h>

namespace {

struct Layout {
    uint32_t rows = 0, columns = 0, frames = 1, samples = 1;
    uint32_t bitsAllocated = 0, bitsStored = 0, highBit = 0, isSigned = 0;
    int32_t planar = 0;
    std::string photometric, transferSyntax, decoder;
};

bool startsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

bool needsGDCM(const std::string &ts) {
    return ts == "1.2.840.10008.1.2.4.80" || ts == "1.2.840.10008.1.2.4.81" ||  // JPEG-LS
           ts == "1.2.840.10008.1.2.4.90" || ts == "1.2.840.10008.1.2.4.91" ||  // JPEG 2000
           ts == "1.2.840.10008.1.2.4.92" || ts == "1.2.840.10008.1.2.4.93";
}

uint32_t u16(DcmItem *item, const DcmTagKey &key, uint32_t fallback) {
    Uint16 v = 0;
    return item->findAndGetUint16(key, v).good() ? v : fallback;
}

std::string str(DcmItem *item, const DcmTagKey &key) {
    OFString s;
    if (item->findAndGetOFString(key, s).bad()) return "";
    std::string r = s.c_str();
    while (!r.empty() && (r.back() == ' ' || r.back() == '\0')) r.pop_back();
    return r;
}

Layout dcmtkLayout(ndk_file *file) {
    DcmDataset *ds = file->format->getDataset();
    Layout l;
    l.rows = u16(ds, DCM_Rows, 0);
    l.columns = u16(ds, DCM_Columns, 0);
    l.samples = u16(ds, DCM_SamplesPerPixel, 1);
    l.bitsAllocated = u16(ds, DCM_BitsAllocated, 0);
    l.bitsStored = u16(ds, DCM_BitsStored, l.bitsAllocated);
    l.highBit = u16(ds, DCM_HighBit, l.bitsStored > 0 ? l.bitsStored - 1 : 0);
    l.isSigned = u16(ds, DCM_PixelRepresentation, 0) == 1 ? 1 : 0;
    l.planar = static_cast<int32_t>(u16(ds, DCM_PlanarConfiguration, 0));
    Sint32 frames = 1;
    if (ds->findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) frames = 1;
    l.frames = static_cast<uint32_t>(frames);
    l.photometric = str(ds, DCM_PhotometricInterpretation);
    l.transferSyntax = ndk::transferSyntaxUID(file);
    l.decoder = needsGDCM(l.transferSyntax) ? "gdcm" : (DcmXfer(ds->getOriginalXfer()).isEncapsulated() ? "dcmtk" : "native");
    return l;
}

void toInfo(const Layout &l, ndk_pixel_info *info) {
    if (!info) return;
    std::memset(info, 0, sizeof(*info));
    info->rows = l.rows; info->columns = l.columns; info->frames = l.frames; info->samples_per_pixel = l.samples;
    info->bits_allocated = l.bitsAllocated; info->bits_stored = l.bitsStored; info->high_bit = l.highBit;
    info->is_signed = l.isSigned;
    info->bytes_per_sample = l.bitsAllocated <= 8 ? 1 : (l.bitsAllocated <= 16 ? 2 : 4);
    info->planar_configuration = l.planar;
    std::snprintf(info->photometric, sizeof(info->photometric), "%s", l.photometric.c_str());
    std::snprintf(info->transfer_syntax, sizeof(info->transfer_syntax), "%s", l.transferSyntax.c_str());
    std::snprintf(info->decoder, sizeof(info->decoder), "%s", l.decoder.c_str());
}

/// Checks the layout is one we can hand out; returns "" or the reason.
std::string unsupportedReason(const Layout &l) {
    if (l.rows == 0 || l.columns == 0) return "Rows or Columns is missing or zero";
    if (l.bitsAllocated != 1 && l.bitsAllocated != 8 && l.bitsAllocated != 16 && l.bitsAllocated != 32)
        return "BitsAllocated " + std::to_string(l.bitsAllocated) + " is not 1, 8, 16 or 32";
    if (l.samples != 1 && l.samples != 3) return "SamplesPerPixel " + std::to_string(l.samples) + " is not 1 or 3";
    if (l.bitsStored == 0 || l.bitsStored > l.bitsAllocated) return "BitsStored " + std::to_string(l.bitsStored) + " does not fit BitsAllocated " + std::to_string(l.bitsAllocated);
    return "";
}

bool isYBR422(const Layout &l) { return l.samples == 3 && l.photometric == "YBR_FULL_422"; }

/// Bytes of one stored frame (before unpacking and upsampling).
uint64_t storedFrameBits(const Layout &l) {
    uint64_t pixels = static_cast<uint64_t>(l.rows) * l.columns;
    uint64_t samples = isYBR422(l) ? pixels * 2 : pixels * l.samples;
    return samples * l.bitsAllocated;
}

uint64_t outputFrameBytes(const Layout &l) {
    uint32_t bytes = l.bitsAllocated <= 8 ? 1 : (l.bitsAllocated <= 16 ? 2 : 4);
    return static_cast<uint64_t>(l.rows) * l.columns * l.samples * bytes;
}

template <typename T>
void maskAndExtend(T *values, size_t count, uint32_t bitsStored, bool isSigned) {
    using U = typename std::make_unsigned<T>::type;
    const unsigned width = sizeof(T) * 8;
    if (bitsStored >= width) return;
    const U mask = static_cast<U>((U(1) << bitsStored) - 1);
    const U signBit = static_cast<U>(U(1) << (bitsStored - 1));
    for (size_t i = 0; i < count; i++) {
        U v = static_cast<U>(values[i]) & mask;
        if (isSigned && (v & signBit)) v = static_cast<U>(v | static_cast<U>(~mask));
        values[i] = static_cast<T>(v);
    }
}

/// Turns `count` frames of stored bytes (in `stored`) into the output layout in `out`.
void postProcess(const Layout &l, const uint8_t *stored, uint32_t count, uint8_t *out, std::string &photometric) {
    const uint64_t pixels = static_cast<uint64_t>(l.rows) * l.columns;
    const uint64_t outFrame = outputFrameBytes(l);
    photometric = l.photometric;
    for (uint32_t f = 0; f < count; f++) {
        uint8_t *dst = out + f * outFrame;
        if (l.bitsAllocated == 1) {
            // Frames of 1-bit data need not start on a byte boundary.
            uint64_t bit0 = static_cast<uint64_t>(f) * pixels * l.samples;
            for (uint64_t p = 0; p < pixels * l.samples; p++) {
                uint64_t b = bit0 + p;
                dst[p] = (stored[b / 8] >> (b % 8)) & 1;
            }
            continue;
        }
        const uint64_t bytesPerSample = l.bitsAllocated / 8;
        const uint8_t *src = stored + f * (storedFrameBits(l) / 8);
        if (isYBR422(l) && l.bitsAllocated == 8) {
            // Y0 Y1 Cb Cr per pixel pair: repeat the chroma for both pixels.
            for (uint64_t p = 0; p + 1 < pixels + 1; p += 2) {
                const uint8_t *q = src + p * 2;
                dst[p * 3 + 0] = q[0]; dst[p * 3 + 1] = q[2]; dst[p * 3 + 2] = q[3];
                if (p + 1 < pixels) { dst[p * 3 + 3] = q[1]; dst[p * 3 + 4] = q[2]; dst[p * 3 + 5] = q[3]; }
            }
        } else if (l.samples == 3 && l.planar == 1) {
            for (uint64_t s = 0; s < 3; s++)
                for (uint64_t p = 0; p < pixels; p++)
                    std::memcpy(dst + (p * 3 + s) * bytesPerSample, src + (s * pixels + p) * bytesPerSample, bytesPerSample);
        } else if (dst != src) {
            std::memmove(dst, src, outFrame);
        }
        size_t n = static_cast<size_t>(pixels * l.samples);
        if (l.bitsAllocated == 8) {
            if (l.isSigned) maskAndExtend(reinterpret_cast<int8_t *>(dst), n, l.bitsStored, true);
            else maskAndExtend(dst, n, l.bitsStored, false);
        } else if (l.bitsAllocated == 16) {
            if (l.isSigned) maskAndExtend(reinterpret_cast<int16_t *>(dst), n, l.bitsStored, true);
            else maskAndExtend(reinterpret_cast<uint16_t *>(dst), n, l.bitsStored, false);
        } else if (l.bitsAllocated == 32) {
            if (l.isSigned) maskAndExtend(reinterpret_cast<int32_t *>(dst), n, l.bitsStored, true);
            else maskAndExtend(reinterpret_cast<uint32_t *>(dst), n, l.bitsStored, false);
        }
        if (l.samples == 3 && l.bitsAllocated == 8 && (l.photometric == "YBR_FULL" || l.photometric == "YBR_FULL_422")) {
            // pydicom's convert_color_space (ITU-R BT.601 full range, float32, round half up, clip).
            const float cbG = -0.114f * 1.772f / 0.587f, crG = -0.299f * 1.402f / 0.587f;
            for (uint64_t p = 0; p < pixels; p++) {
                float y = dst[p * 3], cb = dst[p * 3 + 1] - 128.0f, cr = dst[p * 3 + 2] - 128.0f;
                float rgb[3] = {y + 1.402f * cr, y + cbG * cb + crG * cr, y + 1.772f * cb};
                for (int c = 0; c < 3; c++) dst[p * 3 + c] = static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, std::floor(rgb[c] + 0.5f))));
            }
            photometric = "RGB";
        }
    }
}

/// Writes a Part 10 dataset holding only what decoding needs into `out`: the image
/// pixel attributes rewritten from the validated layout (GDCM asserts on out-of-range
/// values, e.g. PlanarConfiguration 7, found by fuzzing) and the PixelData.
bool minimalImageDataset(ndk_file *file, const Layout &l, std::string &out) {
    static const char *knownPhotometric[] = {"MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "RGB", "YBR_FULL", "YBR_FULL_422",
                                             "YBR_PARTIAL_422", "YBR_PARTIAL_420", "YBR_ICT", "YBR_RCT"};
    bool photometricKnown = false;
    for (const char *p : knownPhotometric) photometricKnown = photometricKnown || l.photometric == p;
    if (!photometricKnown) return false;
    if (l.planar != 0 && l.planar != 1) return false;
    if (l.highBit >= l.bitsAllocated || l.highBit + 1 < l.bitsStored) return false;
    DcmDataset *source = file->format->getDataset();
    DcmFileFormat minimal;
    DcmDataset *target = minimal.getDataset();
    target->putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
    target->putAndInsertString(DCM_SOPInstanceUID, "1.2.3.4");
    target->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(l.rows));
    target->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(l.columns));
    target->putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(l.samples));
    target->putAndInsertString(DCM_PhotometricInterpretation, l.photometric.c_str());
    if (l.samples == 3) target->putAndInsertUint16(DCM_PlanarConfiguration, static_cast<Uint16>(l.planar));
    target->putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(l.bitsAllocated));
    target->putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(l.bitsStored));
    target->putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(l.highBit));
    target->putAndInsertUint16(DCM_PixelRepresentation, static_cast<Uint16>(l.isSigned));
    target->putAndInsertString(DCM_NumberOfFrames, std::to_string(l.frames).c_str());
    DcmElement *pixels = nullptr;
    if (source->findAndGetElement(DCM_PixelData, pixels).bad() || !pixels) return false;
    auto *copy = OFstatic_cast(DcmElement *, pixels->clone());
    if (!copy || target->insert(copy, OFTrue).bad()) { delete copy; return false; }
    E_TransferSyntax xfer = source->getOriginalXfer();
    target->chooseRepresentation(xfer, nullptr);
    if (!target->canWriteXfer(xfer)) return false;
    // Encode into a growing memory buffer.
    std::vector<char> buffer(1 << 16);
    minimal.transferInit();
    OFCondition c;
    std::string result;
    DcmWriteCache cache;
    while (true) {
        DcmOutputBufferStream stream(buffer.data(), buffer.size());
        c = minimal.write(stream, xfer, EET_ExplicitLength, &cache);
        void *written = nullptr;
        offile_off_t length = 0;
        stream.flushBuffer(written, length);
        result.append(static_cast<const char *>(written), static_cast<size_t>(length));
        if (c != EC_StreamNotifyClient) break;
    }
    minimal.transferEnd();
    if (c.bad()) return false;
    out.swap(result);
    return true;
}

/// Reads the image size declared by a codestream starting at `b`: JPEG-LS (SOI, then
/// marker segments up to SOF55) or JPEG 2000 (SOC followed by SIZ, possibly inside a JP2
/// file). Returns false when the fragment does not start a codestream (a continuation).
bool codestreamSize(const Uint8 *b, size_t n, uint32_t &width, uint32_t &height, uint32_t &components) {
    auto be16 = [&](size_t i) { return static_cast<uint32_t>(b[i]) << 8 | b[i + 1]; };
    auto be32 = [&](size_t i) { return be16(i) << 16 | be16(i + 2); };
    if (n >= 4 && b[0] == 0xFF && b[1] == 0xD8) {
        size_t i = 2;
        while (i + 4 <= n && b[i] == 0xFF) {
            uint8_t marker = b[i + 1];
            uint32_t length = be16(i + 2);
            if (marker == 0xF7) {
                if (i + 10 > n) return false;
                height = be16(i + 5); width = be16(i + 7); components = b[i + 9];
                return true;
            }
            if (length < 2) return false;
            i += 2 + length;
        }
        width = height = components = 0;  // a JPEG stream without SOF55: reported as a mismatch
        return true;
    }
    size_t soc = n;
    if (n >= 2 && b[0] == 0xFF && b[1] == 0x4F) soc = 0;
    else if (n >= 12 && be32(0) == 12 && be32(4) == 0x6A502020) {  // JP2 signature box: find the codestream
        for (size_t i = 12; i + 4 <= n && i < 65536; i++)
            if (b[i] == 0xFF && b[i + 1] == 0x4F && b[i + 2] == 0xFF && b[i + 3] == 0x51) { soc = i; break; }
    }
    if (soc == n) return false;
    size_t i = soc + 2;
    if (i + 40 > n || b[i] != 0xFF || b[i + 1] != 0x51) { width = height = components = 0; return true; }
    uint32_t x = be32(i + 6), y = be32(i + 10), x0 = be32(i + 14), y0 = be32(i + 18);
    if (x < x0 || y < y0) { width = height = components = 0; return true; }
    width = x - x0; height = y - y0; components = be16(i + 38);
    return true;
}

/// GDCM asserts when a codestream decodes to fewer bytes than the attributes promise
/// (found by fuzzing), so every frame's codestream must declare the attributes' size.
std::string codestreamMismatch(ndk_file *file, const Layout &l) {
    DcmPixelData *pixelData = nullptr;
    DcmElement *element = nullptr;
    if (file->format->getDataset()->findAndGetElement(DCM_PixelData, element).bad() || !element) return "no PixelData";
    pixelData = OFstatic_cast(DcmPixelData *, element);
    DcmPixelSequence *sequence = nullptr;
    E_TransferSyntax xfer = file->format->getDataset()->getOriginalXfer();
    if (pixelData->getEncapsulatedRepresentation(xfer, nullptr, sequence).bad() || !sequence) return "PixelData is not encapsulated";
    uint32_t headers = 0;
    for (unsigned long i = 1; i < sequence->card(); i++) {  // item 0 is the offset table
        DcmPixelItem *item = nullptr;
        Uint8 *bytes = nullptr;
        if (sequence->getItem(item, i).bad() || !item || item->getUint8Array(bytes).bad() || !bytes) continue;
        uint32_t w = 0, h = 0, c = 0;
        if (!codestreamSize(bytes, item->getLength(), w, h, c)) continue;
        if (w != l.columns || h != l.rows || c != l.samples)
            return "a codestream declares " + std::to_string(w) + "x" + std::to_string(h) + "x" + std::to_string(c) + ", the attributes " +
                   std::to_string(l.columns) + "x" + std::to_string(l.rows) + "x" + std::to_string(l.samples);
        headers++;
    }
    if (headers < l.frames) return std::to_string(headers) + " codestream(s) for " + std::to_string(l.frames) + " frame(s)";
    return "";
}

int32_t decodeWithGDCM(ndk_file *file, Layout &layout, uint32_t first, uint32_t count, uint8_t *dst, size_t capacity,
                       ndk_pixel_info *info, ndk_error *error) {
    // GDCM asserts (aborts) on some malformed structures (found by fuzzing), so it never
    // sees the file itself: only the image pixel module and PixelData, re-encoded by
    // DCMTK in tag order with correct lengths, in the original transfer syntax.
    std::string mismatch = codestreamMismatch(file, layout);
    if (!mismatch.empty()) return ndk::fail(error, NDK_E_DECODE, mismatch);
    std::string clean;
    if (!minimalImageDataset(file, layout, clean)) return ndk::fail(error, NDK_E_UNSUPPORTED, "image pixel attributes out of range (PhotometricInterpretation '" + layout.photometric + "', PlanarConfiguration " + std::to_string(layout.planar) + ")");
    gdcm::ImageReader reader;
    std::istringstream memoryStream(clean);
    reader.SetStream(memoryStream);
    if (!reader.Read()) return ndk::fail(error, NDK_E_DECODE, "GDCM cannot read the image in " + layout.transferSyntax);
    const gdcm::Image &image = reader.GetImage();
    const gdcm::PixelFormat &pf = image.GetPixelFormat();
    Layout l = layout;
    l.columns = image.GetDimension(0);
    l.rows = image.GetDimension(1);
    l.frames = image.GetNumberOfDimensions() > 2 ? image.GetDimension(2) : 1;
    l.samples = pf.GetSamplesPerPixel();
    l.bitsAllocated = pf.GetBitsAllocated();
    l.bitsStored = pf.GetBitsStored();
    l.highBit = pf.GetHighBit();
    l.isSigned = pf.GetPixelRepresentation() == 1 ? 1 : 0;
    l.planar = static_cast<int32_t>(image.GetPlanarConfiguration());
    const char *pi = gdcm::PhotometricInterpretation::GetPIString(image.GetPhotometricInterpretation());
    l.photometric = pi ? pi : layout.photometric;
    while (!l.photometric.empty() && (l.photometric.back() == ' ' || l.photometric.back() == '\0')) l.photometric.pop_back();
    l.decoder = "gdcm";
    std::string reason = unsupportedReason(l);
    if (!reason.empty()) return ndk::fail(error, NDK_E_UNSUPPORTED, reason);
    if (first + static_cast<uint64_t>(count) > l.frames) return ndk::fail(error, NDK_E_ARGUMENT, "frames out of range");
    if (outputFrameBytes(l) * count > capacity) return ndk::fail(error, NDK_E_ARGUMENT, "destination buffer too small for GDCM's decoded layout");
    std::vector<char> all(image.GetBufferLength());
    if (!image.GetBuffer(all.data())) return ndk::fail(error, NDK_E_DECODE, "GDCM failed to decode " + layout.transferSyntax);
    uint64_t frameBytes = storedFrameBits(l) / 8;
    if (l.bitsAllocated == 1 || (first + count) * frameBytes > all.size()) {
        if (l.bitsAllocated != 1) return ndk::fail(error, NDK_E_DECODE, "GDCM returned fewer bytes than the frames need");
    }
    std::string photometric;
    const uint8_t *src = reinterpret_cast<const uint8_t *>(all.data()) + (l.bitsAllocated == 1 ? 0 : first * frameBytes);
    if (l.bitsAllocated == 1) return ndk::fail(error, NDK_E_UNSUPPORTED, "1-bit data through GDCM");
    postProcess(l, src, count, dst, photometric);
    l.photometric = photometric;
    toInfo(l, info);
    layout = l;
    return NDK_OK;
}

}  // namespace

extern "C" int32_t ndk_pixel_info_get(ndk_file *file, ndk_pixel_info *info, ndk_error *error) {
    return ndk::guarded(error, "pixel info", [&]() -> int32_t {
        if (!file || !info) return ndk::fail(error, NDK_E_ARGUMENT, "pixel info: null argument");
        DcmDataset *ds = file->format->getDataset();
        if (!ds->tagExists(DCM_PixelData)) return ndk::fail(error, NDK_E_NO_PIXELS, "the dataset holds no PixelData (7FE0,0010)");
        Layout l = dcmtkLayout(file);
        toInfo(l, info);
        DcmElement *pixelData = nullptr;
        if (l.decoder == "native" && ds->findAndGetElement(DCM_PixelData, pixelData).good() && pixelData) {
            Uint32 length = pixelData->getLength();
            info->stored_bytes = length == 0xFFFFFFFFu ? 0 : length;
        }
        if (isYBR422(l) && l.decoder == "native") std::snprintf(info->photometric, sizeof(info->photometric), "RGB");
        else if (l.samples == 3 && l.photometric == "YBR_FULL" && l.bitsAllocated == 8 && l.decoder == "native") std::snprintf(info->photometric, sizeof(info->photometric), "RGB");
        std::string reason = unsupportedReason(l);
        return reason.empty() ? NDK_OK : ndk::fail(error, NDK_E_UNSUPPORTED, reason);
    });
}

extern "C" int32_t ndk_decode_frames(ndk_file *file, uint32_t first, uint32_t count, void *destination, size_t capacity,
                                     ndk_pixel_info *info, ndk_error *error) {
    return ndk::guarded(error, "decode", [&]() -> int32_t {
        if (!file || !destination) return ndk::fail(error, NDK_E_ARGUMENT, "decode: null argument");
        DcmDataset *ds = file->format->getDataset();
        DcmElement *pixelData = nullptr;
        if (ds->findAndGetElement(DCM_PixelData, pixelData).bad() || !pixelData)
            return ndk::fail(error, NDK_E_NO_PIXELS, "the dataset holds no PixelData (7FE0,0010)");
        Layout l = dcmtkLayout(file);
        std::string reason = unsupportedReason(l);
        if (!reason.empty()) return ndk::fail(error, NDK_E_UNSUPPORTED, reason);
        if (count == 0 || first + static_cast<uint64_t>(count) > l.frames)
            return ndk::fail(error, NDK_E_ARGUMENT, "frames " + std::to_string(first) + "+" + std::to_string(count) + " out of range (" + std::to_string(l.frames) + " frames)");
        auto *dst = static_cast<uint8_t *>(destination);
        if (l.decoder == "gdcm") return decodeWithGDCM(file, l, first, count, dst, capacity, info, error);
        if (l.decoder == "dcmtk" && !file->decompressed) {
            OFCondition c = ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
            if (c.bad() || !ds->canWriteXfer(EXS_LittleEndianExplicit)) {
                // JPEG and RLE are DCMTK's: a failure there is the data's (GDCM's fallback
                // JPEG codec leaves temporary files and prints to stderr). Other syntaxes
                // DCMTK lacks a codec for go to GDCM.
                bool dcmtkSyntax = startsWith(l.transferSyntax, "1.2.840.10008.1.2.4.5") || startsWith(l.transferSyntax, "1.2.840.10008.1.2.4.6") ||
                                   startsWith(l.transferSyntax, "1.2.840.10008.1.2.4.70") || l.transferSyntax == "1.2.840.10008.1.2.5";
                if (dcmtkSyntax) return ndk::fail(error, NDK_E_DECODE, std::string("DCMTK: ") + c.text());
                ndk::log(NDK_LOG_INFO, std::string("DCMTK cannot decode ") + l.transferSyntax + " (" + c.text() + "); trying GDCM");
                return decodeWithGDCM(file, l, first, count, dst, capacity, info, error);
            }
            file->decompressed = true;
            std::string ts = l.transferSyntax;
            l = dcmtkLayout(file);  // the decoder may change PhotometricInterpretation and PlanarConfiguration
            l.transferSyntax = ts;
            l.decoder = "dcmtk";
            if (ds->findAndGetElement(DCM_PixelData, pixelData).bad() || !pixelData)
                return ndk::fail(error, NDK_E_DECODE, "DCMTK lost the pixel data while decoding");
        } else if (file->decompressed) {
            l.decoder = "dcmtk";
        }
        uint64_t outBytes = outputFrameBytes(l) * count;
        if (outBytes > capacity) return ndk::fail(error, NDK_E_ARGUMENT, "destination holds " + std::to_string(capacity) + " bytes; the frames need " + std::to_string(outBytes));
        // Stored bytes of the requested frames; 1-bit frames need the whole packed run.
        uint64_t startBit = static_cast<uint64_t>(first) * storedFrameBits(l);
        uint64_t endBit = startBit + static_cast<uint64_t>(count) * storedFrameBits(l);
        uint64_t byteStart = startBit / 8, byteEnd = (endBit + 7) / 8;
        Uint32 available = pixelData->getLength();
        if (byteEnd > available)
            return ndk::fail(error, NDK_E_DECODE, "PixelData holds " + std::to_string(available) + " bytes; frame " + std::to_string(first + count - 1) + " needs " + std::to_string(byteEnd));
        uint64_t storedBytes = byteEnd - byteStart;
        bool inPlace = l.bitsAllocated >= 8 && !isYBR422(l) && !(l.samples == 3 && l.planar == 1) && storedBytes <= capacity;
        std::vector<uint8_t> scratch;
        uint8_t *stored = dst;
        if (!inPlace) { scratch.resize(storedBytes + 1); stored = scratch.data(); }
        DcmFileCache cache;
        OFCondition c = pixelData->getPartialValue(stored, static_cast<Uint32>(byteStart), static_cast<Uint32>(storedBytes), &cache, gLocalByteOrder);
        if (c.bad()) return ndk::fail(error, NDK_E_DECODE, std::string("reading PixelData: ") + c.text());
        if (l.bitsAllocated == 32 && pixelData->getVR() == EVR_OW && !file->decompressed &&
            DcmXfer(ds->getOriginalXfer()).getByteOrder() != gLocalByteOrder) {
            // DCMTK swapped OW as 16-bit words; a 32-bit sample also needs its halves swapped.
            auto *words = reinterpret_cast<uint16_t *>(stored);
            for (uint64_t i = 0; i + 1 < storedBytes / 2; i += 2) std::swap(words[i], words[i + 1]);
        }
        if (l.bitsAllocated == 1) {
            // Re-base the bit offset: postProcess counts bits from the first frame.
            Layout shifted = l;
            std::vector<uint8_t> aligned;
            uint64_t skip = startBit % 8;
            if (skip != 0) {
                aligned.assign(storedBytes, 0);
                for (uint64_t b = 0; b + skip < storedBytes * 8; b++)
                    if ((stored[(b + skip) / 8] >> ((b + skip) % 8)) & 1) aligned[b / 8] |= static_cast<uint8_t>(1u << (b % 8));
                stored = aligned.data();
            }
            std::string pi;
            postProcess(shifted, stored, count, dst, pi);
        } else {
            std::string pi;
            postProcess(l, stored, count, dst, pi);
            l.photometric = pi;
        }
        toInfo(l, info);
        return NDK_OK;
    });
}
