/**
 * The message protocol between the host and a trainer process.
 *
 * The same messages travel over Electron's utilityProcess port and Node's child_process IPC channel. Every message
 * has a `type`; requests carry a `seq` that their reply echoes; errors cross as plain objects. Both sides parse
 * every incoming message with these schemas, so a malformed message is a clear protocol error, not a crash.
 */
import { z } from 'zod'

export const backendNames = ['tensorflow', 'wasm', 'cpu'] as const
export type BackendName = (typeof backendNames)[number]

/** What the trainer found out about one TF.js backend. */
export const backendReportSchema = z.object({
  name: z.enum(backendNames),
  /** The npm package that provides it. */
  package: z.string(),
  available: z.boolean(),
  /** Why it is not available, in words a researcher can act on. */
  reason: z.string().optional()
})
export type BackendReport = z.infer<typeof backendReportSchema>

export const protocolErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  details: z.unknown().optional()
})
export type ProtocolError = z.infer<typeof protocolErrorSchema>

// host → trainer
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('probe'), seq: z.number().int() }),
  z.object({ type: z.literal('shutdown') })
])
export type HostMessage = z.infer<typeof hostMessageSchema>

// trainer → host
export const trainerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({
    type: z.literal('probe:result'),
    seq: z.number().int(),
    backend: z.enum(backendNames),
    backends: z.array(backendReportSchema),
    tfjsVersion: z.string(),
    pid: z.number().int()
  }),
  z.object({ type: z.literal('error'), seq: z.number().int().optional(), error: protocolErrorSchema })
])
export type TrainerMessage = z.infer<typeof trainerMessageSchema>

/** Turns anything thrown into the plain error object that crosses process boundaries. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { name: 'Error', message: String(error) }
}
