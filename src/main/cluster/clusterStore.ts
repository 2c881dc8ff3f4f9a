/**
 * What the cluster code needs from the run store: the Store's own cluster methods (src/main/store/store.ts, section
 * "Cluster (Slurm) runs") and the ordinary run life cycle. Tests and benches pass a Store; the Lab passes its own.
 */
import type { Store } from '../store/store'

export type ClusterStore = Pick<
  Store,
  | 'path'
  | 'createSweep'
  | 'createRuns'
  | 'finishRun'
  | 'getRunSummary'
  | 'getSweep'
  | 'addClusterRuns'
  | 'listClusterRuns'
  | 'activeClusterBundles'
  | 'setClusterStates'
  | 'importClusterStep'
>
