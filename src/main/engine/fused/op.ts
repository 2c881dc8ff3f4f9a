/**
 * The fused kernels as a TF.js op with its own gradient (tf.customGrad). Inputs are read once per call (dataSync: one
 * copy per batch into the kernel's memory), the whole sequence runs in one WebAssembly call, and the gradient function
 * runs the whole backward pass through time in one more. Everything around it (losses, optimizers, other layers) stays
 * TF.js on whatever backend is active: cpu, wasm or tensorflow.
 */
import * as tf from '@tensorflow/tfjs'
import type { FusedKernel, FusedSpec, FusedWeights } from './kernel'

function floats(t: tf.Tensor): Float32Array {
  const data = t.dataSync()
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>)
}

/**
 * Runs a fused recurrent layer over x [batch, steps, inputDim]; returns [batch, steps, units] with returnSequences,
 * else [batch, units]. `kernel` holds this layer's WebAssembly instance (one per layer: its memory keeps the forward
 * activations until the backward pass).
 */
export function fusedRecurrent(
  x: tf.Tensor,
  weights: { kernel: tf.Tensor; recurrentKernel: tf.Tensor; bias: tf.Tensor },
  spec: FusedSpec,
  kernel: FusedKernel
): tf.Tensor {
  if (x.rank !== 3) throw new Error(`fused ${spec.variant}: expected input [batch, steps, features], got shape [${x.shape.join(', ')}]`)
  const [batch, steps, inputDim] = x.shape as [number, number, number]
  const shape = { batch, steps, inputDim }
  const outShape = spec.returnSequences ? [batch, steps, spec.units] : [batch, spec.units]
  const read = (w: tf.Tensor, u: tf.Tensor, b: tf.Tensor): FusedWeights => ({ kernel: floats(w), recurrentKernel: floats(u), bias: floats(b) })

  const op = tf.customGrad(((xs: tf.Tensor, w: tf.Tensor, u: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const input = floats(xs)
    const values = read(w, u, b)
    const { y, ticket } = kernel.forward(spec, shape, input, values)
    // Kept for the rare backward pass that finds another forward pass's activations in the kernel and must recompute.
    save([xs, w, u, b])
    return {
      value: tf.tensor(y, outShape, 'float32'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, su, sb] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
        const g = kernel.backward(spec, shape, ticket, () => ({ x: floats(sx), w: read(sw, su, sb) }), floats(dy))
        return [
          tf.tensor(g.dx, sx.shape, 'float32'),
          tf.tensor(g.dKernel, sw.shape, 'float32'),
          tf.tensor(g.dRecurrentKernel, su.shape, 'float32'),
          tf.tensor(g.dBias, sb.shape, 'float32')
        ]
      }
    }
  }) as unknown as Parameters<typeof tf.customGrad>[0])
  const cast = (t: tf.Tensor): tf.Tensor => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'))
  return op(cast(x), weights.kernel, weights.recurrentKernel, weights.bias)
}
