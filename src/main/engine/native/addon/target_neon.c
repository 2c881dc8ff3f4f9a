// The fused kernels for neon (16-byte vectors); flags in binding.gyp.
#define GL_TARGET neon
#define GL_VBYTES 16
#include "native_target.h"
