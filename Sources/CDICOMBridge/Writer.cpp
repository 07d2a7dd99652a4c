// Writing datasets built element by element from Swift, saved by DCMTK as explicit VR
// little endian Part 10 files.
#include "NetInternal.hpp"

struct ndk_writer {
    DcmFileFormat format;
    std::vector<DcmItem *> stack;  // current item is the back; the dataset at the bottom
};

namespace {

DcmTagKey key(uint32_t tag) { return DcmTagKey(static_cast<Uint16>(tag >> 16), static_cast<Uint16>(tag & 0xFFFF)); }

OFCondition putValue(DcmElement *e, const std::string &vr, const uint8_t *v, size_t n) {
    if (DcmVR(vr.c_str()).isaString()) {
        std::string text(reinterpret_cast<const char *>(v), n);
        return e->putOFStringArray(OFString(text.c_str(), text.size()));
    }
    if (n == 0) return EC_Normal;
    if (vr == "US" || vr == "OW") return e->putUint16Array(reinterpret_cast<const Uint16 *>(v), n / 2);
    // DcmAttributeTag::putUint16Array counts tags (group, element pairs), not words.
    if (vr == "AT") {
        if (n % 4 != 0) return makeOFCondition(0, 1, OF_error, "an AT value is a whole number of 4-byte tags");
        return e->putUint16Array(reinterpret_cast<const Uint16 *>(v), n / 4);
    }
    if (vr == "SS") return e->putSint16Array(reinterpret_cast<const Sint16 *>(v), n / 2);
    if (vr == "UL" || vr == "OL") return e->putUint32Array(reinterpret_cast<const Uint32 *>(v), n / 4);
    if (vr == "SL") return e->putSint32Array(reinterpret_cast<const Sint32 *>(v), n / 4);
    if (vr == "FL" || vr == "OF") return e->putFloat32Array(reinterpret_cast<const Float32 *>(v), n / 4);
    if (vr == "FD" || vr == "OD") return e->putFloat64Array(reinterpret_cast<const Float64 *>(v), n / 8);
    return e->putUint8Array(v, n);
}

}  // namespace

extern "C" ndk_writer *ndk_writer_create(ndk_error *error) {
    ndk_writer *writer = nullptr;
    ndk::guarded(error, "writer", [&]() -> int32_t {
        writer = new ndk_writer();
        writer->stack.push_back(writer->format.getDataset());
        return NDK_OK;
    });
    return writer;
}

extern "C" void ndk_writer_free(ndk_writer *writer) {
    try { delete writer; } catch (...) {}
}

extern "C" int32_t ndk_writer_put(ndk_writer *writer, uint32_t tag, const char vr[2], const uint8_t *value, size_t length,
                                  ndk_error *error) {
    return ndk::guarded(error, "write element", [&]() -> int32_t {
        if (!writer || !vr || (!value && length > 0)) return ndk::fail(error, NDK_E_ARGUMENT, "write element: null argument");
        if (length > 0xFFFFFFF0u) return ndk::fail(error, NDK_E_ARGUMENT, "write element: value too long");
        std::string vrText(vr, 2);
        DcmTag dcmTag(key(tag));
        dcmTag.setVR(DcmVR(vrText.c_str()));
        DcmElement *element = nullptr;
        OFCondition c = DcmItem::newDicomElementWithVR(element, dcmTag);
        if (c.bad() || !element) return ndk::fail(error, NDK_E_ARGUMENT, std::string("cannot create ") + dcmTag.toString().c_str() + " " + vrText + ": " + c.text());
        c = putValue(element, vrText, value, length);
        if (c.good()) c = writer->stack.back()->insert(element, OFTrue);
        if (c.bad()) {
            delete element;
            return ndk::fail(error, NDK_E_ARGUMENT, std::string("cannot set ") + dcmTag.toString().c_str() + " " + vrText + ": " + c.text());
        }
        return NDK_OK;
    });
}

extern "C" int32_t ndk_writer_begin_item(ndk_writer *writer, uint32_t sequenceTag, ndk_error *error) {
    return ndk::guarded(error, "write item", [&]() -> int32_t {
        if (!writer) return ndk::fail(error, NDK_E_ARGUMENT, "write item: null writer");
        if (writer->stack.size() > 64) return ndk::fail(error, NDK_E_ARGUMENT, "write item: sequences nested too deep");
        DcmItem *item = nullptr;
        OFCondition c = writer->stack.back()->findOrCreateSequenceItem(key(sequenceTag), item, -2 /* append */);
        if (c.bad() || !item) return ndk::fail(error, NDK_E_ARGUMENT, std::string("cannot add an item to ") + key(sequenceTag).toString().c_str() + ": " + c.text());
        writer->stack.push_back(item);
        return NDK_OK;
    });
}

extern "C" int32_t ndk_writer_end_item(ndk_writer *writer, ndk_error *error) {
    return ndk::guarded(error, "write item", [&]() -> int32_t {
        if (!writer || writer->stack.size() < 2) return ndk::fail(error, NDK_E_ARGUMENT, "end item without begin item");
        writer->stack.pop_back();
        return NDK_OK;
    });
}

extern "C" int32_t ndk_writer_save(ndk_writer *writer, const char *path, ndk_error *error) {
    return ndk::guarded(error, "save", [&]() -> int32_t {
        if (!writer || !path) return ndk::fail(error, NDK_E_ARGUMENT, "save: null argument");
        if (writer->stack.size() != 1) return ndk::fail(error, NDK_E_ARGUMENT, "save: a sequence item is still open");
        OFCondition c = writer->format.saveFile(OFFilename(path), EXS_LittleEndianExplicit, EET_ExplicitLength, EGL_recalcGL,
                                                 EPD_noChange, 0, 0, EWM_createNewMeta);
        if (c.bad()) return ndk::fail(error, NDK_E_IO, std::string("saving: ") + c.text());
        return NDK_OK;
    });
}

extern "C" int32_t ndk_writer_encode(ndk_writer *writer, uint8_t **outBytes, size_t *outLength, ndk_error *error) {
    return ndk::guarded(error, "encode", [&]() -> int32_t {
        if (!writer || !outBytes || !outLength) return ndk::fail(error, NDK_E_ARGUMENT, "encode: null argument");
        if (writer->stack.size() != 1) return ndk::fail(error, NDK_E_ARGUMENT, "encode: a sequence item is still open");
        std::vector<uint8_t> bytes = ndk::encodeDataset(writer->format.getDataset());
        if (bytes.empty()) return ndk::fail(error, NDK_E_INTERNAL, "encode: the dataset cannot be encoded");
        auto *buffer = static_cast<uint8_t *>(std::malloc(bytes.size()));
        if (!buffer) return ndk::fail(error, NDK_E_INTERNAL, "encode: out of memory");
        std::memcpy(buffer, bytes.data(), bytes.size());
        *outBytes = buffer;
        *outLength = bytes.size();
        return NDK_OK;
    });
}

extern "C" int32_t ndk_writer_save_with_pixels(ndk_writer *writer, ndk_file *source, const char *path, ndk_error *error) {
    return ndk::guarded(error, "save", [&]() -> int32_t {
        if (!writer || !source || !source->format || !path) return ndk::fail(error, NDK_E_ARGUMENT, "save: null argument");
        if (writer->stack.size() != 1) return ndk::fail(error, NDK_E_ARGUMENT, "save: a sequence item is still open");
        DcmDataset *from = source->format->getDataset();
        DcmDataset *to = writer->format.getDataset();
        // The pixel data elements travel as DCMTK holds them (native words or the encapsulated
        // fragments), so their bytes are written back unchanged in the source's transfer syntax.
        const DcmTagKey pixelTags[] = {DcmTagKey(0x7FE0, 0x0008), DcmTagKey(0x7FE0, 0x0009), DcmTagKey(0x7FE0, 0x0010)};
        for (const DcmTagKey &t : pixelTags) {
            DcmElement *element = nullptr;
            if (from->findAndGetElement(t, element).good() && element) {
                OFCondition c = from->findAndGetElement(t, element, OFFalse, OFTrue /* copy */);
                if (c.bad() || !element) return ndk::fail(error, NDK_E_INTERNAL, std::string("copying pixel data: ") + c.text());
                c = to->insert(element, OFTrue);
                if (c.bad()) { delete element; return ndk::fail(error, NDK_E_INTERNAL, std::string("copying pixel data: ") + c.text()); }
            }
        }
        E_TransferSyntax xfer = source->decompressed ? from->getCurrentXfer() : from->getOriginalXfer();
        if (xfer == EXS_Unknown) xfer = EXS_LittleEndianExplicit;
        OFCondition c = writer->format.saveFile(OFFilename(path), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0, 0,
                                                EWM_createNewMeta);
        if (c.bad()) return ndk::fail(error, NDK_E_IO, std::string("saving: ") + c.text());
        return NDK_OK;
    });
}
