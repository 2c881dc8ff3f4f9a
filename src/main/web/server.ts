/**
 * Browser mode: the host serves the built UI and the GateLab API over HTTP on loopback only.
 *
 *   GET  /api/health              {"ok":true,...}; needs the token
 *   POST /api/call/:method        JSON arguments in, ApiResponse out; needs the token
 *   GET  /api/events?token=…      Server-Sent Events carrying ApiEvent objects
 *   POST /api/upload?name=F.csv   a data file (raw bytes) saved into the lab's data folder (upload.ts); needs the token
 *   GET  /*                       the built renderer (index.html for unknown paths)
 *
 * Guards, as Jupyter does: a random per-launch token (query `token=` or `Authorization: Bearer`), a Host header that
 * must name a loopback address (against DNS rebinding), and an Origin, when sent, that must be exactly this server's
 * origin (http://127.0.0.1:PORT or http://localhost:PORT; never `null`, never another port). Malformed URLs and
 * headers answer 400 (one log line, no stack trace); a body over MAX_BODY_BYTES answers 413; at most
 * MAX_EVENT_STREAMS event streams are open at once per token (429 beyond). Data paths in requests are checked by
 * the Lab (src/main/access/dataPaths.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { ApiEvent, ApiResponse } from '../../shared/api'
import type { Lab } from '../lab'
import { saveUpload, UploadError } from './upload'
import packageJson from '../../../package.json'

export interface WebServerOptions {
  lab: Lab
  /** The built renderer (out/renderer). */
  staticDir: string
  /** 0 picks a free port. */
  port?: number
  token?: string
}

export interface WebServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

/** The Content-Security-Policy of the UI: nothing remote, no eval; inline styles only for ECharts' element styles. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

const MAX_BODY_BYTES = 1 << 20
/** Open /api/events streams per token (the UI needs one per tab). */
export const MAX_EVENT_STREAMS = 16

class BodyTooLarge extends Error {}
class MalformedRequest extends Error {}
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm'
}

/** The host name of a Host header value ("127.0.0.1:8080" → "127.0.0.1", "[::1]:80" → "[::1]"). */
function hostName(header: string): string {
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1)
  return header.split(':')[0] ?? ''
}

export function isLoopbackHost(header: string | undefined): boolean {
  return header !== undefined && loopbackHosts.has(hostName(header).toLowerCase())
}

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(text)
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } })
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge(`The request body is over ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const staticRoot = resolve(options.staticDir)
  const indexHtml = join(staticRoot, 'index.html')
  const { lab } = options
  const streams = new Set<ServerResponse>()

  let origins = new Set<string>()

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof MalformedRequest) {
        if (!res.headersSent) sendError(res, 400, 'bad_request', error.message)
        else res.end()
        return
      }
      // One line, no stack trace: the log is for people, and request details are not theirs to debug.
      console.error(`GateLab: request ${String(req.method).slice(0, 10)} ${String(req.url).slice(0, 200)} failed: ${error instanceof Error ? error.message : String(error)}`)
      if (!res.headersSent) sendError(res, 500, 'internal', 'The request failed inside GateLab; see the host log')
      else res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff')
    res.setHeader('referrer-policy', 'no-referrer')
    if (!isLoopbackHost(req.headers.host)) {
      sendError(res, 403, 'forbidden_host', 'GateLab answers only requests addressed to 127.0.0.1, localhost or [::1]')
      return
    }
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1')
      decodeURIComponent(url.pathname)
    } catch {
      throw new MalformedRequest('The request URL is malformed')
    }
    if (!url.pathname.startsWith('/api/')) {
      serveStatic(url.pathname, req, res)
      return
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (!tokenMatches(bearer ?? url.searchParams.get('token'), token)) {
      sendError(res, 401, 'unauthorized', 'Missing or wrong token: open the URL GateLab printed when it started')
      return
    }
    const origin = req.headers.origin
    if (origin !== undefined && origin !== 'null' && !URL.canParse(origin)) throw new MalformedRequest('The Origin header is malformed')
    if (origin !== undefined && !origins.has(origin.toLowerCase())) {
      sendError(res, 403, 'forbidden_origin', `Requests from ${JSON.stringify(origin.slice(0, 100))} are not allowed: only from this GateLab page`)
      return
    }

    if (url.pathname === '/api/health' && req.method === 'GET') {
      sendJson(res, 200, { ok: true, app: packageJson.productName, version: packageJson.version, pid: process.pid })
      return
    }
    if (url.pathname === '/api/events' && req.method === 'GET') {
      if (streams.size >= MAX_EVENT_STREAMS) {
        sendError(res, 429, 'too_many_streams', `At most ${MAX_EVENT_STREAMS} event streams may be open at once; close other GateLab tabs`)
        return
      }
      openEventStream(req, res)
      return
    }
    if (url.pathname === '/api/upload' && req.method === 'POST') {
      // A data file for the New run form, saved into the lab's data folder (src/main/web/upload.ts).
      await saveUpload(req, lab.store.path, url.searchParams.get('name') ?? 'upload.csv').then(
        (saved) => sendJson(res, 200, { ok: true, value: saved }),
        (error: unknown) => {
          if (!(error instanceof UploadError)) throw error
          // The rest of an oversized body is not read: close the connection, so it is not reused half-read.
          if (error.status === 413) res.setHeader('connection', 'close')
          sendError(res, error.status, error.code, error.message)
        }
      )
      return
    }
    const call = /^\/api\/call\/([A-Za-z]+)$/.exec(url.pathname)
    if (call && req.method === 'POST') {
      let args: unknown
      try {
        if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw new BodyTooLarge(`The request body is over ${MAX_BODY_BYTES} bytes`)
        const body = await readBody(req)
        args = body.trim() === '' ? {} : JSON.parse(body)
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          sendError(res, 413, 'too_large', error.message)
          req.resume()
          return
        }
        sendError(res, 400, 'bad_request', `The request body is not valid JSON: ${(error as Error).message}`)
        return
      }
      const response: ApiResponse<unknown> = await lab.dispatch(call[1]!, args)
      sendJson(res, response.ok ? 200 : statusOf(response.error.code), response)
      return
    }
    sendError(res, 404, 'not_found', `No API endpoint ${req.method} ${url.pathname}`)
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive'
    })
    res.write('retry: 2000\n\n')
    streams.add(res)
    const unsubscribe = lab.events.subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`))
    // Subscribed: every event from now on reaches this stream, so history read after this line misses nothing.
    res.write(`data: ${JSON.stringify({ type: 'events:open' } satisfies ApiEvent)}\n\n`)
    // A comment line now and then keeps proxies and idle timeouts from closing a quiet stream.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
    req.on('close', () => {
      clearInterval(keepAlive)
      unsubscribe()
      streams.delete(res)
    })
  }

  function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed here`)
      return
    }
    let file = resolve(staticRoot, '.' + normalize(decodeURIComponent(pathname)))
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) {
      sendError(res, 404, 'not_found', 'Not found')
      return
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = indexHtml
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('The GateLab UI has not been built yet: run `npm run build`, then reload.')
      return
    }
    res.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy,
      'cache-control': file === indexHtml ? 'no-store' : 'public, max-age=31536000, immutable'
    })
    if (req.method === 'HEAD') res.end()
    else createReadStream(file).pipe(res)
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise())
  })
  const port = (server.address() as AddressInfo).port
  origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise((resolvePromise) => {
        for (const stream of streams) stream.end()
        server.close(() => resolvePromise())
        server.closeAllConnections()
      })
  }
}

function statusOf(code: string): number {
  switch (code) {
    case 'bad_request':
      return 400
    case 'unknown_method':
    case 'not_found':
      return 404
    case 'unauthorized':
      return 401
    default:
      return 500
  }
}
