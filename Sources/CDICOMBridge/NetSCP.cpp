// The storage SCP: accepts associations (checking the called and calling AE titles
// ourselves: DcmSCP's checkCalledAETitleAccepted in 3.6.7 never rejects), answers C-ECHO
// and writes each C-STORE through the sink, one thread per association.
#include "NetInternal.hpp"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmtls/tlslayer.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

struct ndk_scp {
    T_ASC_Network *net = nullptr;
    std::string aeTitle;
    std::vector<std::string> allowed;
    uint32_t maxPDU = ASC_DEFAULTMAXPDU;
    int dimseTimeout = 60;
    uint32_t maxAssociations = 16;
    ndk_store_sink sink{};
    bool tls = false;
    std::atomic<bool> stopping{false};
    std::thread acceptor;
    std::mutex mutex;
    std::condition_variable idle;
    uint32_t active = 0;
};

namespace {

// Transfer syntaxes we accept, in order of preference; compressed ones are stored as
// they arrive (never decoded here).
const char *kTransferSyntaxes[] = {
    UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax, UID_BigEndianExplicitTransferSyntax,
    UID_DeflatedExplicitVRLittleEndianTransferSyntax, UID_JPEGProcess14SV1TransferSyntax, UID_JPEGProcess14TransferSyntax,
    UID_JPEGProcess1TransferSyntax, UID_JPEGProcess2_4TransferSyntax, UID_JPEGLSLosslessTransferSyntax, UID_JPEGLSLossyTransferSyntax,
    UID_JPEG2000LosslessOnlyTransferSyntax, UID_JPEG2000TransferSyntax, UID_RLELosslessTransferSyntax,
};

std::string trimmed(const char *s) {
    std::string t(s ? s : "");
    while (!t.empty() && t.back() == ' ') t.pop_back();
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    return t;
}

void reject(T_ASC_Association *assoc, T_ASC_RejectParametersResult result, T_ASC_RejectParametersSource source,
            T_ASC_RejectParametersReason reason) {
    T_ASC_RejectParameters parameters = {result, source, reason};
    ASC_rejectAssociation(assoc, &parameters);
    ASC_dropAssociation(assoc);
    ASC_destroyAssociation(&assoc);
}

void serveMessages(ndk_scp *scp, T_ASC_Association *assoc, const std::string &calling);

// The thread of one association: no exception may leave it (it would end the process).
void serve(ndk_scp *scp, T_ASC_Association *assoc, std::string calling) {
    try {
        serveMessages(scp, assoc, calling);
    } catch (...) {
        try { ASC_abortAssociation(assoc); ASC_destroyAssociation(&assoc); } catch (...) {}
    }
    std::lock_guard<std::mutex> lock(scp->mutex);
    scp->active--;
    scp->idle.notify_all();
}

void serveMessages(ndk_scp *scp, T_ASC_Association *assoc, const std::string &calling) {
    int idleSeconds = 0;
    std::string end = "released";
    while (true) {
        if (scp->stopping.load()) { end = "aborted (listener stopping)"; ASC_abortAssociation(assoc); break; }
        T_DIMSE_Message message;
        T_ASC_PresentationContextID presID = 0;
        OFCondition c = DIMSE_receiveCommand(assoc, DIMSE_NONBLOCKING, 1, &presID, &message, nullptr);
        if (c == DIMSE_NODATAAVAILABLE) {
            if (++idleSeconds >= scp->dimseTimeout) { end = "aborted (idle)"; ASC_abortAssociation(assoc); break; }
            continue;
        }
        idleSeconds = 0;
        if (c == DUL_PEERREQUESTEDRELEASE) { ASC_acknowledgeRelease(assoc); break; }
        if (c.bad()) { end = std::string("ended: ") + c.text(); ASC_abortAssociation(assoc); break; }
        if (message.CommandField == DIMSE_C_ECHO_RQ) {
            c = DIMSE_sendEchoResponse(assoc, presID, &message.msg.CEchoRQ, STATUS_Success, nullptr);
        } else if (message.CommandField == DIMSE_C_STORE_RQ) {
            bool stored = false;
            c = ndk::receiveStore(assoc, presID, message.msg.CStoreRQ, &scp->sink, calling, scp->dimseTimeout, &stored);
        } else {
            end = "aborted (unsupported command " + std::to_string(message.CommandField) + ")";
            ASC_abortAssociation(assoc);
            break;
        }
        if (c.bad()) { end = std::string("ended: ") + c.text(); ASC_abortAssociation(assoc); break; }
    }
    ndk::notify(&scp->sink, NDK_LOG_INFO, "association from " + calling + " " + end);
    ASC_dropSCPAssociation(assoc);
    ASC_destroyAssociation(&assoc);
}

void accept(ndk_scp *scp, T_ASC_Association *assoc) {
    char callingAE[65] = {0}, calledAE[65] = {0};
    ASC_getAPTitles(assoc->params, callingAE, sizeof(callingAE), calledAE, sizeof(calledAE), nullptr, 0);
    std::string calling = trimmed(callingAE), called = trimmed(calledAE);
    if (called != scp->aeTitle) {
        ndk::notify(&scp->sink, NDK_LOG_WARNING, "rejected an association from " + calling + ": called AE title '" + called +
                                                     "' is not ours ('" + scp->aeTitle + "')");
        return reject(assoc, ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED);
    }
    if (!scp->allowed.empty() && std::find(scp->allowed.begin(), scp->allowed.end(), calling) == scp->allowed.end()) {
        ndk::notify(&scp->sink, NDK_LOG_WARNING, "rejected an association from " + calling + ": calling AE title not allowed");
        return reject(assoc, ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED);
    }
    {
        std::lock_guard<std::mutex> lock(scp->mutex);
        if (scp->active >= scp->maxAssociations) {
            ndk::notify(&scp->sink, NDK_LOG_WARNING, "rejected an association from " + calling + ": " +
                                                         std::to_string(scp->maxAssociations) + " associations already open");
            return reject(assoc, ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
                          ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED);
        }
    }
    std::vector<const char *> abstract = {UID_VerificationSOPClass};
    for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs; i++) abstract.push_back(dcmAllStorageSOPClassUIDs[i]);
    const int syntaxCount = static_cast<int>(sizeof(kTransferSyntaxes) / sizeof(kTransferSyntaxes[0]));
    OFCondition c = ASC_acceptContextsWithPreferredTransferSyntaxes(assoc->params, abstract.data(), static_cast<int>(abstract.size()),
                                                                    kTransferSyntaxes, syntaxCount);
    if (c.good()) c = ASC_acknowledgeAssociation(assoc);
    if (c.bad()) {
        ndk::notify(&scp->sink, NDK_LOG_WARNING, "association from " + calling + " failed: " + c.text());
        ASC_dropAssociation(assoc);
        ASC_destroyAssociation(&assoc);
        return;
    }
    ndk::notify(&scp->sink, NDK_LOG_INFO, "accepted an association from " + calling + " (" +
                                              std::to_string(ASC_countAcceptedPresentationContexts(assoc->params)) + " contexts)");
    {
        std::lock_guard<std::mutex> lock(scp->mutex);
        scp->active++;
    }
    try {
        std::thread(serve, scp, assoc, calling).detach();
    } catch (...) {
        std::lock_guard<std::mutex> lock(scp->mutex);
        scp->active--;
        ASC_abortAssociation(assoc);
        ASC_destroyAssociation(&assoc);
    }
}

void acceptLoop(ndk_scp *scp) {
    while (!scp->stopping.load()) try {
        T_ASC_Association *assoc = nullptr;
        OFCondition c = ASC_receiveAssociation(scp->net, &assoc, scp->maxPDU, nullptr, nullptr, scp->tls ? OFTrue : OFFalse, DUL_NOBLOCK, 1);
        if (c.good()) {
            try { accept(scp, assoc); } catch (...) {}
            continue;
        }
        if (c != DUL_NOASSOCIATIONREQUEST) ndk::notify(&scp->sink, NDK_LOG_WARNING, std::string("receiving an association: ") + c.text());
        if (assoc) { ASC_dropAssociation(assoc); ASC_destroyAssociation(&assoc); }
    } catch (...) {
        // Keep accepting: one bad association must not end the listener thread.
    }
}

}  // namespace

extern "C" ndk_scp *ndk_scp_start(const ndk_scp_config *config, const ndk_store_sink *sink, ndk_error *error) {
    ndk_scp *result = nullptr;
    ndk::guarded(error, "listen", [&]() -> int32_t {
        if (!config || !config->ae_title || !sink || !sink->choose || (!config->allowed_calling && config->allowed_count > 0))
            return ndk::fail(error, NDK_E_ARGUMENT, "listen: null argument");
        auto scp = std::make_unique<ndk_scp>();
        scp->aeTitle = trimmed(config->ae_title);
        for (size_t i = 0; i < config->allowed_count; i++) scp->allowed.push_back(trimmed(config->allowed_calling[i]));
        if (config->max_pdu) scp->maxPDU = config->max_pdu;
        if (config->dimse_timeout > 0) scp->dimseTimeout = config->dimse_timeout;
        if (config->max_associations) scp->maxAssociations = config->max_associations;
        scp->sink = *sink;
        OFCondition c = ASC_initializeNetwork(NET_ACCEPTOR, config->port, config->acse_timeout > 0 ? config->acse_timeout : 30, &scp->net);
        if (c.bad()) return ndk::fail(error, NDK_E_NET_BIND, "cannot listen on port " + std::to_string(config->port) + ": " + c.text());
        if (config->tls_certificate && *config->tls_certificate) {
            auto *layer = new DcmTLSTransportLayer(NET_ACCEPTOR, nullptr, OFTrue);
            std::string step;
            if (layer->setPrivateKeyFile(config->tls_private_key ? config->tls_private_key : "", DCF_Filetype_PEM).bad()) step = "reading the TLS private key";
            else if (layer->setCertificateFile(config->tls_certificate, DCF_Filetype_PEM).bad()) step = "reading the TLS certificate";
            else if (!layer->checkPrivateKeyMatchesCertificate()) step = "matching the TLS private key to the certificate";
            else if (layer->setTLSProfile(TSP_Profile_BCP195).bad() || layer->activateCipherSuites().bad()) step = "setting the TLS ciphersuites";
            const bool trusted = config->tls_trusted_certificates && *config->tls_trusted_certificates;
            if (step.empty() && trusted && layer->addTrustedCertificateFile(config->tls_trusted_certificates, DCF_Filetype_PEM).bad())
                step = std::string("reading trusted certificates from ") + config->tls_trusted_certificates;
            if (!step.empty()) {
                delete layer;
                ASC_dropNetwork(&scp->net);
                return ndk::fail(error, NDK_E_ARGUMENT, "listen with TLS: failed " + step);
            }
            layer->setCertificateVerification(trusted ? DCV_requireCertificate : DCV_ignoreCertificate);
            c = ASC_setTransportLayer(scp->net, layer, 1);
            if (c.bad()) { ASC_dropNetwork(&scp->net); return ndk::fail(error, NDK_E_ARGUMENT, std::string("listen with TLS: ") + c.text()); }
            scp->tls = true;
        }
        scp->acceptor = std::thread(acceptLoop, scp.get());
        result = scp.release();
        return NDK_OK;
    });
    return result;
}

extern "C" void ndk_scp_stop(ndk_scp *scp) {
    if (!scp) return;
    try {
        scp->stopping.store(true);
        if (scp->acceptor.joinable()) scp->acceptor.join();
        std::unique_lock<std::mutex> lock(scp->mutex);
        scp->idle.wait(lock, [&] { return scp->active == 0; });
        lock.unlock();
        if (scp->net) ASC_dropNetwork(&scp->net);
    } catch (...) {
    }
    delete scp;
}
