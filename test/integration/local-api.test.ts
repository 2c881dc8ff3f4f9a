/**
 * The browser-mode API reaches only what the user chose (docs/RELIABILITY.md, "The local API"), through the built
 * CLI's `serve` (`npm run build` first): data paths must be regular files under the home folder, the lab's data folder
 * or GATELAB_DATA_DIRS; the Origin must be exactly this server's; malformed URLs and headers answer 400 without a stack
 * trace in the host log; a body over 1 MiB answers 413; event streams are capped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { dirname, join } from 'node:path'
import { cliEntry, repoRoot, startHost, tempDir, type RunningHost } from '../helpers/host'

function raw(
  origin: string,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string
): Promise<{ status: number; body: string }> {
  const { port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, method }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (t: string) => (text += t))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const csv = 'time,value\n1,2\n2,3\n3,4\n4,5\n'

describe('the local API', () => {
  let host: RunningHost
  const home = tempDir('gatelab-home-')
  const extra = tempDir('gatelab-extra-')
  const outside = tempDir('gatelab-outside-')
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${host.token}`, host: new URL(host.origin).host })
  const call = async (method: string, args: unknown): Promise<{ status: number; body: { ok: boolean; error?: { message: string } } }> => {
    const r = await raw(host.origin, `/api/call/${method}`, { ...auth(), 'content-type': 'application/json' }, 'POST', JSON.stringify(args))
    return { status: r.status, body: JSON.parse(r.body) as { ok: boolean; error?: { message: string } } }
  }

  beforeAll(async () => {
    host = await startHost({ env: { HOME: home, GATELAB_DATA_DIRS: extra } })
  })
  afterAll(async () => {
    await host?.stop()
  })

  it('reads data files under home, the lab data folder and added folders; refuses others and special files', async () => {
    writeFileSync(join(home, 'ok.csv'), csv)
    const dataDir = join(dirname(host.dbPath), 'data')
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, 'uploaded.csv'), csv)
    writeFileSync(join(extra, 'added.csv'), csv)
    writeFileSync(join(outside, 'elsewhere.csv'), csv)
    for (const path of [join(home, 'ok.csv'), join(dataDir, 'uploaded.csv'), join(extra, 'added.csv')]) {
      const r = await call('inspectCsv', { path })
      expect(r.body.ok, path).toBe(true)
    }
    const refused: [string, RegExp][] = [
      ['/etc/shadow', /outside the folders GateLab may read/],
      [join(outside, 'elsewhere.csv'), /outside the folders/],
      [join(home, '..', outside.split('/').pop()!, 'elsewhere.csv'), /outside the folders/],
      ['/dev/zero', /a device|outside/],
      [home, /a folder/]
    ]
    execFileSync('mkfifo', [join(home, 'pipe.csv')])
    refused.push([join(home, 'pipe.csv'), /named pipe/])
    execFileSync('ln', ['-s', '/etc/passwd', join(home, 'link.csv')])
    refused.push([join(home, 'link.csv'), /outside the folders/])
    for (const [path, why] of refused) {
      const r = await call('inspectCsv', { path })
      expect(r.status, path).toBe(400)
      expect(r.body.error?.message, path).toMatch(why)
    }
    const run = await call('startRuns', { configs: [{ task: 'csv:/etc/passwd', epochs: 1 }] })
    expect(run.status).toBe(400)
    expect(run.body.error?.message).toMatch(/outside the folders/)
  })

  it('accepts only this server as Origin: not null, not another port, not another host', async () => {
    const port = Number(new URL(host.origin).port)
    const path = `/api/health`
    expect((await raw(host.origin, path, { ...auth(), origin: `http://127.0.0.1:${port}` })).status).toBe(200)
    expect((await raw(host.origin, path, { ...auth(), origin: `http://localhost:${port}` })).status).toBe(200)
    for (const origin of ['null', `http://127.0.0.1:${port + 1}`, `http://localhost:${port === 65535 ? 1 : port + 1}`, 'http://127.0.0.1', 'https://attacker.example']) {
      expect((await raw(host.origin, path, { ...auth(), origin })).status, origin).toBe(403)
    }
  })

  it('answers malformed URLs and headers with 400 and logs no stack trace', async () => {
    const hostHeader = { host: new URL(host.origin).host }
    expect((await raw(host.origin, '/%zz', hostHeader)).status).toBe(400)
    expect((await raw(host.origin, '/api/%zz', hostHeader)).status).toBe(400)
    expect((await raw(host.origin, '/api/health', { ...auth(), origin: '::::' })).status).toBe(400)
    expect((await raw(host.origin, '/api/health', { ...hostHeader, origin: '::::' })).status).toBe(401)
    await new Promise((r) => setTimeout(r, 100))
    expect(host.stderr()).not.toMatch(/\n\s+at .*:\d+:\d+/)
  })

  it('answers an oversized body with 413', async () => {
    const big = JSON.stringify({ path: 'x'.repeat(2 << 20) })
    const r = await raw(host.origin, '/api/call/inspectCsv', { ...auth(), 'content-type': 'application/json' }, 'POST', big)
    expect(r.status).toBe(413)
    expect(r.body).toContain('too_large')
  })

  it('serve --port BUSY fails before touching the database', () => {
    const db = join(tempDir('gatelab-busy-'), 'new', 'lab.db')
    const port = new URL(host.origin).port
    const r = spawnSync(process.execPath, [cliEntry, 'serve', '--port', port, '--db', db], { cwd: repoRoot, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`Port ${port} is already in use`)
    expect(existsSync(dirname(db))).toBe(false)
  })

  it('caps open event streams per token', async () => {
    const controllers: AbortController[] = []
    const statuses: number[] = []
    try {
      for (let i = 0; i < 17; i++) {
        const c = new AbortController()
        controllers.push(c)
        const res = await fetch(`${host.origin}/api/events?token=${host.token}`, { signal: c.signal })
        statuses.push(res.status)
        if (res.status !== 200) await res.text()
      }
    } finally {
      for (const c of controllers) c.abort()
    }
    expect(statuses.slice(0, 16).every((s) => s === 200)).toBe(true)
    expect(statuses[16]).toBe(429)
  })
})
