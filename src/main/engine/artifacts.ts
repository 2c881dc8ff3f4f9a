/**
 * A trained model as files: `model.json` (the tfjs-layers topology plus a weights manifest, the same layout
 * `tf.loadLayersModel` reads from disk) and `weights.bin` (the weight values, float32, in manifest order). The trainer
 * captures them through a save handler and sends them as `artifact` messages; `modelFromArtifacts` turns the stored
 * bytes back into a model that predicts.
 */
import * as tf from '@tensorflow/tfjs'
import type { SequenceDataset } from '../../shared/data/types'
// Registers the fused layer classes, so models trained with engine "fused" load back from their files.
import './fused'

export const TOPOLOGY_FILE = 'model.json'
export const WEIGHTS_FILE = 'weights.bin'

export interface ModelFiles {
  /** UTF-8 JSON: {format, generatedBy, modelTopology, weightsManifest: [{paths: ['weights.bin'], weights: specs}]} */
  topology: Uint8Array<ArrayBuffer>
  weights: Uint8Array<ArrayBuffer>
}

interface ModelJson {
  format: string
  generatedBy: string
  modelTopology: object
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]
}

export async function modelToFiles(model: tf.LayersModel): Promise<ModelFiles> {
  let captured: tf.io.ModelArtifacts | undefined
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    })
  )
  if (!captured?.modelTopology || !captured.weightSpecs || !captured.weightData) {
    throw new Error('tfjs did not hand over the model topology and weights when saving')
  }
  const json: ModelJson = {
    format: 'layers-model',
    generatedBy: `GateLab (TensorFlow.js ${tf.version.tfjs})`,
    modelTopology: captured.modelTopology as object,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: captured.weightSpecs }]
  }
  const weights = tf.io.CompositeArrayBuffer.join(captured.weightData)
  return { topology: new TextEncoder().encode(JSON.stringify(json)), weights: new Uint8Array(weights) }
}

/** Rebuilds a model from the two stored files, ready to predict. */
export async function modelFromFiles(files: ModelFiles): Promise<tf.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(files.topology)) as ModelJson
  const manifest = json.weightsManifest[0]
  if (!json.modelTopology || !manifest) throw new Error(`${TOPOLOGY_FILE} has no model topology or weights manifest`)
  // Copy into a fresh ArrayBuffer: the bytes may be a view on a larger (e.g. SQLite or IPC) buffer.
  const weightData = files.weights.slice().buffer
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: manifest.weights, weightData }))
}

/**
 * Predictions for `n` sequences of `x` ([n, seqLen, inputSize], row-major): regression values, or class probabilities
 * (softmax of the logits the model outputs) for classification; per step when the model is sequence-to-sequence.
 */
export function predict(model: tf.LayersModel, shape: Pick<SequenceDataset, 'kind' | 'seqLen' | 'inputSize'>, x: Float32Array, n: number): Float32Array {
  return tf.tidy(() => {
    const out = model.predict(tf.tensor3d(x, [n, shape.seqLen, shape.inputSize]), { batchSize: 256 }) as tf.Tensor
    return (shape.kind === 'classification' ? tf.softmax(out) : out).dataSync() as Float32Array
  })
}
