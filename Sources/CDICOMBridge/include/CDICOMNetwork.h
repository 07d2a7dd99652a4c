/*
 * CDICOMBridge networking: DICOM associations over DCMTK's dcmnet, behind plain C.
 * Same rules as CDICOMBridge.h: every call takes an `ndk_error *` and returns 0 or an
 * NDK_E_* code with a message naming the peer and the step that failed; no C++
 * exception crosses; handles are opaque. Included by CDICOMBridge.h.
 */
#ifndef NODULEKIT_CDICOMNETWORK_H
#define NODULEKIT_CDICOMNETWORK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Network error codes (beside NDK_E_* of CDICOMBridge.h). */
enum {
    NDK_E_NET_CONNECT = 20,     /* TCP connection failed (refused, unreachable, timed out) */
    NDK_E_NET_REJECTED = 21,    /* the peer rejected the association (reason in the message) */
    NDK_E_NET_ABORTED = 22,     /* the peer aborted, or the connection closed mid-operation */
    NDK_E_NET_TIMEOUT = 23,     /* no DIMSE response within the timeout */
    NDK_E_NET_NO_CONTEXT = 24,  /* no accepted presentation context for this SOP class / syntax */
    NDK_E_NET_PROTOCOL = 25,    /* any other DIMSE/ACSE failure */
    NDK_E_NET_BIND = 26         /* the listener cannot bind its port */
};

/* Where and how to connect. Timeouts in seconds (0: DCMTK's default / none). */
typedef struct ndk_net_config {
    const char *host;
    uint16_t port;
    const char *calling_ae;
    const char *called_ae;
    uint32_t max_pdu;           /* maximum PDU we receive (0: 16384) */
    int32_t connect_timeout;    /* process-wide in dcmnet (dcmConnectionTimeout) */
    int32_t acse_timeout;
    int32_t dimse_timeout;
    /* TLS (DICOM PS3.15 B.1, through dcmtls/OpenSSL): on when tls_trusted_certificates
     * (PEM, the peer's certificate or its CA) is given; our own certificate and key
     * (PEM) only when the peer requires one; tls_verify 0 accepts any peer certificate. */
    const char *tls_trusted_certificates;
    const char *tls_certificate;
    const char *tls_private_key;
    int32_t tls_verify;
} ndk_net_config;

/*
 * Sets TCP_NODELAY for every association opened afterwards, both directions. dcmnet
 * 3.6.7 (built without DISABLE_NAGLE_ALGORITHM, as Debian's is) reads the environment
 * variable TCP_NODELAY each time it creates a socket and leaves Nagle on otherwise;
 * this sets that variable (unless the user already did) before the first association.
 */
void ndk_net_set_tcp_nodelay(int32_t enabled);

/* A presentation context to propose: an abstract syntax, transfer syntaxes separated
 * by '\\', and whether we propose the SCP role for it (SCP/SCU role selection with
 * SCP-role 1, SCU-role 0, as getscu does: the storage contexts of a C-GET; dcmqrscp
 * sends C-GET sub-operations on no other). */
typedef struct ndk_context {
    const char *abstract_syntax;
    const char *transfer_syntaxes;
    int32_t scp_role;
} ndk_context;

typedef struct ndk_assoc ndk_assoc;

/* Connects and negotiates (at most 128 contexts). */
ndk_assoc *ndk_assoc_request(const ndk_net_config *config, const ndk_context *contexts, size_t count, ndk_error *error);

/* Releases the association (or aborts it when `abort` is non-zero) and frees it. */
void ndk_assoc_close(ndk_assoc *assoc, int32_t abort);

/* The transfer syntax the peer accepted for `abstract_syntax` (any, when `transfer_syntax`
 * is NULL; that one exactly otherwise) into `out` (72 bytes); 0 when found. */
int32_t ndk_assoc_accepted(ndk_assoc *assoc, const char *abstract_syntax, const char *transfer_syntax, char out[72]);

/* C-ECHO. `status` receives the DIMSE status. */
int32_t ndk_assoc_echo(ndk_assoc *assoc, uint16_t *status, ndk_error *error);

/* What a C-STORE of `path` needs, read cheaply (parsing stops after SOPInstanceUID):
 * SOPClassUID, SOPInstanceUID and the transfer syntax, each into 72 bytes. */
int32_t ndk_read_store_identity(const char *path, char sop_class[72], char sop_instance[72], char transfer_syntax[72],
                                ndk_error *error);

/* C-STORE of one file, in its own transfer syntax when the peer accepted it, else in an
 * accepted uncompressed one when the file is uncompressed, or (with `decompress`) when
 * the file's compression can be decoded here (JPEG, RLE, deflate); NDK_E_NET_NO_CONTEXT
 * otherwise. */
int32_t ndk_assoc_store_file(ndk_assoc *assoc, const char *path, int32_t decompress, uint16_t *status, ndk_error *error);

/* Receives one dataset (DICOM bytes of a bare dataset, explicit VR little endian). */
typedef void (*ndk_dataset_handler)(void *context, const uint8_t *bytes, size_t length);

/* C-FIND with `query` (a bare dataset as written by ndk_writer_encode) under
 * `sop_class`; each pending response's identifier goes to `handler`. */
int32_t ndk_assoc_find(ndk_assoc *assoc, const char *sop_class, const uint8_t *query, size_t query_length,
                       ndk_dataset_handler handler, void *context, uint16_t *status, ndk_error *error);

/* Sub-operation counts of the final C-MOVE / C-GET response. */
typedef struct ndk_retrieve_result {
    uint16_t status;
    uint32_t completed, failed, warning, remaining;
    uint32_t received;  /* C-GET: instances we stored */
} ndk_retrieve_result;

/* Chooses the file an incoming instance is written to, or refuses it. Writes the path
 * (or, returning non-zero, why it is refused) into `out` of `capacity` bytes. */
typedef int32_t (*ndk_store_chooser)(void *context, const char *calling_ae, const char *study_uid,
                                     const char *series_uid, const char *sop_instance_uid, char *out, size_t capacity);
/* Told what happened to each incoming instance or association: level NDK_LOG_*, a line. */
typedef void (*ndk_store_notifier)(void *context, int32_t level, const char *message);

/* Where received instances go: files are written to a temporary name beside the chosen
 * path and renamed when whole, in the transfer syntax they arrived in. */
typedef struct ndk_store_sink {
    ndk_store_chooser choose;
    ndk_store_notifier notify;
    void *context;
} ndk_store_sink;

/* C-MOVE of `query` to `destination_ae` (a third party, or our own listener). */
int32_t ndk_assoc_move(ndk_assoc *assoc, const char *sop_class, const char *destination_ae, const uint8_t *query,
                       size_t query_length, ndk_retrieve_result *result, ndk_error *error);

/* C-GET of `query`: the peer's C-STORE sub-operations arrive on this association (the
 * storage contexts must have been proposed with scp_role) and go to `sink`. */
int32_t ndk_assoc_get(ndk_assoc *assoc, const char *sop_class, const uint8_t *query, size_t query_length,
                      const ndk_store_sink *sink, ndk_retrieve_result *result, ndk_error *error);

/* A storage SCP (C-ECHO and C-STORE), one thread per association. */
typedef struct ndk_scp_config {
    uint16_t port;
    const char *ae_title;             /* the called AE title we answer to (others rejected) */
    const char *const *allowed_calling; /* calling AE titles accepted; none given: any */
    size_t allowed_count;
    uint32_t max_pdu;
    int32_t acse_timeout;
    int32_t dimse_timeout;            /* idle seconds before an association is aborted (0: 60) */
    uint32_t max_associations;        /* at once (0: 16) */
    /* TLS: on when tls_certificate and tls_private_key (PEM) are given; peers must then
     * present a certificate verifying against tls_trusted_certificates when given. */
    const char *tls_certificate;
    const char *tls_private_key;
    const char *tls_trusted_certificates;
} ndk_scp_config;

typedef struct ndk_scp ndk_scp;

/* Binds the port and starts accepting. */
ndk_scp *ndk_scp_start(const ndk_scp_config *config, const ndk_store_sink *sink, ndk_error *error);

/* Stops accepting, aborts open associations after their current message (a file being
 * received is discarded, never left half-written) and frees the listener. */
void ndk_scp_stop(ndk_scp *scp);

/* Encodes the writer's dataset (no meta header) as explicit VR little endian into a
 * buffer freed with ndk_free. */
struct ndk_writer;
int32_t ndk_writer_encode(struct ndk_writer *writer, uint8_t **out_bytes, size_t *out_length, ndk_error *error);

#ifdef __cplusplus
}
#endif

#endif
