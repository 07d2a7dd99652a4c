// ISO 2022 Japanese text (SpecificCharacterSet ISO 2022 IR 13 / IR 87 / IR 159), which
// Debian's DCMTK cannot convert (glibc iconv has no such DICOM code extension): the
// escape sequences are interpreted here, the text re-encoded as EUC-JP, and glibc's
// EUC-JP converter gives UTF-8. PS3.5 6.1.2.5 and annex H.
#include "BridgeInternal.hpp"

#include <iconv.h>

namespace {

enum class Set { ascii, romaji, katakana, jis0208, jis0212 };

/// DICOM ISO 2022 bytes to EUC-JP bytes; `defaultG0` is the first charset term's G0.
std::string toEUCJP(const std::string &in, bool defaultKatakanaG1) {
    std::string out;
    Set g0 = Set::ascii;
    bool g1Katakana = defaultKatakanaG1;
    for (size_t i = 0; i < in.size();) {
        auto b = static_cast<uint8_t>(in[i]);
        if (b == 0x1B) {
            std::string esc = in.substr(i + 1, 3);
            if (esc.rfind("(B", 0) == 0) { g0 = Set::ascii; i += 3; continue; }
            if (esc.rfind("(J", 0) == 0) { g0 = Set::romaji; i += 3; continue; }
            if (esc.rfind(")I", 0) == 0) { g1Katakana = true; i += 3; continue; }
            if (esc.rfind("$B", 0) == 0 || esc.rfind("$@", 0) == 0) { g0 = Set::jis0208; i += 3; continue; }
            if (esc == "$(D") { g0 = Set::jis0212; i += 4; continue; }
            out.push_back(static_cast<char>(b));  // unknown escape: keep it
            i++;
            continue;
        }
        if (b < 0x21 || b == 0x7F) {  // controls and space end a multi-byte run (PS3.5 6.1.2.5.3)
            out.push_back(static_cast<char>(b));
            if (b == 0x0D || b == 0x0A || b == 0x09 || b == 0x0C) g0 = Set::ascii;
            i++;
            continue;
        }
        if (b >= 0x80) {
            if (g1Katakana && b >= 0xA1 && b <= 0xDF) { out.push_back('\x8E'); out.push_back(static_cast<char>(b)); }
            else out.push_back('?');
            i++;
            continue;
        }
        if ((g0 == Set::jis0208 || g0 == Set::jis0212) && i + 1 < in.size()) {
            if (g0 == Set::jis0212) out.push_back('\x8F');
            out.push_back(static_cast<char>(b | 0x80));
            out.push_back(static_cast<char>(static_cast<uint8_t>(in[i + 1]) | 0x80));
            i += 2;
            continue;
        }
        out.push_back(static_cast<char>(b));
        i++;
    }
    return out;
}

bool eucToUTF8(const std::string &euc, std::string &utf8) {
    iconv_t cd = iconv_open("UTF-8", "EUC-JP");
    if (cd == reinterpret_cast<iconv_t>(-1)) return false;
    std::string out(euc.size() * 3 + 16, '\0');
    char *inPtr = const_cast<char *>(euc.data());
    size_t inLeft = euc.size();
    char *outPtr = &out[0];
    size_t outLeft = out.size();
    size_t r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft);
    iconv_close(cd);
    if (r == static_cast<size_t>(-1)) return false;
    out.resize(out.size() - outLeft);
    utf8.swap(out);
    return true;
}

bool convertItem(DcmItem *item, bool katakanaG1, int depth) {
    if (!item || depth > 64) return true;
    bool ok = true;
    for (unsigned long i = 0; i < item->card(); i++) {
        DcmElement *e = item->getElement(i);
        DcmEVR vr = e->ident();
        if (vr == EVR_SQ) {
            auto *sq = static_cast<DcmSequenceOfItems *>(e);
            for (unsigned long j = 0; j < sq->card(); j++) ok = convertItem(sq->getItem(j), katakanaG1, depth + 1) && ok;
            continue;
        }
        if (vr != EVR_SH && vr != EVR_LO && vr != EVR_ST && vr != EVR_LT && vr != EVR_UT && vr != EVR_PN && vr != EVR_UC) continue;
        char *raw = nullptr;
        Uint32 length = 0;
        if (e->getString(raw, length).bad() || !raw || length == 0) continue;
        std::string utf8;
        if (!eucToUTF8(toEUCJP(std::string(raw, length), katakanaG1), utf8)) { ok = false; continue; }
        if (e->putString(utf8.c_str(), static_cast<Uint32>(utf8.size())).bad()) ok = false;
    }
    return ok;
}

}  // namespace

namespace ndk {

/// Converts ISO 2022 Japanese text in `dataset` to UTF-8; false when the charset is not
/// Japanese ISO 2022 or some text would not convert.
bool convertJapaneseToUTF8(DcmDataset *dataset, const std::string &charset) {
    if (charset.find("ISO 2022 IR 87") == std::string::npos && charset.find("ISO 2022 IR 159") == std::string::npos &&
        charset.find("ISO 2022 IR 13") == std::string::npos)
        return false;
    bool katakanaG1 = charset.rfind("ISO 2022 IR 13", 0) == 0 || charset.rfind("ISO_IR 13", 0) == 0;
    return convertItem(dataset, katakanaG1, 0);
}

}  // namespace ndk
