// Shared internals of the bridge: the file handle, error helpers and the guard that
// keeps every C++ exception on this side of the C API.
#pragma once

#include "CDICOMBridge.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmdata/dcfcache.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

struct ndk_file {
    ~ndk_file();
    std::unique_ptr<DcmFileFormat> format;
    int memoryFD = -1;            // the memfd holding in-memory data (Linux)
    std::string path;             // empty when opened from memory
    std::vector<uint8_t> memory;  // the bytes, when opened from memory
    bool charsetConverted = false;
    std::string originalCharset;  // SpecificCharacterSet before conversion to UTF-8
    bool decompressed = false;    // DCMTK already switched the dataset to native
};

namespace ndk {

/// Fills `error` (if any) and returns `code`.
inline int32_t fail(ndk_error *error, int32_t code, const std::string &message) {
    if (error) {
        error->code = code;
        std::snprintf(error->message, sizeof(error->message), "%s", message.c_str());
    }
    return code;
}

inline void clear(ndk_error *error) {
    if (error) { error->code = NDK_OK; error->message[0] = 0; }
}

/// True once ndk_initialize succeeded.
bool initialized();

/// Sends a message to the registered log handler.
void log(int32_t level, const std::string &message);

/// Runs `body`, turning any exception into NDK_E_INTERNAL.
template <typename Body>
int32_t guarded(ndk_error *error, const char *what, Body body) {
    try {
        clear(error);
        if (!initialized()) {
            return fail(error, NDK_E_ARGUMENT, std::string(what) + ": call ndk_initialize first");
        }
        return body();
    } catch (const std::bad_alloc &) {
        return fail(error, NDK_E_INTERNAL, std::string(what) + ": out of memory");
    } catch (const std::exception &e) {
        return fail(error, NDK_E_INTERNAL, std::string(what) + ": " + e.what());
    } catch (...) {
        return fail(error, NDK_E_INTERNAL, std::string(what) + ": unknown library exception");
    }
}

/// Converts ISO 2022 Japanese text to UTF-8 (Japanese.cpp).
bool convertJapaneseToUTF8(DcmDataset *dataset, const std::string &charset);

/// The transfer syntax UID the dataset was read with ("" when unknown).
std::string transferSyntaxUID(ndk_file *file);

}  // namespace ndk
