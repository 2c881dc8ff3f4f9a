import { describe, expect, it } from 'vitest'
import { GateLabError, apiMethods, createClient, isApiMethod, parseArgs, type ApiTransport } from '../../src/shared/api'

describe('the API contract', () => {
  it('knows its methods and nothing inherited from Object', () => {
    expect(apiMethods).toContain('getSystemInfo')
    expect(isApiMethod('getSystemInfo')).toBe(true)
    expect(isApiMethod('constructor')).toBe(false)
    expect(isApiMethod('toString')).toBe(false)
  })

  it('parses arguments and explains what is wrong', () => {
    expect(parseArgs('getSystemInfo', undefined)).toEqual({ ok: true, value: {} })
    const bad = parseArgs('getSystemInfo', { verbose: true })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.error.code).toBe('bad_request')
      expect(bad.error.message).toMatch(/Invalid getSystemInfo: .*verbose/)
    }
  })

  it('turns a transport into a typed client that throws GateLabError on {ok:false}', async () => {
    const calls: string[] = []
    const transport: ApiTransport = {
      call: async (method) => {
        calls.push(method)
        return method === 'probeTrainer'
          ? { ok: false, error: { code: 'trainer_failed', message: 'no trainer' } }
          : ({ ok: true, value: { appName: 'GateLab' } } as never)
      },
      subscribe: () => () => undefined
    }
    const client = createClient(transport)
    await expect(client.getSystemInfo({})).resolves.toMatchObject({ appName: 'GateLab' })
    const error = await client.probeTrainer({}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GateLabError)
    expect(error).toMatchObject({ code: 'trainer_failed', message: 'no trainer' })
    expect(calls).toEqual(['getSystemInfo', 'probeTrainer'])
  })
})
