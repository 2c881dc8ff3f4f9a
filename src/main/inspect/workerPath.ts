/** Where the built inspector worker lives: electron-vite bundles it separately and gives us its path (like the trainer). */
import inspectWorkerPath from './inspectWorker?modulePath'

export default inspectWorkerPath
