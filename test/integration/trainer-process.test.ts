/**
 * Real trainer processes: the built trainer entry, spawned with child_process.fork through the Node spawner,
 * speaking the zod-validated protocol.
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import trainerPath from '../../src/main/runner/trainerPath'
import { createNodeSpawner } from '../../src/main/runner/spawner.node'
import { TrainerError } from '../../src/main/runner/trainerProcess'
import type { TrainerMessage } from '../../src/shared/protocol'

type ProbeResult = Extract<TrainerMessage, { type: 'probe:result' }>
const spawnTrainer = createNodeSpawner(trainerPath)

describe('trainer process', () => {
  it('starts, reports the backend it chose with a reason for each one it could not use, and stops', async () => {
    const trainer = spawnTrainer({ name: 'test probe' })
    await trainer.ready()
    const reply = await trainer.request<ProbeResult>((seq) => ({ type: 'probe', seq }))
    expect(reply.pid).toBe(trainer.pid)
    expect(reply.tfjsVersion).toMatch(/^4\./)
    expect(reply.backends.map((b) => b.name)).toEqual(['tensorflow', 'wasm', 'cpu'])
    // The chosen backend is the first available one, in the order tfjs-node, wasm, cpu.
    expect(reply.backend).toBe(reply.backends.find((b) => b.available)!.name)
    for (const b of reply.backends.filter((r) => !r.available)) expect(b.reason).toMatch(/\S{10,}/)
    const exit = await trainer.stop()
    expect(exit.reason).toBe('exited')
    expect(trainer.running).toBe(false)
  })

  it('uses the backend GATELAB_BACKEND forces', async () => {
    const trainer = spawnTrainer({ name: 'test cpu', env: { GATELAB_BACKEND: 'cpu' } })
    const reply = await trainer.request<ProbeResult>((seq) => ({ type: 'probe', seq }))
    expect(reply.backend).toBe('cpu')
    await trainer.stop()
  })

  it('fails clearly, rather than falling back, when the forced backend is missing', async () => {
    const probe = spawnTrainer({ name: 'which' })
    const { backends } = await probe.request<ProbeResult>((seq) => ({ type: 'probe', seq }))
    await probe.stop()
    const missing = backends.find((b) => !b.available)
    if (!missing) {
      console.log('every TF.js backend is installed here, so there is no missing backend to force; nothing to check')
      return
    }
    const trainer = spawnTrainer({ name: 'test forced', env: { GATELAB_BACKEND: missing.name } })
    const error = await trainer.request((seq) => ({ type: 'probe', seq })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TrainerError)
    expect((error as Error).message).toContain(`The ${missing.name} backend is not available here`)
    await trainer.stop()
  })

  it('answers a malformed message with a protocol error and keeps running', async () => {
    const trainer = spawnTrainer({ name: 'test protocol' })
    const bad = await trainer.request((seq) => ({ type: 'train-everything', seq }) as never).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(TrainerError)
    expect((bad as Error).name).toBe('ProtocolError')
    expect((bad as Error).message).toMatch(/Invalid message to trainer/)
    expect(trainer.running).toBe(true)
    await trainer.stop()
  })

  it('knows when a trainer was killed', async () => {
    const trainer = spawnTrainer({ name: 'test kill' })
    await trainer.ready()
    process.kill(trainer.pid!, 'SIGKILL')
    const exit = await trainer.exited
    expect(exit).toMatchObject({ reason: 'killed', signal: 'SIGKILL' })
    expect(exit.message).toMatch(/killed by SIGKILL/)
    expect(exit.message).not.toMatch(/stopped by GateLab/)
  })

  it('knows when a trainer crashed, and keeps its last words', async () => {
    const trainer = createNodeSpawner(join(__dirname, '..', 'fixtures', 'crashing-trainer.cjs'))({ name: 'test crash' })
    await expect(trainer.ready()).rejects.toThrow(/stopped before it was ready: The trainer crashed with exit code 3/)
    const exit = await trainer.exited
    expect(exit).toMatchObject({ reason: 'crashed', code: 3 })
    expect(exit.message).toContain('libtensorflow.so: cannot open shared object file')
    expect(trainer.log).toContain('[stderr] fatal: libtensorflow.so: cannot open shared object file')
    expect(() => trainer.send({ type: 'shutdown' })).toThrow(/already stopped/)
  })
})
