/**
 * Browser mode as a user meets it: the real host (`gatelab serve`) in its own process, a real SQLite file, real
 * trainer processes, reached over HTTP on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import { spawnSync } from 'node:child_process'
import { cliEntry, repoRoot, startHost, type RunningHost } from '../helpers/host'
import type { SystemInfo } from '../../src/shared/api'

/** A raw request, so the test can send any Host and Origin header (fetch forbids setting Host). */
function rawGet(origin: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (t: string) => (body += t))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('browser mode', () => {
  let host: RunningHost
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${host.token}` })
  const call = (method: string, body: string): Promise<Response> =>
    fetch(`${host.origin}/api/call/${method}`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body })

  beforeAll(async () => {
    host = await startHost()
  })
  afterAll(async () => {
    await host?.stop()
  })

  it('prints one line with a loopback URL and a long random token', () => {
    expect(host.stdout().trim().split('\n')).toHaveLength(1)
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/)
  })

  it('answers /api/health with the token only', async () => {
    const withQuery = await fetch(`${host.origin}/api/health?token=${host.token}`)
    expect(withQuery.status).toBe(200)
    expect(await withQuery.json()).toMatchObject({ ok: true, app: 'GateLab' })
    expect((await fetch(`${host.origin}/api/health`, { headers: auth() })).status).toBe(200)
    const without = await fetch(`${host.origin}/api/health`)
    expect(without.status).toBe(401)
    expect(await without.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    expect((await fetch(`${host.origin}/api/health?token=${host.token.slice(1)}x`)).status).toBe(401)
  })

  it('refuses a Host header that is not a loopback name (DNS rebinding) and foreign origins', async () => {
    const rebound = await rawGet(host.origin, `/api/health?token=${host.token}`, { host: 'attacker.example:80' })
    expect(rebound.status).toBe(403)
    expect(rebound.body).toContain('forbidden_host')
    const page = await rawGet(host.origin, '/', { host: 'attacker.example' })
    expect(page.status).toBe(403)
    const foreign = await rawGet(host.origin, `/api/health?token=${host.token}`, { host: new URL(host.origin).host, origin: 'https://attacker.example' })
    expect(foreign.status).toBe(403)
    const localhost = await rawGet(host.origin, `/api/health?token=${host.token}`, { host: `localhost:${new URL(host.origin).port}` })
    expect(localhost.status).toBe(200)
  })

  it('serves system info that came from a real trainer process', async () => {
    const res = await call('getSystemInfo', '{}')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { ok: true; value: SystemInfo }
    expect(body.ok).toBe(true)
    expect(body.value).toMatchObject({ appName: 'GateLab', mode: 'browser', dbPath: host.dbPath })
    expect(body.value.versions.sqlite).toMatch(/^3\./)
    expect(['tensorflow', 'wasm', 'cpu']).toContain(body.value.trainer.backend)
    expect(body.value.trainer.pid).not.toBe(host.child.pid)
  })

  it('answers bad requests with clear errors, not stack traces', async () => {
    const unknown = await call('dropEverything', '{}')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    const badJson = await call('getSystemInfo', '{not json')
    expect(badJson.status).toBe(400)
    expect(await badJson.json()).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/not valid JSON/) } })
    const badArgs = await call('getSystemInfo', '{"limit": 5}')
    expect(badArgs.status).toBe(400)
    const text = JSON.stringify(await badArgs.json())
    expect(text).toContain('Unrecognized key')
    expect(text).not.toMatch(/\bat .*\.js:\d+/)
  })

  it('streams live host events over Server-Sent Events', async () => {
    const controller = new AbortController()
    const res = await fetch(`${host.origin}/api/events?token=${host.token}`, { signal: controller.signal })
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reader = res.body!.getReader()
    let text = ''
    while (!text.includes('host:status')) text += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    const events = [...text.matchAll(/data: (.*)\n/g)].map((m) => JSON.parse(m[1]!) as { type: string; rssMb?: number })
    // First the stream says it is subscribed (a page that read history before this reads again), then the events.
    expect(events[0]!.type).toBe('events:open')
    const status = events.find((e) => e.type === 'host:status')!
    expect(status.rssMb).toBeGreaterThan(10)
  })

  it('serves the built UI with a strict Content-Security-Policy, and nothing outside it', async () => {
    const page = await fetch(`${host.origin}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root">')
    const csp = page.headers.get('content-security-policy')!
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/unsafe-eval|https?:/)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    const escape = await rawGet(host.origin, '/..%2f..%2fpackage.json', { host: new URL(host.origin).host })
    expect(escape.body).not.toContain('"devDependencies"')
  })

  it('says clearly when the port is taken or a flag is wrong (exit 2, no stack trace)', () => {
    const port = new URL(host.origin).port
    const taken = spawnSync(process.execPath, [cliEntry, 'serve', '--port', port, '--db', host.dbPath], { cwd: repoRoot, encoding: 'utf8' })
    expect(taken.status).toBe(2)
    expect(taken.stderr).toContain(`Port ${port} is already in use`)
    expect(taken.stderr).not.toMatch(/\bat .*:\d+:\d+/)
    const bad = spawnSync(process.execPath, [cliEntry, 'serve', '--port', 'eighty'], { cwd: repoRoot, encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr.trim()).toBe('gatelab: --port must be a whole number from 0 to 65535, not "eighty"')
    const unknownFlag = spawnSync(process.execPath, [cliEntry, 'serve', '--verbose'], { cwd: repoRoot, encoding: 'utf8' })
    expect(unknownFlag.status).toBe(2)
    expect(unknownFlag.stderr).toMatch(/^gatelab: serve: Unknown option '--verbose'/)
  })

  it('stops cleanly on Ctrl-C', async () => {
    const other = await startHost()
    expect(await other.stop('SIGINT')).toBe(0)
    expect(other.stderr()).toContain('GateLab stopped.')
    expect(other.stderr()).not.toMatch(/Error|\bat .*:\d+:\d+/)
  })
})
