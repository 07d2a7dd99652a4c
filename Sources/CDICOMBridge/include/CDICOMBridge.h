/*
 * CDICOMBridge: the only C++ in NoduleKit, behind this plain C API.
 *
 * DCMTK parses every file and decodes native, deflated, RLE and JPEG pixel data;
 * GDCM decodes JPEG-LS and JPEG 2000. Every call takes an `ndk_error *` (may be NULL)
 * and returns 0 on success or a non-zero NDK_E_* code with a message in the error.
 * No C++ exception crosses this header: every entry point catches everything.
 * Handles are opaque; free them with the matching ndk_*_close / ndk_free call.
 */
#ifndef NODULEKIT_CDICOMBRIDGE_H
#define NODULEKIT_CDICOMBRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes. */
enum {
    NDK_OK = 0,
    NDK_E_DICTIONARY = 1,   /* DCMTK's data dictionary is not loaded */
    NDK_E_IO = 2,           /* the file cannot be opened or read */
    NDK_E_PARSE = 3,        /* the bytes are not a readable DICOM dataset */
    NDK_E_NO_PIXELS = 4,    /* the dataset holds no pixel data */
    NDK_E_UNSUPPORTED = 5,  /* a pixel format or transfer syntax no codec handles */
    NDK_E_DECODE = 6,       /* a codec failed on this pixel data */
    NDK_E_ARGUMENT = 7,     /* a bad argument (buffer too small, frame out of range) */
    NDK_E_INTERNAL = 8      /* an unexpected library exception */
};

/* An error: a code and a one-sentence message. */
typedef struct ndk_error {
    int32_t code;
    char message[1024];
} ndk_error;

/* Log levels passed to the log callback. */
enum { NDK_LOG_DEBUG = 0, NDK_LOG_INFO = 1, NDK_LOG_WARNING = 2, NDK_LOG_ERROR = 3 };

/* Receives the libraries' own warnings; `context` is what was given to ndk_set_log_handler. */
typedef void (*ndk_log_handler)(int32_t level, const char *message, void *context);

/*
 * Loads the data dictionary, registers the DCMTK decoders and routes DCMTK's and
 * GDCM's diagnostics to `handler` (NULL drops them). Safe to call more than once;
 * must succeed before any other call.
 */
int32_t ndk_initialize(ndk_log_handler handler, void *context, ndk_error *error);

/* An open DICOM file or in-memory dataset. */
typedef struct ndk_file ndk_file;

/* Opens a Part 10 file or a bare dataset (any transfer syntax, detected). Pixel data
 * and other large values are read lazily, when decoded. */
ndk_file *ndk_open_file(const char *path, ndk_error *error);

/* Parses a dataset from memory (copied). */
ndk_file *ndk_open_memory(const uint8_t *bytes, size_t length, ndk_error *error);

/* Closes a file handle (NULL is fine). */
void ndk_close(ndk_file *file);

/* Frees a buffer returned by this library. */
void ndk_free(void *buffer);

/*
 * Serializes the file's meta header and dataset (strings converted to UTF-8 from the
 * SpecificCharacterSet when the conversion succeeds) into a buffer freed with ndk_free.
 * Layout, all integers little endian:
 *   u32 transfer-syntax length, bytes; u32 charset-converted flag;
 *   u32 meta element count, elements; u32 dataset element count, elements.
 * An element: u32 tag (group << 16 | element), 2 VR bytes, u8 kind, u8 0, u32 n, then
 *   kind 0 (value): n value bytes (numbers in little-endian binary, strings as text);
 *   kind 1 (sequence): n items, each a u32 element count then its elements;
 *   kind 2 (omitted: pixel data or a value above `max_value_bytes`): n = value length.
 */
int32_t ndk_serialize_header(ndk_file *file, uint32_t max_value_bytes,
                             uint8_t **out_bytes, size_t *out_length, ndk_error *error);

/* Reads one top-level value in full (e.g. an omitted large element), in the layout of
 * ndk_serialize_header's kind 0. NDK_E_ARGUMENT when the tag is absent. */
int32_t ndk_read_value(ndk_file *file, uint32_t tag, uint8_t **out_bytes, size_t *out_length,
                       ndk_error *error);

/* A dcmdump-style text dump of the whole file, freed with ndk_free. */
int32_t ndk_dump(ndk_file *file, char **out_text, ndk_error *error);

/* Dictionary look-ups. ndk_tag_for_keyword returns NDK_E_ARGUMENT for an unknown keyword;
 * ndk_keyword_for_tag writes "" for an unknown tag. */
int32_t ndk_tag_for_keyword(const char *keyword, uint32_t *out_tag, ndk_error *error);
int32_t ndk_keyword_for_tag(uint32_t tag, char *buffer, size_t capacity, char vr[3]);

/* Pixel data as decoded: one sample per `bytes_per_sample` bytes, samples interleaved
 * per pixel (planar data is reordered), frames one after the other. Values are masked
 * to BitsStored and sign-extended when signed. 1-bit data is unpacked to one byte per
 * pixel. `photometric` is the interpretation of the decoded values (a JPEG in YBR
 * decodes to RGB). */
typedef struct ndk_pixel_info {
    uint32_t rows, columns, frames, samples_per_pixel;
    uint32_t bits_allocated, bits_stored, high_bit, is_signed;
    uint32_t bytes_per_sample;
    int32_t planar_configuration; /* as stored; the output is always interleaved */
    char photometric[32];
    char transfer_syntax[72];
    char decoder[16];             /* "native", "dcmtk" or "gdcm" */
    uint64_t stored_bytes;        /* PixelData length for native data; 0 when encapsulated */
} ndk_pixel_info;

/* Describes the pixel data without decoding it. */
int32_t ndk_pixel_info_get(ndk_file *file, ndk_pixel_info *info, ndk_error *error);

/* Decodes `frame_count` frames from `first_frame` into `destination` (capacity in bytes
 * at least frame_count * rows * columns * samples * bytes_per_sample); `info` receives
 * the layout of the decoded values. */
int32_t ndk_decode_frames(ndk_file *file, uint32_t first_frame, uint32_t frame_count,
                          void *destination, size_t capacity, ndk_pixel_info *info,
                          ndk_error *error);

/*
 * Writing. A writer builds one dataset element by element; sequences nest with
 * begin_item / end_item (the item is appended to the sequence `sequence_tag` of the
 * current item). Values: text for string VRs, little-endian binary otherwise.
 */
typedef struct ndk_writer ndk_writer;

ndk_writer *ndk_writer_create(ndk_error *error);
void ndk_writer_free(ndk_writer *writer);
int32_t ndk_writer_put(ndk_writer *writer, uint32_t tag, const char vr[2], const uint8_t *value,
                       size_t length, ndk_error *error);
int32_t ndk_writer_begin_item(ndk_writer *writer, uint32_t sequence_tag, ndk_error *error);
int32_t ndk_writer_end_item(ndk_writer *writer, ndk_error *error);
/* Saves as a Part 10 file in explicit VR little endian (meta header generated from
 * SOPClassUID / SOPInstanceUID). */
int32_t ndk_writer_save(ndk_writer *writer, const char *path, ndk_error *error);
/* Saves like ndk_writer_save but first copies the pixel data elements (7FE0,0008/0009/0010)
 * of `source` unchanged and writes in `source`'s transfer syntax (compressed data stays
 * compressed, byte for byte): for rewriting a file's header only (de-identification). */
int32_t ndk_writer_save_with_pixels(ndk_writer *writer, ndk_file *source, const char *path, ndk_error *error);

#ifdef __cplusplus
}
#endif

#include "CDICOMNetwork.h"

#endif
