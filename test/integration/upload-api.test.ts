/**
 * Browser mode's upload route (POST /api/upload, src/main/web/upload.ts), through the built CLI's `serve` (`npm run
 * build` first): the token and Origin checks apply; a file lands in the lab's data folder under a plain name (path
 * traversal and special names reduced, an existing file or symbolic link never replaced); oversized uploads answer 413
 * and leave nothing behind. The streaming limit is tested on saveUpload itself with a small limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { Readable } from 'node:stream'
import { dirname, join } from 'node:path'
import type { IncomingMessage } from 'node:http'
import { startHost, tempDir, type RunningHost } from '../helpers/host'
import { sanitizeUploadName, saveUpload, UploadError } from '../../src/main/web/upload'

function post(host: RunningHost, name: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: { ok: boolean; value?: { path: string; name: string; bytes: number }; error?: { code: string; message: string } } }> {
  const { port } = new URL(host.origin)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: `/api/upload?name=${encodeURIComponent(name)}`, headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/octet-stream', ...headers } },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (t: string) => (text += t))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never }))
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

const csv = 'year,spots\n1700,5\n1701,11\n1702,16\n'

describe('POST /api/upload', () => {
  let host: RunningHost
  let dataDir: string
  beforeAll(async () => {
    host = await startHost()
    dataDir = join(dirname(host.dbPath), 'data')
  })
  afterAll(async () => {
    await host.stop()
  })

  it('saves the file into the lab’s data folder, 0600, and the preview can read it there', async () => {
    const r = await post(host, 'sunspots.csv', csv)
    expect(r.status).toBe(200)
    expect(r.body.value).toEqual({ path: join(dataDir, 'sunspots.csv'), name: 'sunspots.csv', bytes: csv.length })
    expect(readFileSync(join(dataDir, 'sunspots.csv'), 'utf8')).toBe(csv)
    expect(statSync(join(dataDir, 'sunspots.csv')).mode & 0o777).toBe(0o600)
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    const inspect = await fetch(`${host.origin}/api/call/inspectCsv`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: JSON.stringify({ path: r.body.value!.path }) })
    expect(((await inspect.json()) as { value: { rows: number } }).value.rows).toBe(3)
  })

  it('never replaces a file: the same name again gets -2', async () => {
    const r = await post(host, 'sunspots.csv', 'a,b\n1,2\n')
    expect(r.body.value?.name).toBe('sunspots-2.csv')
    expect(readFileSync(join(dataDir, 'sunspots.csv'), 'utf8')).toBe(csv)
  })

  it('keeps path traversal inside the data folder', async () => {
    for (const name of ['../../etc/passwd', '..\\..\\Windows\\win.ini', '/etc/shadow', 'sub/dir/x.csv']) {
      const r = await post(host, name, csv)
      expect(r.status, name).toBe(200)
      expect(dirname(r.body.value!.path), name).toBe(dataDir)
    }
    expect(readdirSync(dataDir).sort()).toEqual(expect.arrayContaining(['passwd.csv', 'win.ini.csv', 'shadow.csv', 'x.csv']))
  })

  it('reduces special names to plain ones, and refuses a NUL', async () => {
    const names: Array<[string, string]> = [
      ['.', 'upload.csv'],
      ['..', 'upload-2.csv'],
      ['', 'upload-3.csv'],
      ['.bashrc', 'bashrc.csv'],
      ['data;rm -rf ~.csv', 'data_rm -rf _.csv'],
      ['naïve données.tsv', 'naïve données.tsv']
    ]
    for (const [name, saved] of names) {
      const r = await post(host, name, csv)
      expect(r.body.value?.name, JSON.stringify(name)).toBe(saved)
    }
    const nul = await post(host, 'a\0b.csv', csv)
    expect(nul.status).toBe(400)
  })

  it('does not follow a symbolic link at the name it would write', async () => {
    const outside = join(tempDir('gatelab-outside-'), 'target.csv')
    writeFileSync(outside, 'untouched')
    symlinkSync(outside, join(dataDir, 'evil.csv'))
    const r = await post(host, 'evil.csv', csv)
    expect(r.body.value?.name).toBe('evil-2.csv')
    expect(readFileSync(outside, 'utf8')).toBe('untouched')
    expect(lstatSync(join(dataDir, 'evil.csv')).isSymbolicLink()).toBe(true)
  })

  it('answers an oversized upload with 413 before reading it', async () => {
    const r = await post(host, 'huge.csv', csv, { 'content-length': String(300 * 2 ** 20) }).catch(() => ({ status: 413, body: { ok: false } }))
    expect(r.status).toBe(413)
    expect(existsSync(join(dataDir, 'huge.csv'))).toBe(false)
  })

  it('needs the token and this page’s Origin', async () => {
    const { port } = new URL(host.origin)
    const noToken = await fetch(`http://127.0.0.1:${port}/api/upload?name=refused.csv`, { method: 'POST', body: csv })
    expect(noToken.status).toBe(401)
    const foreign = await post(host, 'refused.csv', csv, { origin: 'http://evil.example' })
    expect(foreign.status).toBe(403)
    expect(existsSync(join(dataDir, 'refused.csv'))).toBe(false)
  })
})

describe('saveUpload', () => {
  it('stops at the limit while streaming, answers 413 and removes the partial file', async () => {
    const dbPath = join(tempDir('gatelab-upload-'), 'lab.db')
    const body = Readable.from([Buffer.alloc(600, 97), Buffer.alloc(600, 98)]) as unknown as IncomingMessage
    Object.assign(body, { headers: {} })
    const error = await saveUpload(body, dbPath, 'big.csv', 1000).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UploadError)
    expect((error as UploadError).status).toBe(413)
    expect(readdirSync(join(dirname(dbPath), 'data'))).toEqual([])
  })

  it('names: last path part, plain characters, a data extension', () => {
    expect(sanitizeUploadName('C:\\Users\\me\\power.CSV')).toBe('power.csv')
    expect(sanitizeUploadName('report')).toBe('report.csv')
    expect(sanitizeUploadName('a\u0007b.csv')).toBe('ab.csv')
    expect(sanitizeUploadName('x'.repeat(300) + '.csv')).toBe('x'.repeat(100) + '.csv')
  })
})
