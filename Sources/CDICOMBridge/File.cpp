// Opening files and datasets with DCMTK, serializing their elements for Swift, the
// dcmdump-style dump and the dictionary look-ups.
#include "BridgeInternal.hpp"

#include <dcmtk/dcmdata/dcistrmb.h>
#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif
#include <cstdlib>
#include <sstream>

namespace {

void putU32(std::vector<uint8_t> &out, uint32_t v) {
    for (int i = 0; i < 4; i++) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void putElement(std::vector<uint8_t> &out, DcmElement *element, uint32_t maxValueBytes);

void putItem(std::vector<uint8_t> &out, DcmItem *item, uint32_t maxValueBytes) {
    unsigned long count = item ? item->card() : 0;
    putU32(out, static_cast<uint32_t>(count));
    for (unsigned long i = 0; i < count; i++) putElement(out, item->getElement(i), maxValueBytes);
}

void putElement(std::vector<uint8_t> &out, DcmElement *element, uint32_t maxValueBytes) {
    const DcmTag &tag = element->getTag();
    putU32(out, (static_cast<uint32_t>(tag.getGTag()) << 16) | tag.getETag());
    DcmVR vr(element->ident());
    const char *name = vr.getValidVRName();
    if (!name || std::strlen(name) != 2) name = "UN";
    out.push_back(static_cast<uint8_t>(name[0]));
    out.push_back(static_cast<uint8_t>(name[1]));
    if (element->ident() == EVR_SQ) {
        auto *sequence = static_cast<DcmSequenceOfItems *>(element);
        unsigned long items = sequence->card();
        out.push_back(1); out.push_back(0);
        putU32(out, static_cast<uint32_t>(items));
        for (unsigned long i = 0; i < items; i++) putItem(out, sequence->getItem(i), maxValueBytes);
        return;
    }
    Uint32 length = element->getLength();
    bool isPixelData = tag.getGTag() == 0x7FE0 && tag.getETag() == 0x0010;
    bool encapsulated = element->ident() == EVR_PixelData || element->ident() == EVR_OverlayData
                        ? false : false;
    (void)encapsulated;
    if (isPixelData || length > maxValueBytes || length == 0xFFFFFFFFu) {
        out.push_back(2); out.push_back(0);
        putU32(out, length);
        return;
    }
    out.push_back(0); out.push_back(0);
    size_t lengthAt = out.size();
    putU32(out, length);
    size_t start = out.size();
    out.resize(start + length);
    if (length > 0) {
        DcmFileCache cache;
        OFCondition c = element->getPartialValue(out.data() + start, 0, length, &cache, EBO_LittleEndian);
        if (c.bad()) {
            // Keep the element, without a value, and say why in the log.
            out.resize(start);
            out[lengthAt] = out[lengthAt + 1] = out[lengthAt + 2] = out[lengthAt + 3] = 0;
            ndk::log(NDK_LOG_WARNING, std::string("cannot read value of ") + tag.toString().c_str() + ": " + c.text());
        }
    }
}

ndk_file *finishOpen(std::unique_ptr<ndk_file> file, OFCondition c, const std::string &where, ndk_error *error) {
    if (c.bad()) {
        int32_t code = NDK_E_PARSE;
        if (c == EC_InvalidFilename || c == EC_InvalidStream || std::string(c.text()).find("No such file") != std::string::npos) code = NDK_E_IO;
        ndk::fail(error, code, c.text());
        return nullptr;
    }
    DcmDataset *dataset = file->format->getDataset();
    if (!dataset || dataset->card() == 0) {
        ndk::fail(error, NDK_E_PARSE, "no DICOM elements found");
        return nullptr;
    }
    // Strings become UTF-8 here, once, so Swift never sees legacy character sets.
    OFString charset;
    if (dataset->findAndGetOFStringArray(DCM_SpecificCharacterSet, charset).good() && !charset.empty()) {
        file->originalCharset = charset.c_str();
        OFCondition conv = file->format->convertToUTF8();
        file->charsetConverted = conv.good();
        if (conv.bad() && ndk::convertJapaneseToUTF8(dataset, charset.c_str())) file->charsetConverted = true;
        else if (conv.bad()) ndk::log(NDK_LOG_WARNING, file->path + ": cannot convert SpecificCharacterSet '" + charset.c_str() + "' to UTF-8: " + conv.text());
    }
    return file.release();
}

}  // namespace

std::string ndk::transferSyntaxUID(ndk_file *file) {
    DcmDataset *dataset = file->format->getDataset();
    DcmXfer xfer(dataset->getOriginalXfer());
    const char *uid = xfer.getXferID();
    return uid ? uid : "";
}

extern "C" ndk_file *ndk_open_file(const char *path, ndk_error *error) {
    ndk_file *result = nullptr;
    ndk::guarded(error, "open", [&]() -> int32_t {
        if (!path) return ndk::fail(error, NDK_E_ARGUMENT, "open: no path");
        std::FILE *probe = std::fopen(path, "rb");
        if (!probe) return ndk::fail(error, NDK_E_IO, std::strerror(errno));
        std::fclose(probe);
        auto file = std::make_unique<ndk_file>();
        file->path = path;
        file->format = std::make_unique<DcmFileFormat>();
        OFCondition c = file->format->loadFile(OFFilename(path), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
        result = finishOpen(std::move(file), c, "", error);
        return result ? NDK_OK : (error ? error->code : NDK_E_PARSE);
    });
    return result;
}

extern "C" ndk_file *ndk_open_memory(const uint8_t *bytes, size_t length, ndk_error *error) {
    ndk_file *result = nullptr;
    ndk::guarded(error, "open", [&]() -> int32_t {
        if (!bytes && length > 0) return ndk::fail(error, NDK_E_ARGUMENT, "open: no bytes");
        auto file = std::make_unique<ndk_file>();
        file->memory.assign(bytes, bytes + length);
        file->format = std::make_unique<DcmFileFormat>();
        OFCondition c = EC_Normal;
#ifdef __linux__
        // DCMTK checks declared lengths against what is left only when reading a file; from
        // a memory buffer it would allocate whatever an element claims (found by fuzzing:
        // a 3.7 GB value in a 1 kB input). An anonymous in-memory file keeps the check.
        int fd = memfd_create("ndk-dataset", MFD_CLOEXEC);
        if (fd >= 0) {
            size_t written = 0;
            while (written < length) {
                ssize_t n = ::write(fd, bytes + written, length - written);
                if (n <= 0) break;
                written += static_cast<size_t>(n);
            }
            if (written == length) {
                file->path = "/proc/self/fd/" + std::to_string(fd);
                file->memoryFD = fd;
                c = file->format->loadFile(OFFilename(file->path.c_str()), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
                result = finishOpen(std::move(file), c, "", error);
                return result ? NDK_OK : (error ? error->code : NDK_E_PARSE);
            }
            ::close(fd);
        }
#endif
        DcmInputBufferStream stream;
        stream.setBuffer(file->memory.data(), static_cast<offile_off_t>(file->memory.size()));
        stream.setEos();
        file->format->transferInit();
        c = file->format->read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
        file->format->transferEnd();
        result = finishOpen(std::move(file), c, "", error);
        return result ? NDK_OK : (error ? error->code : NDK_E_PARSE);
    });
    return result;
}

ndk_file::~ndk_file() {
    format.reset();  // DCMTK may still hold the file open for lazy values
#ifdef __linux__
    if (memoryFD >= 0) ::close(memoryFD);
#endif
}

extern "C" void ndk_close(ndk_file *file) {
    try { delete file; } catch (...) {}
}

extern "C" int32_t ndk_serialize_header(ndk_file *file, uint32_t maxValueBytes, uint8_t **outBytes,
                                        size_t *outLength, ndk_error *error) {
    return ndk::guarded(error, "header", [&]() -> int32_t {
        if (!file || !outBytes || !outLength) return ndk::fail(error, NDK_E_ARGUMENT, "header: null argument");
        std::vector<uint8_t> out;
        std::string ts = ndk::transferSyntaxUID(file);
        putU32(out, static_cast<uint32_t>(ts.size()));
        out.insert(out.end(), ts.begin(), ts.end());
        putU32(out, file->charsetConverted ? 1 : 0);
        putItem(out, file->format->getMetaInfo(), maxValueBytes);
        if (file->charsetConverted) {
            // Report the character set the file was written in; the text is UTF-8 now.
            file->format->getDataset()->putAndInsertString(DCM_SpecificCharacterSet, file->originalCharset.c_str());
        }
        putItem(out, file->format->getDataset(), maxValueBytes);
        auto *buffer = static_cast<uint8_t *>(std::malloc(out.size()));
        if (!buffer) return ndk::fail(error, NDK_E_INTERNAL, "header: out of memory");
        std::memcpy(buffer, out.data(), out.size());
        *outBytes = buffer;
        *outLength = out.size();
        return NDK_OK;
    });
}

extern "C" int32_t ndk_read_value(ndk_file *file, uint32_t tag, uint8_t **outBytes, size_t *outLength,
                                  ndk_error *error) {
    return ndk::guarded(error, "read value", [&]() -> int32_t {
        if (!file || !outBytes || !outLength) return ndk::fail(error, NDK_E_ARGUMENT, "read value: null argument");
        DcmElement *element = nullptr;
        DcmTagKey key(static_cast<Uint16>(tag >> 16), static_cast<Uint16>(tag & 0xFFFF));
        if (file->format->getDataset()->findAndGetElement(key, element).bad() || !element)
            return ndk::fail(error, NDK_E_ARGUMENT, std::string("read value: no element ") + key.toString().c_str());
        Uint32 length = element->getLength();
        if (length == 0xFFFFFFFFu) return ndk::fail(error, NDK_E_UNSUPPORTED, "read value: undefined length (encapsulated)");
        auto *buffer = static_cast<uint8_t *>(std::malloc(length > 0 ? length : 1));
        if (!buffer) return ndk::fail(error, NDK_E_INTERNAL, "read value: out of memory");
        DcmFileCache cache;
        OFCondition c = length > 0 ? element->getPartialValue(buffer, 0, length, &cache, EBO_LittleEndian) : EC_Normal;
        if (c.bad()) { std::free(buffer); return ndk::fail(error, NDK_E_IO, std::string("read value: ") + c.text()); }
        *outBytes = buffer;
        *outLength = length;
        return NDK_OK;
    });
}

extern "C" int32_t ndk_dump(ndk_file *file, char **outText, ndk_error *error) {
    return ndk::guarded(error, "dump", [&]() -> int32_t {
        if (!file || !outText) return ndk::fail(error, NDK_E_ARGUMENT, "dump: null argument");
        std::ostringstream text;
        file->format->print(text, DCMTypes::PF_shortenLongTagValues);
        std::string s = text.str();
        char *buffer = static_cast<char *>(std::malloc(s.size() + 1));
        if (!buffer) return ndk::fail(error, NDK_E_INTERNAL, "dump: out of memory");
        std::memcpy(buffer, s.c_str(), s.size() + 1);
        *outText = buffer;
        return NDK_OK;
    });
}

extern "C" int32_t ndk_tag_for_keyword(const char *keyword, uint32_t *outTag, ndk_error *error) {
    return ndk::guarded(error, "keyword", [&]() -> int32_t {
        if (!keyword || !outTag) return ndk::fail(error, NDK_E_ARGUMENT, "keyword: null argument");
        const DcmDataDictionary &dict = dcmDataDict.rdlock();
        const DcmDictEntry *entry = dict.findEntry(keyword);
        uint32_t tag = entry ? ((static_cast<uint32_t>(entry->getGroup()) << 16) | entry->getElement()) : 0;
        dcmDataDict.rdunlock();
        if (!entry) return ndk::fail(error, NDK_E_ARGUMENT, std::string("unknown DICOM keyword '") + keyword + "'");
        *outTag = tag;
        return NDK_OK;
    });
}

extern "C" int32_t ndk_keyword_for_tag(uint32_t tag, char *buffer, size_t capacity, char vr[3]) {
    try {
        if (!buffer || capacity == 0) return NDK_E_ARGUMENT;
        buffer[0] = 0;
        if (vr) { vr[0] = 'U'; vr[1] = 'N'; vr[2] = 0; }
        if (!ndk::initialized()) return NDK_E_ARGUMENT;
        DcmTagKey key(static_cast<Uint16>(tag >> 16), static_cast<Uint16>(tag & 0xFFFF));
        const DcmDataDictionary &dict = dcmDataDict.rdlock();
        const DcmDictEntry *entry = dict.findEntry(key, nullptr);
        if (entry) {
            std::snprintf(buffer, capacity, "%s", entry->getTagName() ? entry->getTagName() : "");
            const char *name = entry->getVR().getValidVRName();
            if (vr && name && std::strlen(name) == 2) { vr[0] = name[0]; vr[1] = name[1]; }
        }
        dcmDataDict.rdunlock();
        return NDK_OK;
    } catch (...) {
        return NDK_E_INTERNAL;
    }
}
