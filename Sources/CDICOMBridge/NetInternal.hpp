// Shared internals of the networking half of the bridge: the association handle, the
// mapping of dcmnet conditions to NDK_E_NET_* codes, and receiving C-STORE
// sub-operations into files (used by C-GET and by the storage SCP).
#pragma once

#include "BridgeInternal.hpp"

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/diutil.h>

#include <string>

struct ndk_assoc {
    T_ASC_Network *net = nullptr;
    T_ASC_Association *assoc = nullptr;
    int dimseTimeout = 0;
    std::string peer;  // "AE@host:port", for messages
};

namespace ndk {

/// DIMSE blocking mode for a timeout (0: block forever).
inline T_DIMSE_BlockingMode blocking(int timeout) { return timeout > 0 ? DIMSE_NONBLOCKING : DIMSE_BLOCKING; }

/// Maps a failed dcmnet condition during `step` to an error code and message.
int32_t netFail(ndk_error *error, const OFCondition &c, const std::string &peer, const std::string &step);

/// Parses a bare dataset encoded by ndk_writer_encode.
DcmDataset *decodeQuery(const uint8_t *bytes, size_t length);

/// Encodes a dataset as explicit VR little endian bytes.
std::vector<uint8_t> encodeDataset(DcmDataset *dataset);

/// Receives the dataset of a C-STORE-RQ already read on `assoc`, writes it where `sink`
/// chooses (temporary name, then rename) and answers with a C-STORE-RSP. Returns the
/// condition of the network exchange; a refused or unwritable instance is answered with
/// a failure status and reported through the sink, not an error.
OFCondition receiveStore(T_ASC_Association *assoc, T_ASC_PresentationContextID presID, const T_DIMSE_C_StoreRQ &request,
                         const ndk_store_sink *sink, const std::string &callingAE, int timeout, bool *stored);

/// Notifies the sink, when it has a notifier.
void notify(const ndk_store_sink *sink, int32_t level, const std::string &message);

}  // namespace ndk
