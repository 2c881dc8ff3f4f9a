/** `gatelab serve`: browser mode. Serves the UI and the API on 127.0.0.1 until Ctrl-C. */
import { createNodeLab, rendererDir } from '../host'
import { resolveDbPath } from '../paths'
import { startWebServer } from '../web/server'
import { createServer } from 'node:net'
import { UsageError, intFlag, parseCommandArgs } from './args'

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

export const serveUsage = 'gatelab serve [--db PATH] [--port N]   serve the lab UI in your browser (loopback only)'

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('serve', argv, {
    db: { type: 'string' },
    port: { type: 'string' }
  })
  const port = intFlag('port', values.port, 0, 65535) ?? 0
  const dbPath = resolveDbPath(values.db)
  // A busy port is found before the database is opened (or created): a mistyped --port leaves no trace.
  if (port !== 0 && !(await portIsFree(port))) {
    throw new UsageError(`Port ${port} is already in use: pick another with --port, or --port 0 for any free one`)
  }
  const lab = createNodeLab({ dbPath, mode: 'browser', owner: 'browser' })
  let server
  try {
    server = await startWebServer({ lab, staticDir: rendererDir(), port })
  } catch (error) {
    await lab.close()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') throw new UsageError(`Port ${port} is already in use: pick another with --port, or --port 0 for any free one`)
    throw error
  }
  const running = server
  const stopped = new Promise<number>((resolve) => {
    let stopping = false
    const stop = (): void => {
      if (stopping) return
      stopping = true
      console.error('Stopping GateLab…')
      void Promise.all([running.close(), lab.close()]).then(() => {
        console.error('GateLab stopped.')
        resolve(0)
      })
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  // Print the URL only once Ctrl-C is handled: whoever reads this line may stop us right away.
  console.log(`GateLab is running at ${server.url}`)
  console.error(`Database: ${dbPath}\nPress Ctrl-C to stop.`)
  return stopped
}
