/**
 * Data that does not come from a built-in generator: the bundled real series (`data:NAME`) and the researcher's CSV
 * files (`csv:PATH`). Runs inside trainer processes (and the CLI's inspect-csv); never touches the database.
 */
import type { RunConfig } from '../../shared/config'
import type { SequenceDataset } from '../../shared/data/types'

export async function loadExternalDataset(config: RunConfig): Promise<SequenceDataset> {
  throw new Error(`Data source "${config.task}" is not supported yet: use a built-in task (adding, copy, sine, order, noise)`)
}
