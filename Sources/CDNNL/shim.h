// oneDNN's C API (Debian 12's libdnnl-dev 2.6, OpenMP threading; it ships no dnnl.pc).
#include <oneapi/dnnl/dnnl.h>
