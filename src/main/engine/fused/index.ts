/**
 * Fused LSTM / GRU / RNN layers for TF.js backed by WebAssembly SIMD kernels (docs/KERNELS.md). Importing this module
 * registers the layer classes for serialization, so models that contain them can be loaded with tf.loadLayersModel.
 */
export { FusedGRU, FusedLSTM, FusedSimpleRNN, INFERENCE_CHUNK, fusedBidirectional, fusedGRU, fusedLSTM, fusedSimpleRNN } from './layers'
export type { FusedGRUArgs, FusedLSTMArgs, FusedRecurrent, FusedRecurrentArgs } from './layers'
export { fusedRecurrent } from './op'
export { FusedKernel, defaultKernelBuild, gateCount, trainingFlops, weightShapes, type FusedSpec, type FusedVariant, type KernelBuild } from './kernel'
export { kernelModule, kernelVariant, relaxedWasmFileName, wasmCandidates, wasmFileName, type KernelVariant } from './wasm'
