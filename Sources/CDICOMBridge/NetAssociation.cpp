// Requesting, closing and inspecting associations; C-ECHO and C-STORE as SCU; the error
// mapping every network call shares.
#include "NetInternal.hpp"

#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmtls/tlslayer.h>

#include <cstdlib>
#include <mutex>
#include <sstream>

namespace {

std::mutex gNoDelayMutex;

std::vector<std::string> split(const char *text) {
    std::vector<std::string> parts;
    std::string current;
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '\\') { if (!current.empty()) parts.push_back(current); current.clear(); }
        else current.push_back(*p);
    }
    if (!current.empty()) parts.push_back(current);
    return parts;
}

/// The accepted context for `abstractSyntax` in exactly `transferSyntax` (any syntax when
/// null). DCMTK's transfer-syntax-aware ASC_findAcceptedPresentationContextID falls back
/// to any accepted context of the abstract syntax, which would send a compressed dataset
/// on an uncompressed context.
T_ASC_PresentationContextID acceptedContext(T_ASC_Association *assoc, const char *abstractSyntax, const char *transferSyntax) {
    int count = ASC_countPresentationContexts(assoc->params);
    for (int i = 0; i < count; i++) {
        T_ASC_PresentationContext pc;
        if (ASC_getPresentationContext(assoc->params, i, &pc).bad() || pc.resultReason != ASC_P_ACCEPTANCE) continue;
        if (std::strcmp(pc.abstractSyntax, abstractSyntax) != 0) continue;
        if (transferSyntax && std::strcmp(pc.acceptedTransferSyntax, transferSyntax) != 0) continue;
        return pc.presentationContextID;
    }
    return 0;
}

bool isUncompressed(E_TransferSyntax x) {
    return x == EXS_LittleEndianImplicit || x == EXS_LittleEndianExplicit || x == EXS_BigEndianExplicit;
}

}  // namespace

int32_t ndk::netFail(ndk_error *error, const OFCondition &c, const std::string &peer, const std::string &step) {
    std::string what = step + " with " + peer + ": " + c.text();
    if (c.module() == OFM_dcmnet) {
        switch (c.code()) {
        case DULC_TCPINITERROR: return fail(error, NDK_E_NET_CONNECT, "cannot connect to " + peer + " (" + step + "): " + c.text());
        case DULC_PEERABORTEDASSOCIATION: return fail(error, NDK_E_NET_ABORTED, "the peer aborted the association during " + what);
        case DULC_NETWORKCLOSED: case DULC_TCPIOERROR: case DIMSEC_READPDVFAILED: case DULC_PEERREQUESTEDRELEASE:
            return fail(error, NDK_E_NET_ABORTED, "the connection closed during " + what);
        case DIMSEC_NODATAAVAILABLE: case DULC_READTIMEOUT:
            return fail(error, NDK_E_NET_TIMEOUT, "no answer in time during " + what);
        default: break;
        }
    }
    return fail(error, NDK_E_NET_PROTOCOL, "failed: " + what);
}

DcmDataset *ndk::decodeQuery(const uint8_t *bytes, size_t length) {
    auto *dataset = new DcmDataset();
    DcmInputBufferStream stream;
    stream.setBuffer(bytes, static_cast<offile_off_t>(length));
    stream.setEos();
    dataset->transferInit();
    OFCondition c = dataset->read(stream, EXS_LittleEndianExplicit, EGL_noChange);
    dataset->transferEnd();
    if (c.bad()) { delete dataset; return nullptr; }
    return dataset;
}

std::vector<uint8_t> ndk::encodeDataset(DcmDataset *dataset) {
    Uint32 length = dataset->calcElementLength(EXS_LittleEndianExplicit, EET_ExplicitLength);
    std::vector<uint8_t> bytes(static_cast<size_t>(length) + 1024);
    DcmOutputBufferStream stream(bytes.data(), bytes.size());
    dataset->transferInit();
    OFCondition c = dataset->write(stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
    dataset->transferEnd();
    if (c.bad()) return {};
    void *buffer = nullptr;
    offile_off_t written = 0;
    stream.flushBuffer(buffer, written);
    bytes.resize(static_cast<size_t>(written));
    return bytes;
}

void ndk::notify(const ndk_store_sink *sink, int32_t level, const std::string &message) {
    if (sink && sink->notify) sink->notify(sink->context, level, message.c_str());
}

extern "C" void ndk_net_set_tcp_nodelay(int32_t enabled) {
    std::lock_guard<std::mutex> lock(gNoDelayMutex);
    // dcmnet reads TCP_NODELAY at every socket it creates (dul.cc, dulfsm.cc); a value
    // the user set wins.
    if (!std::getenv("TCP_NODELAY")) setenv("TCP_NODELAY", enabled ? "1" : "0", 0);
}

extern "C" ndk_assoc *ndk_assoc_request(const ndk_net_config *config, const ndk_context *contexts, size_t count, ndk_error *error) {
    ndk_assoc *result = nullptr;
    ndk::guarded(error, "associate", [&]() -> int32_t {
        if (!config || !config->host || !config->calling_ae || !config->called_ae || (!contexts && count > 0))
            return ndk::fail(error, NDK_E_ARGUMENT, "associate: null argument");
        if (count == 0 || count > 128) return ndk::fail(error, NDK_E_ARGUMENT, "associate: between 1 and 128 presentation contexts are needed");
        auto a = std::make_unique<ndk_assoc>();
        a->peer = std::string(config->called_ae) + "@" + config->host + ":" + std::to_string(config->port);
        a->dimseTimeout = config->dimse_timeout;
        if (config->connect_timeout > 0) dcmConnectionTimeout.set(config->connect_timeout);
        OFCondition c = ASC_initializeNetwork(NET_REQUESTOR, 0, config->acse_timeout > 0 ? config->acse_timeout : 30, &a->net);
        if (c.bad()) return ndk::netFail(error, c, a->peer, "initializing the network");
        const bool tls = config->tls_trusted_certificates && *config->tls_trusted_certificates;
        if (tls) {
            // The network owns the layer (takeover) and frees it with ASC_dropNetwork.
            auto *layer = new DcmTLSTransportLayer(NET_REQUESTOR, nullptr, OFTrue);
            std::string step;
            if (config->tls_certificate && *config->tls_certificate) {
                if (layer->setPrivateKeyFile(config->tls_private_key ? config->tls_private_key : "", DCF_Filetype_PEM).bad()) step = "reading the TLS private key";
                else if (layer->setCertificateFile(config->tls_certificate, DCF_Filetype_PEM).bad()) step = "reading the TLS certificate";
                else if (!layer->checkPrivateKeyMatchesCertificate()) step = "matching the TLS private key to the certificate";
            }
            if (step.empty() && layer->addTrustedCertificateFile(config->tls_trusted_certificates, DCF_Filetype_PEM).bad())
                step = std::string("reading trusted certificates from ") + config->tls_trusted_certificates;
            if (step.empty() && (layer->setTLSProfile(TSP_Profile_BCP195).bad() || layer->activateCipherSuites().bad())) step = "setting the TLS ciphersuites";
            if (!step.empty()) {
                delete layer;
                ASC_dropNetwork(&a->net);
                return ndk::fail(error, NDK_E_ARGUMENT, "TLS for " + a->peer + ": failed " + step);
            }
            layer->setCertificateVerification(config->tls_verify ? DCV_requireCertificate : DCV_ignoreCertificate);
            c = ASC_setTransportLayer(a->net, layer, 1);
            if (c.bad()) { ASC_dropNetwork(&a->net); return ndk::netFail(error, c, a->peer, "setting up TLS"); }
        }
        T_ASC_Parameters *params = nullptr;
        c = ASC_createAssociationParameters(&params, config->max_pdu ? config->max_pdu : ASC_DEFAULTMAXPDU);
        if (c.bad()) { ASC_dropNetwork(&a->net); return ndk::netFail(error, c, a->peer, "creating association parameters"); }
        ASC_setAPTitles(params, config->calling_ae, config->called_ae, nullptr);
        if (tls) ASC_setTransportLayerType(params, OFTrue);
        std::string address = std::string(config->host) + ":" + std::to_string(config->port);
        ASC_setPresentationAddresses(params, "localhost", address.c_str());
        for (size_t i = 0; i < count && c.good(); i++) {
            std::vector<std::string> syntaxes = split(contexts[i].transfer_syntaxes);
            std::vector<const char *> list;
            for (auto &s : syntaxes) list.push_back(s.c_str());
            if (list.empty() || !contexts[i].abstract_syntax) { c = ASC_BADPRESENTATIONCONTEXTID; break; }
            c = ASC_addPresentationContext(params, static_cast<T_ASC_PresentationContextID>(2 * i + 1), contexts[i].abstract_syntax,
                                           list.data(), static_cast<int>(list.size()),
                                           contexts[i].scp_role ? ASC_SC_ROLE_SCP : ASC_SC_ROLE_DEFAULT);
        }
        if (c.bad()) {
            ASC_destroyAssociationParameters(&params);
            ASC_dropNetwork(&a->net);
            return ndk::fail(error, NDK_E_ARGUMENT, "associate: a presentation context is malformed: " + std::string(c.text()));
        }
        c = ASC_requestAssociation(a->net, params, &a->assoc);
        if (c.bad()) {
            int32_t code;
            if (c == DUL_ASSOCIATIONREJECTED) {
                T_ASC_RejectParameters reject;
                ASC_getRejectParameters(params, &reject);
                OFString text;
                ASC_printRejectParameters(text, &reject);
                std::string reason(text.c_str());
                for (auto &ch : reason) if (ch == '\n') ch = ',';
                code = ndk::fail(error, NDK_E_NET_REJECTED, "association rejected by " + a->peer + ": " + reason);
            } else {
                code = ndk::netFail(error, c, a->peer, "requesting an association");
            }
            if (a->assoc) ASC_destroyAssociation(&a->assoc); else ASC_destroyAssociationParameters(&params);
            ASC_dropNetwork(&a->net);
            return code;
        }
        if (ASC_countAcceptedPresentationContexts(params) == 0) {
            ASC_abortAssociation(a->assoc);
            ASC_destroyAssociation(&a->assoc);
            ASC_dropNetwork(&a->net);
            return ndk::fail(error, NDK_E_NET_NO_CONTEXT, a->peer + " accepted none of the " + std::to_string(count) +
                                                              " presentation contexts proposed");
        }
        result = a.release();
        return NDK_OK;
    });
    return result;
}

extern "C" void ndk_assoc_close(ndk_assoc *a, int32_t abort) {
    if (!a) return;
    try {
        if (a->assoc) {
            OFCondition c = abort ? EC_Normal : ASC_releaseAssociation(a->assoc);
            if (abort || c.bad()) ASC_abortAssociation(a->assoc);
            ASC_destroyAssociation(&a->assoc);
        }
        if (a->net) ASC_dropNetwork(&a->net);
    } catch (...) {
    }
    delete a;
}

extern "C" int32_t ndk_assoc_accepted(ndk_assoc *a, const char *abstractSyntax, const char *transferSyntax, char out[72]) {
    try {
        if (!a || !a->assoc || !abstractSyntax) return NDK_E_ARGUMENT;
        T_ASC_PresentationContextID id = acceptedContext(a->assoc, abstractSyntax, transferSyntax);
        if (id == 0) return NDK_E_NET_NO_CONTEXT;
        T_ASC_PresentationContext pc;
        if (ASC_findAcceptedPresentationContext(a->assoc->params, id, &pc).bad()) return NDK_E_NET_NO_CONTEXT;
        if (out) std::snprintf(out, 72, "%s", pc.acceptedTransferSyntax);
        return NDK_OK;
    } catch (...) {
        return NDK_E_INTERNAL;
    }
}

extern "C" int32_t ndk_assoc_echo(ndk_assoc *a, uint16_t *status, ndk_error *error) {
    return ndk::guarded(error, "C-ECHO", [&]() -> int32_t {
        if (!a || !a->assoc) return ndk::fail(error, NDK_E_ARGUMENT, "C-ECHO: no association");
        DIC_US s = 0;
        DcmDataset *detail = nullptr;
        OFCondition c = DIMSE_echoUser(a->assoc, a->assoc->nextMsgID++, ndk::blocking(a->dimseTimeout), a->dimseTimeout, &s, &detail);
        delete detail;
        if (c.bad()) return ndk::netFail(error, c, a->peer, "C-ECHO");
        if (status) *status = s;
        return NDK_OK;
    });
}

extern "C" int32_t ndk_read_store_identity(const char *path, char sopClass[72], char sopInstance[72], char transferSyntax[72],
                                           ndk_error *error) {
    return ndk::guarded(error, "read", [&]() -> int32_t {
        if (!path || !sopClass || !sopInstance || !transferSyntax) return ndk::fail(error, NDK_E_ARGUMENT, "read: null argument");
        DcmFileFormat file;
        OFCondition c = file.loadFileUntilTag(OFFilename(path), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect,
                                              DcmTagKey(0x0008, 0x0019));
        if (c.bad()) return ndk::fail(error, NDK_E_PARSE, std::string("not a readable DICOM file: ") + c.text());
        OFString klass, instance;
        file.getDataset()->findAndGetOFString(DCM_SOPClassUID, klass);
        file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, instance);
        DcmXfer xfer(file.getDataset()->getOriginalXfer());
        std::snprintf(sopClass, 72, "%s", klass.c_str());
        std::snprintf(sopInstance, 72, "%s", instance.c_str());
        std::snprintf(transferSyntax, 72, "%s", xfer.getXfer() == EXS_Unknown ? "" : xfer.getXferID());
        return NDK_OK;
    });
}

extern "C" int32_t ndk_assoc_store_file(ndk_assoc *a, const char *path, int32_t decompress, uint16_t *status, ndk_error *error) {
    return ndk::guarded(error, "C-STORE", [&]() -> int32_t {
        if (!a || !a->assoc || !path) return ndk::fail(error, NDK_E_ARGUMENT, "C-STORE: null argument");
        DcmFileFormat file;
        OFCondition c = file.loadFile(OFFilename(path));
        if (c.bad()) return ndk::fail(error, NDK_E_PARSE, std::string(path) + ": not a readable DICOM file: " + c.text());
        DcmDataset *dataset = file.getDataset();
        OFString sopClass, sopInstance;
        dataset->findAndGetOFString(DCM_SOPClassUID, sopClass);
        dataset->findAndGetOFString(DCM_SOPInstanceUID, sopInstance);
        if (sopClass.empty() || sopInstance.empty())
            return ndk::fail(error, NDK_E_ARGUMENT, std::string(path) + ": no SOPClassUID or SOPInstanceUID; nothing to store");
        E_TransferSyntax xfer = dataset->getOriginalXfer();
        DcmXfer original(xfer);
        T_ASC_PresentationContextID id = acceptedContext(a->assoc, sopClass.c_str(), original.getXferID());
        if (id == 0 && !isUncompressed(xfer) && decompress) {
            // Asked to: decode to explicit little endian (JPEG, RLE and deflate decoders are
            // registered) and send in an accepted uncompressed syntax.
            T_ASC_PresentationContextID plain = acceptedContext(a->assoc, sopClass.c_str(), UID_LittleEndianExplicitTransferSyntax);
            if (plain == 0) plain = acceptedContext(a->assoc, sopClass.c_str(), UID_LittleEndianImplicitTransferSyntax);
            if (plain != 0) {
                c = dataset->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
                if (c.bad() || !dataset->canWriteXfer(EXS_LittleEndianExplicit)) {
                    return ndk::fail(error, NDK_E_UNSUPPORTED, std::string(path) + ": cannot decompress " + original.getXferName() +
                                                                   " for a peer that does not accept it" + (c.bad() ? std::string(": ") + c.text() : ""));
                }
                id = plain;
            }
        }
        if (id == 0 && isUncompressed(xfer)) {
            // An uncompressed file goes in any uncompressed syntax the peer accepted.
            for (E_TransferSyntax alt : {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit, EXS_BigEndianExplicit}) {
                id = acceptedContext(a->assoc, sopClass.c_str(), DcmXfer(alt).getXferID());
                if (id) break;
            }
        }
        if (id == 0) {
            return ndk::fail(error, NDK_E_NET_NO_CONTEXT, std::string(path) + ": " + a->peer + " accepted no presentation context for SOP class " +
                                                             sopClass.c_str() + " in transfer syntax " + original.getXferName() +
                                                             " (" + original.getXferID() + ")");
        }
        T_DIMSE_C_StoreRQ request;
        std::memset(&request, 0, sizeof(request));
        request.MessageID = a->assoc->nextMsgID++;
        OFStandard::strlcpy(request.AffectedSOPClassUID, sopClass.c_str(), sizeof(request.AffectedSOPClassUID));
        OFStandard::strlcpy(request.AffectedSOPInstanceUID, sopInstance.c_str(), sizeof(request.AffectedSOPInstanceUID));
        request.DataSetType = DIMSE_DATASET_PRESENT;
        request.Priority = DIMSE_PRIORITY_MEDIUM;
        T_DIMSE_C_StoreRSP response;
        std::memset(&response, 0, sizeof(response));
        DcmDataset *detail = nullptr;
        c = DIMSE_storeUser(a->assoc, id, &request, nullptr, dataset, nullptr, nullptr, ndk::blocking(a->dimseTimeout), a->dimseTimeout,
                            &response, &detail);
        delete detail;
        if (c.bad()) return ndk::netFail(error, c, a->peer, std::string("C-STORE of ") + path);
        if (status) *status = response.DimseStatus;
        return NDK_OK;
    });
}
