/**
 * Chooses the fastest TF.js backend this machine can run, in the order tfjs-node (native libtensorflow), wasm, cpu,
 * and reports on every candidate so the UI and each run can say which one ran and why the others did not.
 *
 * Runs inside trainer processes only: loading TF.js costs the host nothing.
 */
import * as tf from '@tensorflow/tfjs'
import type { BackendName, BackendReport } from '../../shared/protocol'
import { backendNames } from '../../shared/protocol'

const packages: Record<BackendName, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs'
}

export interface BackendChoice {
  backend: BackendName
  reports: BackendReport[]
  tfjsVersion: string
}

function explain(name: BackendName, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (name === 'tensorflow' && /Cannot find (module|package)/.test(message)) {
    return `${packages.tensorflow} is not installed (its install step downloads libtensorflow, which needs network access); ` +
      'run `npm install @tensorflow/tfjs-node` where that download works'
  }
  return `${packages[name]} failed to load: ${message.split('\n')[0]}`
}

/** Loads the package that registers `name`; resolves once TF.js knows the backend. */
async function register(name: BackendName): Promise<void> {
  if (name === 'tensorflow') await import('@tensorflow/tfjs-node')
  else if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm')
}

/**
 * @param forced A backend the caller insists on (GATELAB_BACKEND, `--backend`); failing to get it is an error
 *               rather than a silent fallback, so benchmarks and parity tests measure what they claim to.
 */
export async function chooseBackend(forced?: BackendName): Promise<BackendChoice> {
  const reports: BackendReport[] = []
  let chosen: BackendName | undefined
  for (const name of backendNames) {
    try {
      await register(name)
      reports.push({ name, package: packages[name], available: true })
    } catch (error) {
      reports.push({ name, package: packages[name], available: false, reason: explain(name, error) })
      continue
    }
    const wanted = forced ? name === forced : chosen === undefined
    if (wanted && (await tf.setBackend(name))) {
      await tf.ready()
      chosen = name
    } else if (wanted) {
      const report = reports[reports.length - 1]
      if (report) Object.assign(report, { available: false, reason: `TF.js could not initialise the ${name} backend` })
    }
  }
  if (!chosen) {
    const report = reports.find((r) => r.name === forced)
    throw new Error(`The ${forced ?? 'requested'} backend is not available here: ${report?.reason ?? 'unknown reason'}`)
  }
  return { backend: chosen, reports, tfjsVersion: tf.version.tfjs }
}

export function parseBackendName(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '') return undefined
  if ((backendNames as readonly string[]).includes(value)) return value as BackendName
  throw new Error(`Unknown backend "${value}": use one of ${backendNames.join(', ')}`)
}
