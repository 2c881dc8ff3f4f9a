// The fused kernels for avx2 (32-byte vectors); flags in binding.gyp.
#define GL_TARGET avx2
#define GL_VBYTES 32
#include "native_target.h"
