/**
 * Exports in browser mode, over the real HTTP API of a real host (`gatelab serve`): a run trained through the API,
 * then `exportRuns` as the UI's export buttons call it — the files come back as base64, ready to download.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHost, waitForRunCompleted, type RunningHost } from '../helpers/host'

describe('exportRuns over HTTP (browser mode)', () => {
  let host: RunningHost
  let runId: string
  const call = async (method: string, args: unknown): Promise<{ status: number; body: { ok: boolean; value?: never; error?: { code: string; message: string } } }> => {
    const res = await fetch(`${host.origin}/api/call/${method}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: JSON.stringify(args) })
    return { status: res.status, body: (await res.json()) as never }
  }

  beforeAll(async () => {
    host = await startHost()
    const config = { task: 'adding', seqLen: 10, samples: 256, valSamples: 64, testSamples: 64, epochs: 2, units: 8, seed: 3 }
    const started = await call('startRuns', { configs: [config] })
    runId = (started.body.value as unknown as { runIds: string[] }).runIds[0]!
    // Until it completes: the loop here stopped at any status but queued and running, so a run still "preparing"
    // (building its data and model) was exported half made.
    await waitForRunCompleted(host, runId)
  }, 120_000)
  afterAll(async () => {
    await host?.stop()
  })

  it('returns a PDF, the HTML report and the weights as downloadable files', async () => {
    const pdf = await call('exportRuns', { runIds: [runId], format: 'pdf', paper: 'letter' })
    expect(pdf.status, JSON.stringify(pdf.body.error)).toBe(200)
    const [pdfFile] = (pdf.body.value as unknown as { files: Array<{ name: string; mediaType: string; base64: string }> }).files
    expect(pdfFile).toMatchObject({ name: `gatelab-${runId}-report.pdf`, mediaType: 'application/pdf' })
    expect(Buffer.from(pdfFile!.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-')

    const html = await call('exportRuns', { runIds: [runId], format: 'html' })
    const [htmlFile] = (html.body.value as unknown as { files: Array<{ base64: string }> }).files
    const text = Buffer.from(htmlFile!.base64, 'base64').toString('utf8')
    expect(text).toContain(runId)
    expect(text).toContain('id="curve-valLoss"')

    const weights = await call('exportRuns', { runIds: [runId], format: 'weights' })
    const names = (weights.body.value as unknown as { files: Array<{ name: string }> }).files.map((f) => f.name)
    expect(names).toEqual([`${runId}-model.json`, `${runId}-weights.bin`, `${runId}-weights.json`])
  })

  it('answers unknown runs with not_found and bad formats with bad_request', async () => {
    const unknown = await call('exportRuns', { runIds: ['no-such-run'], format: 'csv' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/No run "no-such-run"/) })
    const bad = await call('exportRuns', { runIds: [runId], format: 'docx' })
    expect(bad.status).toBe(400)
    expect(bad.body.error?.code).toBe('bad_request')
  })
})
