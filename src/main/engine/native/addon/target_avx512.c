// The fused kernels for avx512 (64-byte vectors); flags in binding.gyp.
#define GL_TARGET avx512
#define GL_VBYTES 64
#include "native_target.h"
