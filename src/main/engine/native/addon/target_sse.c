// The fused kernels for sse (16-byte vectors); flags in binding.gyp.
#define GL_TARGET sse
#define GL_VBYTES 16
#include "native_target.h"
