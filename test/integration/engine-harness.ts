/**
 * Runs one training run in a REAL trainer process (the built bundle, spawned as the host spawns it) and collects every
 * message it sends. Shared by the engine integration tests.
 */
import trainerPath from '../../src/main/runner/trainerPath'
import { createNodeSpawner } from '../../src/main/runner/spawner.node'
import type { TrainerProcess } from '../../src/main/runner/trainerProcess'
import type { MetricPoint, TrainerMessage } from '../../src/shared/protocol'
import { normalizeRunConfig, type RunConfigInput } from '../../src/shared/config'

export type Message<T extends TrainerMessage['type']> = Extract<TrainerMessage, { type: T }>

export const spawnTrainer = createNodeSpawner(trainerPath)
const running = new Set<TrainerProcess>()
/** For afterAll: stops trainers a failed test left running. */
export async function stopTrainers(): Promise<void> {
  await Promise.all([...running].map((t) => t.stop()))
}

export interface RunResult {
  started: Message<'run:started'> | undefined
  finished: Message<'run:finished'>
  points: MetricPoint[]
  progress: Message<'progress'>[]
  artifacts: Message<'artifact'>[]
  messages: TrainerMessage[]
}

/** Trains one run in a fresh trainer and collects every message; `onMessage` may act mid-run (e.g. cancel). */
export async function train(
  input: RunConfigInput,
  options: { onMessage?: (m: TrainerMessage, t: TrainerProcess) => void; env?: Record<string, string>; timeoutMs?: number } = {}
): Promise<RunResult> {
  const trainer = spawnTrainer({ name: 'engine test', ...(options.env ? { env: options.env } : {}) })
  running.add(trainer)
  const messages: TrainerMessage[] = []
  trainer.onMessage((m) => {
    messages.push(m)
    options.onMessage?.(m, trainer)
  })
  const normalized = normalizeRunConfig(input)
  if (!normalized.ok) throw new Error(normalized.message)
  const finished = await trainer.request<Message<'run:finished'>>((seq) => ({ type: 'train', seq, runId: 'run-1', config: normalized.config }), options.timeoutMs ?? 55_000)
  await trainer.stop()
  running.delete(trainer)
  const of = <T extends TrainerMessage['type']>(type: T) => messages.filter((m): m is Message<T> => m.type === type)
  return {
    started: of('run:started')[0],
    finished,
    points: of('metrics').flatMap((m) => m.points),
    progress: of('progress'),
    artifacts: of('artifact'),
    messages
  }
}

/** The values of one metric, in the order they were sent. */
export const series = (points: MetricPoint[], name: string): number[] => points.filter((p) => p.name === name).map((p) => p.value)
