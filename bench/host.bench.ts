/**
 * Host overheads: how long a trainer process takes to start and answer (against a bare `node -e` child), and the
 * round trip of one API call over HTTP (against a bare Node HTTP server on the same loopback).
 */
import { it } from 'vitest'
import { createServer } from 'node:http'
import { fork } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import trainerPath from '../src/main/runner/trainerPath'
import { createNodeSpawner } from '../src/main/runner/spawner.node'
import { startHost } from '../test/helpers/host'
import { median, quick, round, writeRows, type BenchRow } from './record'

const rows: BenchRow[] = []

it('trainer start-up', async () => {
  const n = quick ? 3 : 8
  const spawn = createNodeSpawner(trainerPath)
  const trainer: number[] = []
  const bare: number[] = []
  for (let i = 0; i < n; i++) {
    let t = performance.now()
    const p = spawn({ name: 'bench' })
    await p.request((seq) => ({ type: 'probe', seq }))
    trainer.push(performance.now() - t)
    await p.stop()
    t = performance.now()
    const child = fork('-e', ['process.send("hi")'], { stdio: 'ignore' })
    await new Promise((r) => child.once('message', r))
    bare.push(performance.now() - t)
    child.kill()
  }
  const value = median(trainer)
  const baseline = median(bare)
  rows.push({ name: 'trainer spawn → probe reply (TF.js loaded, backend chosen)', value: round(value), unit: 'ms', baseline: round(baseline), ratio: round(value / baseline) })
})

it('API round trip over HTTP', async () => {
  const n = quick ? 200 : 1000
  const host = await startHost()
  const echo = createServer((_req, res) => res.end('{"ok":true}'))
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r))
  const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/`
  const time = async (f: () => Promise<unknown>): Promise<number> => {
    const samples: number[] = []
    for (let i = 0; i < n; i++) {
      const t = performance.now()
      await f()
      samples.push(performance.now() - t)
    }
    return median(samples)
  }
  const api = await time(() => fetch(`${host.origin}/api/health`, { headers: { authorization: `Bearer ${host.token}` } }).then((r) => r.json()))
  const bare = await time(() => fetch(echoUrl).then((r) => r.json()))
  echo.close()
  await host.stop()
  rows.push({ name: 'GET /api/health (token check, JSON)', value: round(api), unit: 'ms', baseline: round(bare), ratio: round(api / bare) })
  writeRows('host', rows)
})
