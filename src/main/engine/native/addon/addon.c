// GateLab's fused LSTM/GRU/RNN kernels as a Node-API module (plain node_api.h, so one binary serves Node and
// Electron). The kernels are built once per vector ISA (target_<isa>.c, each with its own compiler flags in
// binding.gyp); at load time the CPU is asked what it runs (CPUID through __builtin_cpu_supports, which also checks
// that the OS saves the wide registers) and the widest target is chosen. JavaScript owns the memory: every call
// passes an ArrayBuffer and the kernel's integer arguments and byte offsets into it, exactly as it calls the
// WebAssembly exports (src/main/engine/native/index.ts).
//
// exports.targets: the targets compiled in AND supported by this CPU, widest first, e.g. ["avx2", "sse"].
// exports.call(target, fn, buffer, ...args): runs kernel `fn` (0 gemm_nn, 1 lstm_forward, 2 lstm_backward,
//   3 gru_after_forward, 4 gru_after_backward, 5 gru_before_forward, 6 gru_before_backward, 7 rnn_forward,
//   8 rnn_backward) of target index `target` (into exports.targets).
// exports.step(fn, buffer, ...args): the whole training step's own loops (fused/kernels/step.c: 0 head forward, 1 head
//   backward, 2 sum of squares, 3 Adam, 4 RMSprop, 5 momentum, 6 SGD), one build for every target; numbers as doubles.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int (*gatelab_call_fn)(int fn, char *base, const int64_t *a, int n);

#if defined(__x86_64__) || defined(_M_X64)
int gatelab_call_avx512(int, char *, const int64_t *, int);
int gatelab_call_avx2(int, char *, const int64_t *, int);
int gatelab_call_sse(int, char *, const int64_t *, int);
static const struct { const char *name; gatelab_call_fn call; } all_targets[] = {
  {"avx512", gatelab_call_avx512}, {"avx2", gatelab_call_avx2}, {"sse", gatelab_call_sse}};
static int supported(int i) {
  __builtin_cpu_init();
  switch (i) {
    case 0: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
    case 1: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default: return 1;  // SSE2 is part of x86-64
  }
}
#elif defined(__aarch64__) || defined(_M_ARM64)
int gatelab_call_neon(int, char *, const int64_t *, int);
static const struct { const char *name; gatelab_call_fn call; } all_targets[] = {{"neon", gatelab_call_neon}};
static int supported(int i) { (void)i; return 1; }  // NEON is part of ARMv8-A
#else
#error "GateLab's native kernels are built for x86-64 and ARM64; elsewhere the WebAssembly kernels run"
#endif

#define TARGET_COUNT ((int)(sizeof all_targets / sizeof all_targets[0]))
#define MAX_ARGS 32

// The targets this CPU runs, per Node-API environment (main thread, each worker thread): instance data, so a module
// loaded in several contexts neither shares nor appends to one table.
typedef struct {
  int count;
  gatelab_call_fn call[TARGET_COUNT];
} usable_targets;

static void free_targets(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

// The kernels' memory argument: an ArrayBuffer's data and length, or a thrown "buffer must be an ArrayBuffer" (false).
static bool get_buffer(napi_env env, napi_value value, void **data, size_t *length) {
  bool is_buffer = false;
  napi_is_arraybuffer(env, value, &is_buffer);
  if (is_buffer && napi_get_arraybuffer_info(env, value, data, length) == napi_ok) return true;
  fail(env, "buffer must be an ArrayBuffer");
  return false;
}

static napi_value call(napi_env env, napi_callback_info info) {
  size_t argc = MAX_ARGS + 3;
  napi_value argv[MAX_ARGS + 3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) return fail(env, "call(target, fn, buffer, ...args)");
  usable_targets *usable = NULL;
  if (napi_get_instance_data(env, (void **)&usable) != napi_ok || usable == NULL) return fail(env, "module not initialised");
  int32_t target, fn;
  if (napi_get_value_int32(env, argv[0], &target) != napi_ok || target < 0 || target >= usable->count) return fail(env, "no such target");
  if (napi_get_value_int32(env, argv[1], &fn) != napi_ok) return fail(env, "fn must be a number");
  void *data = NULL;
  size_t length = 0;
  if (!get_buffer(env, argv[2], &data, &length)) return NULL;
  int64_t a[MAX_ARGS];
  int n = (int)argc - 3;
  for (int i = 0; i < n; i++) {
    if (napi_get_value_int64(env, argv[3 + i], &a[i]) != napi_ok || a[i] < 0 || (uint64_t)a[i] > length) {
      return fail(env, "kernel arguments must be non-negative integers within the buffer");
    }
  }
  if (usable->call[target](fn, (char *)data, a, n) != 0) return fail(env, "unknown kernel or wrong number of arguments");
  return NULL;
}

int gatelab_step_call(int fn, char *base, size_t length, const double *a, int n);

// The step loops (src/main/engine/step): integer counts, byte offsets and float constants, all read as doubles;
// step.c checks every region against the buffer's length.
static napi_value step(napi_env env, napi_callback_info info) {
  size_t argc = MAX_ARGS + 2;
  napi_value argv[MAX_ARGS + 2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return fail(env, "step(fn, buffer, ...args)");
  int32_t fn;
  if (napi_get_value_int32(env, argv[0], &fn) != napi_ok) return fail(env, "fn must be a number");
  void *data = NULL;
  size_t length = 0;
  if (!get_buffer(env, argv[1], &data, &length)) return NULL;
  double a[MAX_ARGS];
  int n = (int)argc - 2;
  for (int i = 0; i < n; i++) {
    if (napi_get_value_double(env, argv[2 + i], &a[i]) != napi_ok) return fail(env, "step arguments must be numbers");
  }
  if (gatelab_step_call(fn, (char *)data, length, a, n) != 0) return fail(env, "unknown step loop, wrong number of arguments or a region outside the buffer");
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value targets, fn;
  usable_targets *usable = calloc(1, sizeof *usable);
  if (usable == NULL || napi_set_instance_data(env, usable, free_targets, NULL) != napi_ok) {
    free(usable);
    return fail(env, "out of memory");
  }
  napi_create_array(env, &targets);
  for (int i = 0; i < TARGET_COUNT; i++) {
    if (!supported(i)) continue;
    napi_value name;
    napi_create_string_utf8(env, all_targets[i].name, NAPI_AUTO_LENGTH, &name);
    napi_set_element(env, targets, (uint32_t)usable->count, name);
    usable->call[usable->count++] = all_targets[i].call;
  }
  napi_set_named_property(env, exports, "targets", targets);
  napi_create_function(env, "call", NAPI_AUTO_LENGTH, call, NULL, &fn);
  napi_set_named_property(env, exports, "call", fn);
  napi_create_function(env, "step", NAPI_AUTO_LENGTH, step, NULL, &fn);
  napi_set_named_property(env, exports, "step", fn);
  napi_value abi;
  napi_create_uint32(env, 1, &abi);
  napi_set_named_property(env, exports, "abi", abi);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
