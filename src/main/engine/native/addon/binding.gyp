# GateLab's native fused kernels (Node-API; built at install by scripts/native-kernels.mjs with node-gyp). One static
# library per vector ISA, each compiled with its own flags; addon.c picks the widest the CPU runs at load time.
{
  'variables': {
    'gl_cflags': ['-O3', '-std=gnu11', '-fno-math-errno', '-ffp-contract=fast', '-Wall', '-Wno-unused-function', '-Wno-attributes', '-fvisibility=hidden'],
  },
  'target_defaults': {
    'include_dirs': ['shim'],
    'cflags': ['<@(gl_cflags)'],
    'xcode_settings': {'OTHER_CFLAGS': ['<@(gl_cflags)']},
  },
  'targets': [
    {
      'target_name': 'gatelab_kernels',
      'sources': ['addon.c'],
      'cflags': ['-O2'],
      'dependencies': ['step_loops'],
      'conditions': [
        ['target_arch=="x64"', {'dependencies': ['kernels_sse', 'kernels_avx2', 'kernels_avx512']}],
        ['target_arch=="arm64"', {'dependencies': ['kernels_neon']}],
      ],
    },
    # The whole training step's own loops (engine/step), one build for every target; never contracted into FMAs
    # (step.c: the same bits as the WebAssembly build).
    {'target_name': 'step_loops', 'type': 'static_library', 'sources': ['../../fused/kernels/step.c'],
     'cflags': ['-fPIC', '-O3', '-ffp-contract=off'], 'xcode_settings': {'OTHER_CFLAGS': ['-O3', '-ffp-contract=off']}},
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {'target_name': 'kernels_sse', 'type': 'static_library', 'sources': ['target_sse.c'], 'cflags': ['-fPIC', '-O3'],
         'xcode_settings': {'OTHER_CFLAGS': ['-O3']}},
        {'target_name': 'kernels_avx2', 'type': 'static_library', 'sources': ['target_avx2.c'], 'cflags': ['-fPIC', '-O3', '-mavx2', '-mfma'],
         'xcode_settings': {'OTHER_CFLAGS': ['-O3', '-mavx2', '-mfma']}},
        {'target_name': 'kernels_avx512', 'type': 'static_library', 'sources': ['target_avx512.c'],
         'cflags': ['-fPIC', '-O3', '-mavx512f', '-mavx512vl', '-mavx2', '-mfma', '-mprefer-vector-width=512'],
         'xcode_settings': {'OTHER_CFLAGS': ['-O3', '-mavx512f', '-mavx512vl', '-mavx2', '-mfma']}},
      ],
    }],
    ['target_arch=="arm64"', {
      'targets': [
        {'target_name': 'kernels_neon', 'type': 'static_library', 'sources': ['target_neon.c'], 'cflags': ['-fPIC', '-O3']},
      ],
    }],
  ],
}
