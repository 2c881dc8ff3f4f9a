import { describe, expect, it } from 'vitest'
import { hostMessageSchema, toProtocolError, trainerMessageSchema } from '../../src/shared/protocol'

describe('the trainer protocol', () => {
  it('accepts the messages it declares and rejects others', () => {
    expect(hostMessageSchema.safeParse({ type: 'probe', seq: 1 }).success).toBe(true)
    expect(hostMessageSchema.safeParse({ type: 'probe' }).success).toBe(false)
    expect(hostMessageSchema.safeParse({ type: 'train', seq: 1 }).success).toBe(false)
    expect(trainerMessageSchema.safeParse({ type: 'ready', pid: 12 }).success).toBe(true)
    expect(trainerMessageSchema.safeParse({ type: 'ready', pid: '12' }).success).toBe(false)
  })

  it('serializes errors as plain objects', () => {
    expect(toProtocolError(new RangeError('too big'))).toEqual({ name: 'RangeError', message: 'too big' })
    expect(toProtocolError('plain')).toEqual({ name: 'Error', message: 'plain' })
  })
})
