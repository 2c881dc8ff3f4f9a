/**
 * A run's artifacts for download (src/main/artifacts, src/shared/artifacts.ts) through the Lab's dispatch — the one
 * entry point of HTTP and IPC — on a real SQLite lab file: the listing with what each file is, downloads in chunks
 * whose bytes equal those in the lab file (read back with a second SQLite connection), the sha256 pin, "Download all"
 * as a zip, names that try to leave the run refused with the reason, a damaged file named as such; and on disk, the
 * cluster importer's artifact reads confined to the attempt's folder (`..`, absolute paths, symbolic links out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { unzipSync } from 'fflate'
import { Lab } from '../../src/main/lab'
import { createLabStore } from '../../src/main/labStore'
import { Store } from '../../src/main/store/store'
import { normalizeRunConfig } from '../../src/shared/config'
import { ARTIFACT_CHUNK_BYTES, type ArtifactChunk, type ArtifactListing, type ArtifactsZip } from '../../src/shared/artifacts'
import { createClient, type ApiResponse, type SerializedError } from '../../src/shared/api'
import { downloadProblem, fetchArtifact } from '../../src/renderer/src/components/RunArtifacts/fetchArtifact'
import { ArtifactPathError, resolveArtifactFile } from '../../src/main/artifacts'
import { artifactRefusal, readArtifact } from '../../src/main/cluster/results'
import { tempDir } from '../helpers/host'

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

describe('artifact downloads through the Lab', () => {
  let lab: Lab
  let dbPath: string
  let runId = ''
  let empty = ''
  // Over two chunks, so the download is stitched from three answers.
  const weights = new Uint8Array(randomBytes(2 * ARTIFACT_CHUNK_BYTES + 12_345))
  const topology = new TextEncoder().encode(JSON.stringify({ modelTopology: { class_name: 'Sequential' }, weightsManifest: [] }))

  async function call<T>(method: string, args: unknown): Promise<{ value?: T; error?: SerializedError }> {
    const r = (await lab.dispatch(method, args)) as ApiResponse<T>
    return r.ok ? { value: r.value } : { error: r.error }
  }

  beforeAll(() => {
    dbPath = join(tempDir('gatelab-artifacts-'), 'lab.db')
    const store = createLabStore(Store.open(dbPath, { owner: { kind: 'test' } }))
    lab = new Lab({
      mode: 'browser',
      store,
      spawnTrainer: () => {
        throw new Error('no trainer in this test')
      }
    })
    const config = normalizeRunConfig({ task: 'adding', cell: 'gru', epochs: 1 })
    if (!config.ok) throw new Error(config.message)
    runId = store.createRun({ config: config.config }).id
    empty = store.createRun({ config: config.config }).id
    store.addArtifact(runId, { kind: 'topology', name: 'model.json', mediaType: 'application/json', data: topology })
    store.addArtifact(runId, { kind: 'weights', name: 'weights.bin', mediaType: 'application/octet-stream', data: weights })
  })
  afterAll(() => lab?.close())

  it('lists each stored file with its size, sha256 and what it is in words, and offers the zip', async () => {
    const { value } = await call<ArtifactListing>('listArtifacts', { id: runId })
    expect(value!.entries.map((e) => [e.name, e.kind, e.bytes, e.state])).toEqual([
      ['model.json', 'topology', topology.byteLength, 'stored'],
      ['weights.bin', 'weights', weights.byteLength, 'stored']
    ])
    expect(value!.entries[1]!.sha256).toBe(sha(weights))
    expect(value!.entries[0]!.description).toMatch(/topology/)
    expect(value!.entries[1]!.description).toMatch(/weights.*float32/)
    expect(value!.totalBytes).toBe(weights.byteLength + topology.byteLength)
    expect(value!.zip).toEqual({ ok: true, name: `gatelab-${runId}-artifacts.zip` })
    const none = await call<ArtifactListing>('listArtifacts', { id: empty })
    expect(none.value!.entries).toEqual([])
    expect(none.value!.zip).toMatchObject({ ok: false, reason: 'The run has no stored files yet.' })
  })

  it('downloads a file in chunks whose bytes are those in the lab file', async () => {
    const parts: Buffer[] = []
    let offset = 0
    let pin: string | undefined
    let answers = 0
    for (;;) {
      const { value, error } = await call<ArtifactChunk>('downloadArtifact', { id: runId, name: 'weights.bin', offset, ...(pin ? { sha256: pin } : {}) })
      expect(error).toBeUndefined()
      answers++
      pin = value!.sha256
      const part = Buffer.from(value!.base64, 'base64')
      expect(part.byteLength).toBeLessThanOrEqual(ARTIFACT_CHUNK_BYTES)
      expect(value!.offset).toBe(offset)
      parts.push(part)
      offset += part.byteLength
      if (value!.done) break
    }
    expect(answers).toBe(3)
    const got = Buffer.concat(parts)
    // The bytes as the lab file holds them, through a second connection.
    const db = new Database(dbPath, { readonly: true })
    const onDisk = db.prepare('select a.data from artifacts a join runs r on r.rid = a.run_rid where r.id = ? and a.name = ?').pluck().get(runId, 'weights.bin') as Buffer
    db.close()
    expect(sha(got)).toBe(sha(onDisk))
    expect(sha(got)).toBe(sha(weights))
  })

  it('refuses a later chunk of a file replaced since the first, and an offset past the end', async () => {
    const stale = 'a'.repeat(64)
    const { error } = await call('downloadArtifact', { id: runId, name: 'weights.bin', offset: ARTIFACT_CHUNK_BYTES, sha256: stale })
    expect(error).toMatchObject({ code: 'bad_request', message: 'weights.bin changed while it downloaded (the run saved a newer version under the same name): download it again.' })
    const past = await call('downloadArtifact', { id: runId, name: 'model.json', offset: topology.byteLength + 1 })
    expect(past.error?.message).toMatch(/offset \d+ is past its end/)
  })

  it('refuses names that would leave the run, each with its reason, before any lookup', async () => {
    const cases: Array<[string, RegExp]> = [
      ['../gatelab.db', /contains a folder \("\/" or "\\"\): an artifact is named by a plain file name such as weights.bin, without folders/],
      ['/etc/passwd', /contains a folder/],
      ['..\\..\\lab.db', /contains a folder/],
      ['..', /names a folder, not a file/],
      ['C:secret', /starts with a drive letter/],
      ['', /An artifact name is empty/],
      ['weights.bin\u0000.txt', /control character/]
    ]
    for (const [name, message] of cases) {
      const { error } = await call('downloadArtifact', { id: runId, name })
      expect(error?.code, name).toBe('bad_request')
      expect(error?.message, name).toMatch(message)
    }
    const other = await call('downloadArtifact', { id: empty, name: 'weights.bin' })
    expect(other.error).toMatchObject({ code: 'not_found', message: `Run ${empty} has no artifact named "weights.bin".` })
    // The store itself never records such a name.
    expect(() => lab.store.addArtifact(runId, { kind: 'weights', name: '../x.bin', mediaType: 'application/octet-stream', data: new Uint8Array(1) })).toThrow(
      /contains a folder/
    )
  })

  it('the page\'s download loop (fetchArtifact) stitches the chunks and checks the sha256; a file replaced meanwhile is refused', async () => {
    const api = createClient({ call: (method, args) => lab.dispatch(method, args) as never, subscribe: () => () => undefined })
    const progress: number[] = []
    const file = await fetchArtifact(api, runId, 'weights.bin', (done) => progress.push(done))
    expect(progress).toEqual([ARTIFACT_CHUNK_BYTES, 2 * ARTIFACT_CHUNK_BYTES, weights.byteLength])
    expect(file.verified).toBe(true)
    expect(sha(new Uint8Array(await file.blob.arrayBuffer()))).toBe(sha(weights))
    // The run saves a new model.json while the page downloads the old one: the second chunk is refused.
    const big = new Uint8Array(randomBytes(ARTIFACT_CHUNK_BYTES + 10))
    lab.store.addArtifact(runId, { kind: 'topology', name: 'model.json', mediaType: 'application/json', data: big })
    let replaced = false
    const error = await fetchArtifact(api, runId, 'model.json', () => {
      if (replaced) return
      replaced = true
      lab.store.addArtifact(runId, { kind: 'topology', name: 'model.json', mediaType: 'application/json', data: topology })
    }).catch((e: unknown) => e)
    expect(downloadProblem('model.json', error)).toBe('model.json changed while it downloaded (the run saved a newer version under the same name): download it again.')
    const gone = await fetchArtifact(api, runId, 'nothing.bin').catch((e: unknown) => e)
    expect(downloadProblem('nothing.bin', gone)).toMatch(/^nothing\.bin is no longer stored for this run .*reload the page/)
  })

  it('zips every file with the same bytes', async () => {
    const { value } = await call<ArtifactsZip>('downloadArtifactsZip', { id: runId })
    expect(value!.name).toBe(`gatelab-${runId}-artifacts.zip`)
    const files = unzipSync(Buffer.from(value!.base64, 'base64'))
    expect(Object.keys(files).sort()).toEqual(['model.json', 'weights.bin'])
    expect(sha(files['weights.bin']!)).toBe(sha(weights))
    expect(sha(files['model.json']!)).toBe(sha(topology))
  })

  it('names a file damaged in the lab file, and what to do, in the listing and on download', async () => {
    const db = new Database(dbPath)
    db.prepare("update artifacts set data = substr(data, 1, 10) where name = 'model.json'").run()
    db.close()
    const { value } = await call<ArtifactListing>('listArtifacts', { id: runId })
    const entry = value!.entries.find((e) => e.name === 'model.json')!
    expect(entry.state).toBe('damaged')
    expect(entry.problem).toBe(
      `model.json is damaged in the lab file: 10 of its ${topology.byteLength} bytes are there (the lab file was repaired or damaged after the run saved it). Train the run again to get this file back.`
    )
    const { error } = await call('downloadArtifact', { id: runId, name: 'model.json' })
    expect(error).toMatchObject({ code: 'internal', message: entry.problem })
    expect((await call('downloadArtifactsZip', { id: runId })).error?.message).toBe(entry.problem)
  })
})

describe('artifact files on disk stay inside their folder', () => {
  const root = tempDir('gatelab-artifact-paths-')
  const dir = join(root, 'attempt-0', 'artifacts')
  const secret = new TextEncoder().encode('not yours')
  beforeAll(() => {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array([1, 2, 3]))
    writeFileSync(join(root, 'secret.bin'), secret)
    symlinkSync(join(root, 'secret.bin'), join(dir, 'link-out.bin'))
    symlinkSync(join(dir, 'weights.bin'), join(dir, 'link-in.bin'))
    mkdirSync(join(dir, 'folder.bin'))
  })

  const reason = (name: string): string => {
    try {
      resolveArtifactFile(dir, name)
      return 'resolved'
    } catch (error) {
      if (!(error instanceof ArtifactPathError)) throw error
      return error.code
    }
  }

  it('resolves plain names of regular files and links that stay inside; refuses the rest with the reason', () => {
    expect(resolveArtifactFile(dir, 'weights.bin')).toMatch(/weights\.bin$/)
    expect(reason('link-in.bin')).toBe('resolved')
    expect(reason('../../secret.bin')).toBe('bad_name')
    expect(reason(join(root, 'secret.bin'))).toBe('bad_name')
    expect(reason('link-out.bin')).toBe('outside')
    expect(reason('folder.bin')).toBe('not_a_file')
    expect(reason('gone.bin')).toBe('missing')
    expect(() => resolveArtifactFile(dir, 'link-out.bin')).toThrow(/is a link to .*secret\.bin, outside the run's folder/)
  })

  it('the cluster importer reads no artifact outside the attempt, even with the right size and sha256', () => {
    const attempt = join(root, 'attempt-0')
    const entry = (name: string) => ({ name, kind: 'weights', mediaType: 'application/octet-stream', bytes: secret.byteLength, sha256: sha(secret) })
    expect(readArtifact(attempt, entry('../../secret.bin'))).toBeNull()
    expect(readArtifact(attempt, entry('link-out.bin'))).toBeNull()
    const inside = new Uint8Array([1, 2, 3])
    expect(readArtifact(attempt, { ...entry('weights.bin'), bytes: 3, sha256: sha(inside) })).toEqual(inside)
  })

  it('the cluster importer tells a refused name from a missing file: refused ones say why, missing ones wait', () => {
    const attempt = join(root, 'attempt-0')
    const entry = (name: string) => ({ name, kind: 'weights', mediaType: 'application/octet-stream', bytes: 3, sha256: 'x' })
    expect(artifactRefusal(attempt, entry('../../secret.bin'))).toMatch(/^The artifact name "\.\.\/\.\.\/secret\.bin" contains a folder/)
    expect(artifactRefusal(attempt, entry('link-out.bin'))).toMatch(/is a link to .*secret\.bin, outside the run's folder/)
    expect(artifactRefusal(attempt, entry('folder.bin'))).toMatch(/is not a regular file/)
    // Not there (yet): a copy may still be under way, so that is not a refusal.
    expect(artifactRefusal(attempt, entry('gone.bin'))).toBeNull()
    expect(artifactRefusal(attempt, entry('weights.bin'))).toBeNull()
  })
})
