// C-FIND, C-MOVE and C-GET as SCU, and receiving C-STORE sub-operations into files.
#include "NetInternal.hpp"

#include <cstdio>
#include <unistd.h>

namespace {

struct FindContext {
    ndk_dataset_handler handler;
    void *context;
};

void findCallback(void *data, T_DIMSE_C_FindRQ *, int, T_DIMSE_C_FindRSP *, DcmDataset *identifiers) {
    auto *f = static_cast<FindContext *>(data);
    if (!identifiers || !f->handler) return;
    std::vector<uint8_t> bytes = ndk::encodeDataset(identifiers);
    f->handler(f->context, bytes.data(), bytes.size());
}

std::string text(DcmItem *d, const DcmTagKey &key) {
    OFString s;
    d->findAndGetOFString(key, s);
    return s.c_str();
}

}  // namespace

OFCondition ndk::receiveStore(T_ASC_Association *assoc, T_ASC_PresentationContextID presID, const T_DIMSE_C_StoreRQ &request,
                              const ndk_store_sink *sink, const std::string &callingAE, int timeout, bool *stored) {
    *stored = false;
    DcmDataset *dataset = nullptr;
    T_ASC_PresentationContextID dataID = presID;
    OFCondition c = DIMSE_receiveDataSetInMemory(assoc, blocking(timeout), timeout, &dataID, &dataset, nullptr, nullptr);
    if (c.bad()) { delete dataset; return c; }  // aborted mid-transfer: nothing was written
    std::unique_ptr<DcmDataset> owned(dataset);
    T_DIMSE_C_StoreRSP response;
    std::memset(&response, 0, sizeof(response));
    response.MessageIDBeingRespondedTo = request.MessageID;
    response.DataSetType = DIMSE_DATASET_NULL;
    OFStandard::strlcpy(response.AffectedSOPClassUID, request.AffectedSOPClassUID, sizeof(response.AffectedSOPClassUID));
    OFStandard::strlcpy(response.AffectedSOPInstanceUID, request.AffectedSOPInstanceUID, sizeof(response.AffectedSOPInstanceUID));
    response.opts = O_STORE_AFFECTEDSOPCLASSUID | O_STORE_AFFECTEDSOPINSTANCEUID;
    response.DimseStatus = STATUS_Success;

    std::string study = text(dataset, DCM_StudyInstanceUID), series = text(dataset, DCM_SeriesInstanceUID);
    std::string sop = text(dataset, DCM_SOPInstanceUID);
    if (sop != request.AffectedSOPInstanceUID) {
        response.DimseStatus = STATUS_STORE_Error_DataSetDoesNotMatchSOPClass;
        notify(sink, NDK_LOG_WARNING, "refused " + std::string(request.AffectedSOPInstanceUID) + " from " + callingAE +
                                          ": the dataset's SOPInstanceUID '" + sop + "' differs from the request's");
    } else {
        char path[4096] = {0};
        int32_t refused = sink && sink->choose
                              ? sink->choose(sink->context, callingAE.c_str(), study.c_str(), series.c_str(), sop.c_str(), path, sizeof(path))
                              : 1;
        if (refused) {
            response.DimseStatus = STATUS_STORE_Error_CannotUnderstand;
            notify(sink, NDK_LOG_WARNING, "refused " + sop + " from " + callingAE + ": " + path);
        } else {
            std::string target(path);
            std::string::size_type slash = target.rfind('/');
            std::string folder = slash == std::string::npos ? "." : target.substr(0, slash);
            std::string tmp = folder + "/." + target.substr(slash == std::string::npos ? 0 : slash + 1) + ".partial-" +
                              std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(dataset));
            E_TransferSyntax xfer = dataset->getOriginalXfer();
            DcmFileFormat file(dataset, OFFalse);
            c = file.saveFile(OFFilename(tmp.c_str()), xfer == EXS_Unknown ? EXS_LittleEndianExplicit : xfer, EET_ExplicitLength,
                              EGL_recalcGL, EPD_noChange, 0, 0, EWM_createNewMeta);
            file.getAndRemoveDataset();  // `owned` frees it
            if (c.good() && std::rename(tmp.c_str(), target.c_str()) == 0) {
                *stored = true;
                notify(sink, NDK_LOG_INFO, "stored " + target);
            } else {
                std::remove(tmp.c_str());
                response.DimseStatus = STATUS_STORE_Refused_OutOfResources;
                notify(sink, NDK_LOG_ERROR, "cannot write " + target + ": " + (c.bad() ? c.text() : std::strerror(errno)));
            }
        }
    }
    return DIMSE_sendStoreResponse(assoc, presID, &request, &response, nullptr);
}

extern "C" int32_t ndk_assoc_find(ndk_assoc *a, const char *sopClass, const uint8_t *query, size_t queryLength,
                                  ndk_dataset_handler handler, void *context, uint16_t *status, ndk_error *error) {
    return ndk::guarded(error, "C-FIND", [&]() -> int32_t {
        if (!a || !a->assoc || !sopClass || !query) return ndk::fail(error, NDK_E_ARGUMENT, "C-FIND: null argument");
        T_ASC_PresentationContextID id = ASC_findAcceptedPresentationContextID(a->assoc, sopClass);
        if (id == 0) return ndk::fail(error, NDK_E_NET_NO_CONTEXT, a->peer + " did not accept C-FIND in " + sopClass);
        std::unique_ptr<DcmDataset> keys(ndk::decodeQuery(query, queryLength));
        if (!keys) return ndk::fail(error, NDK_E_ARGUMENT, "C-FIND: the query dataset cannot be decoded");
        T_DIMSE_C_FindRQ request;
        std::memset(&request, 0, sizeof(request));
        request.MessageID = a->assoc->nextMsgID++;
        OFStandard::strlcpy(request.AffectedSOPClassUID, sopClass, sizeof(request.AffectedSOPClassUID));
        request.DataSetType = DIMSE_DATASET_PRESENT;
        request.Priority = DIMSE_PRIORITY_MEDIUM;
        T_DIMSE_C_FindRSP response;
        std::memset(&response, 0, sizeof(response));
        FindContext f{handler, context};
        int count = 0;
        DcmDataset *detail = nullptr;
        OFCondition c = DIMSE_findUser(a->assoc, id, &request, keys.get(), count, findCallback, &f, ndk::blocking(a->dimseTimeout),
                                       a->dimseTimeout, &response, &detail);
        delete detail;
        if (c.bad()) return ndk::netFail(error, c, a->peer, "C-FIND");
        if (status) *status = response.DimseStatus;
        return NDK_OK;
    });
}

extern "C" int32_t ndk_assoc_move(ndk_assoc *a, const char *sopClass, const char *destination, const uint8_t *query,
                                  size_t queryLength, ndk_retrieve_result *result, ndk_error *error) {
    return ndk::guarded(error, "C-MOVE", [&]() -> int32_t {
        if (!a || !a->assoc || !sopClass || !destination || !query || !result) return ndk::fail(error, NDK_E_ARGUMENT, "C-MOVE: null argument");
        T_ASC_PresentationContextID id = ASC_findAcceptedPresentationContextID(a->assoc, sopClass);
        if (id == 0) return ndk::fail(error, NDK_E_NET_NO_CONTEXT, a->peer + " did not accept C-MOVE in " + sopClass);
        std::unique_ptr<DcmDataset> keys(ndk::decodeQuery(query, queryLength));
        if (!keys) return ndk::fail(error, NDK_E_ARGUMENT, "C-MOVE: the query dataset cannot be decoded");
        T_DIMSE_C_MoveRQ request;
        std::memset(&request, 0, sizeof(request));
        request.MessageID = a->assoc->nextMsgID++;
        OFStandard::strlcpy(request.AffectedSOPClassUID, sopClass, sizeof(request.AffectedSOPClassUID));
        OFStandard::strlcpy(request.MoveDestination, destination, sizeof(request.MoveDestination));
        request.DataSetType = DIMSE_DATASET_PRESENT;
        request.Priority = DIMSE_PRIORITY_MEDIUM;
        T_DIMSE_C_MoveRSP response;
        std::memset(&response, 0, sizeof(response));
        DcmDataset *detail = nullptr, *identifiers = nullptr;
        OFCondition c = DIMSE_moveUser(a->assoc, id, &request, keys.get(), nullptr, nullptr, ndk::blocking(a->dimseTimeout), a->dimseTimeout,
                                       nullptr, nullptr, nullptr, &response, &detail, &identifiers, OFTrue);
        delete detail;
        delete identifiers;
        if (c.bad()) return ndk::netFail(error, c, a->peer, "C-MOVE");
        *result = ndk_retrieve_result{response.DimseStatus, response.NumberOfCompletedSubOperations, response.NumberOfFailedSubOperations,
                                      response.NumberOfWarningSubOperations, response.NumberOfRemainingSubOperations, 0};
        return NDK_OK;
    });
}

extern "C" int32_t ndk_assoc_get(ndk_assoc *a, const char *sopClass, const uint8_t *query, size_t queryLength,
                                 const ndk_store_sink *sink, ndk_retrieve_result *result, ndk_error *error) {
    return ndk::guarded(error, "C-GET", [&]() -> int32_t {
        if (!a || !a->assoc || !sopClass || !query || !result) return ndk::fail(error, NDK_E_ARGUMENT, "C-GET: null argument");
        T_ASC_PresentationContextID id = ASC_findAcceptedPresentationContextID(a->assoc, sopClass);
        if (id == 0) return ndk::fail(error, NDK_E_NET_NO_CONTEXT, a->peer + " did not accept C-GET in " + sopClass);
        std::unique_ptr<DcmDataset> keys(ndk::decodeQuery(query, queryLength));
        if (!keys) return ndk::fail(error, NDK_E_ARGUMENT, "C-GET: the query dataset cannot be decoded");
        T_DIMSE_Message message;
        std::memset(&message, 0, sizeof(message));
        message.CommandField = DIMSE_C_GET_RQ;
        T_DIMSE_C_GetRQ &request = message.msg.CGetRQ;
        request.MessageID = a->assoc->nextMsgID++;
        OFStandard::strlcpy(request.AffectedSOPClassUID, sopClass, sizeof(request.AffectedSOPClassUID));
        request.DataSetType = DIMSE_DATASET_PRESENT;
        request.Priority = DIMSE_PRIORITY_MEDIUM;
        OFCondition c = DIMSE_sendMessageUsingMemoryData(a->assoc, id, &message, nullptr, keys.get(), nullptr, nullptr);
        if (c.bad()) return ndk::netFail(error, c, a->peer, "sending the C-GET request");
        *result = ndk_retrieve_result{0, 0, 0, 0, 0, 0};
        std::string calling = a->peer;
        for (;;) {
            T_DIMSE_Message incoming;
            std::memset(&incoming, 0, sizeof(incoming));
            T_ASC_PresentationContextID incomingID = 0;
            DcmDataset *detail = nullptr;
            c = DIMSE_receiveCommand(a->assoc, ndk::blocking(a->dimseTimeout), a->dimseTimeout, &incomingID, &incoming, &detail);
            delete detail;
            if (c.bad()) return ndk::netFail(error, c, a->peer, "C-GET (waiting for responses)");
            if (incoming.CommandField == DIMSE_C_STORE_RQ) {
                bool stored = false;
                c = ndk::receiveStore(a->assoc, incomingID, incoming.msg.CStoreRQ, sink, calling, a->dimseTimeout, &stored);
                if (c.bad()) return ndk::netFail(error, c, a->peer, "C-GET (receiving a C-STORE sub-operation)");
                if (stored) result->received++;
            } else if (incoming.CommandField == DIMSE_C_GET_RSP) {
                const T_DIMSE_C_GetRSP &r = incoming.msg.CGetRSP;
                if (r.DataSetType != DIMSE_DATASET_NULL) {
                    DcmDataset *ids = nullptr;
                    T_ASC_PresentationContextID dataID = incomingID;
                    c = DIMSE_receiveDataSetInMemory(a->assoc, ndk::blocking(a->dimseTimeout), a->dimseTimeout, &dataID, &ids, nullptr, nullptr);
                    delete ids;
                    if (c.bad()) return ndk::netFail(error, c, a->peer, "C-GET (reading a response identifier)");
                }
                result->status = r.DimseStatus;
                result->completed = r.NumberOfCompletedSubOperations;
                result->failed = r.NumberOfFailedSubOperations;
                result->warning = r.NumberOfWarningSubOperations;
                result->remaining = r.NumberOfRemainingSubOperations;
                if (!DICOM_PENDING_STATUS(r.DimseStatus)) return NDK_OK;
            } else {
                return ndk::fail(error, NDK_E_NET_PROTOCOL, "C-GET: " + a->peer + " sent an unexpected command 0x" +
                                                               std::to_string(incoming.CommandField));
            }
        }
    });
}
