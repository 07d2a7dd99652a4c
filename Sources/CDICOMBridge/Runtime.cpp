// Initialization: the data dictionary, DCMTK's decoders, and the routing of DCMTK's and
// GDCM's diagnostics to the toolkit's log handler instead of stderr.
#include "BridgeInternal.hpp"

#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/appender.h>
#include <dcmtk/oflog/spi/logevent.h>
#include <gdcm-3.0/gdcmTrace.h>

#include <atomic>
#include <mutex>
#include <ostream>
#include <streambuf>

namespace {

std::atomic<bool> gInitialized{false};
std::mutex gInitMutex;
std::atomic<ndk_log_handler> gHandler{nullptr};
std::atomic<void *> gContext{nullptr};

/// A log4cplus appender that forwards DCMTK's log events to the handler.
class HandlerAppender : public dcmtk::log4cplus::Appender {
  public:
    HandlerAppender() {}
    ~HandlerAppender() override { destructorImpl(); }
    void close() override {}

  protected:
    void append(const dcmtk::log4cplus::spi::InternalLoggingEvent &event) override {
        int32_t level = NDK_LOG_DEBUG;
        auto l = event.getLogLevel();
        if (l >= dcmtk::log4cplus::ERROR_LOG_LEVEL) level = NDK_LOG_ERROR;
        else if (l >= dcmtk::log4cplus::WARN_LOG_LEVEL) level = NDK_LOG_WARNING;
        else if (l >= dcmtk::log4cplus::INFO_LOG_LEVEL) level = NDK_LOG_INFO;
        ndk::log(level, std::string("DCMTK: ") + event.getMessage().c_str());
    }
};

/// A stream buffer that forwards GDCM's trace output, line by line, to the handler.
class HandlerStreamBuf : public std::streambuf {
  public:
    explicit HandlerStreamBuf(int32_t level) : level_(level) {}

  protected:
    int overflow(int c) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (c == EOF) return 0;
        if (c == '\n') { flushLine(); } else { line_.push_back(static_cast<char>(c)); }
        return c;
    }
    std::streamsize xsputn(const char *s, std::streamsize n) override {
        for (std::streamsize i = 0; i < n; i++) overflow(static_cast<unsigned char>(s[i]));
        return n;
    }

  private:
    void flushLine() {
        if (!line_.empty()) ndk::log(level_, "GDCM: " + line_);
        line_.clear();
    }
    int32_t level_;
    std::string line_;
    std::mutex mutex_;
};

HandlerStreamBuf gGdcmWarnings(NDK_LOG_WARNING);
HandlerStreamBuf gGdcmErrors(NDK_LOG_ERROR);
std::ostream gGdcmWarningStream(&gGdcmWarnings);
std::ostream gGdcmErrorStream(&gGdcmErrors);

}  // namespace

bool ndk::initialized() { return gInitialized.load(); }

void ndk::log(int32_t level, const std::string &message) {
    ndk_log_handler handler = gHandler.load();
    if (handler) handler(level, message.c_str(), gContext.load());
}

extern "C" int32_t ndk_initialize(ndk_log_handler handler, void *context, ndk_error *error) {
    try {
        ndk::clear(error);
        std::lock_guard<std::mutex> lock(gInitMutex);
        gHandler.store(handler);
        gContext.store(context);
        if (gInitialized.load()) return NDK_OK;
        // DCMTK logs through log4cplus: replace the root logger's console appender.
        dcmtk::log4cplus::Logger root = dcmtk::log4cplus::Logger::getRoot();
        root.removeAllAppenders();
        root.addAppender(dcmtk::log4cplus::SharedAppenderPtr(new HandlerAppender()));
        root.setLogLevel(dcmtk::log4cplus::WARN_LOG_LEVEL);
        // The dictionary loads on first use: after the appender, so its errors are logged.
        if (!dcmDataDict.isDictionaryLoaded()) {
            const char *env = std::getenv("DCMDICTPATH");
            return ndk::fail(error, NDK_E_DICTIONARY,
                             std::string("DCMTK's data dictionary is not loaded (looked in ") +
                                 (env ? env : DCM_DICT_DEFAULT_PATH) +
                                 "); install Debian's libdcmtk17 or set DCMDICTPATH to dicom.dic");
        }
        // GDCM traces to std::cerr unless given streams.
        gdcm::Trace::SetDebug(false);
        gdcm::Trace::SetWarningStream(gGdcmWarningStream);
        gdcm::Trace::SetErrorStream(gGdcmErrorStream);
        gdcm::Trace::SetDebugStream(gGdcmWarningStream);
        // Real files: UN elements whose VR the dictionary knows (e.g. a sequence sent as UN)
        // are re-read with that VR; a dataset switching to implicit VR against its meta
        // header is followed, as pydicom does.
        dcmEnableUnknownVRConversion.set(OFTrue);
        dcmAcceptUnexpectedImplicitEncoding.set(OFTrue);
        // Decoders: JPEG (baseline, extended, lossless) and RLE. Never dcmjpls (see DESIGN).
        DJDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
        gInitialized.store(true);
        return NDK_OK;
    } catch (...) {
        return ndk::fail(error, NDK_E_INTERNAL, "initializing DCMTK/GDCM raised an exception");
    }
}

extern "C" void ndk_free(void *buffer) { std::free(buffer); }
