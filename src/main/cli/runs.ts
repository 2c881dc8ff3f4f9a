/**
 * `gatelab runs` and `gatelab show RUN`: read the lab's runs from a terminal. Both open the store as a `cli` owner
 * (so runs orphaned by a killed host are reported as interrupted, not as running forever) and never create a
 * database: a --db path that does not exist is bad input (exit 2), not a new empty lab.
 */
import { inWords } from '../../shared/wording'
import { resolveDbPath } from '../paths'
import { diskFullWords } from '../store/diskspace'
import { terminalText } from './terminal'
import { Store, StoreError, type MetricSummary, type RunQuery, type RunRecord, type RunRow } from '../store/store'
import { UsageError, intFlag, parseCommandArgs } from './args'
import { runStatusSchema, type RunStatus } from '../../shared/protocol'
import { baselinesJson, runBaselineReport } from '../../shared/baselines/skill'
import { baselineLines, skillCell } from './baselineText'

export const runsUsage =
  'gatelab runs [--db PATH] [--json] [--status S] [--cell C] [--tag T] [--sweep ID] [--search TEXT] [--sort KEY] [--asc] [--limit N] [--archived]   list runs, newest first'
export const showUsage = 'gatelab show RUN [--db PATH] [--json]   one run (an id or a unique prefix): config, dataset, metric summary, artifacts'

export function openForReading(db: string | undefined): Store {
  const path = resolveDbPath(db)
  try {
    return Store.open(path, { owner: { kind: 'cli' }, create: false })
  } catch (error) {
    // A full disk still lets the lab be listed and viewed: read-only (no owner row, nothing written).
    if (!(error instanceof StoreError) || error.code !== 'disk_full') throw error
    const store = Store.open(path, { owner: { kind: 'cli' }, create: false, readOnly: true })
    console.error(`gatelab: ${diskFullWords(path)}; showing the lab read-only (nothing can be written until space is freed).`)
    return store
  }
}

export async function runs(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('runs', argv, {
    db: { type: 'string' },
    json: { type: 'boolean' },
    status: { type: 'string', multiple: true },
    cell: { type: 'string', multiple: true },
    tag: { type: 'string', multiple: true },
    sweep: { type: 'string' },
    search: { type: 'string' },
    sort: { type: 'string' },
    asc: { type: 'boolean' },
    limit: { type: 'string' },
    archived: { type: 'boolean' }
  })
  if (positionals.length > 0) throw new UsageError(`runs: unexpected argument "${positionals[0]}" (filters are flags, e.g. --status running)`)
  for (const s of values.status ?? []) {
    if (!runStatusSchema.safeParse(s).success) throw new UsageError(`--status must be one of ${runStatusSchema.options.join(', ')}, not "${s}"`)
  }
  const limit = intFlag('limit', values.limit, 1, 100_000) ?? (values.json ? 100_000 : 50)
  const query: RunQuery = {
    status: values.status as RunStatus[] | undefined,
    cell: values.cell,
    tag: values.tag,
    sweepId: values.sweep,
    text: values.search,
    sort: values.sort,
    order: values.asc ? 'asc' : 'desc',
    archived: values.archived ? 'include' : 'exclude',
    limit
  }
  const store = openForReading(values.db)
  try {
    const { rows, total } = store.listRuns(query)
    if (values.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n')
      return 0
    }
    if (rows.length === 0) {
      console.log(total === 0 && !hasFilters(query) ? `No runs yet in ${store.path}. Start one with \`gatelab train\`.` : 'No runs match.')
      return 0
    }
    // Skill against the baselines needs each run's stored dataset (a detail read per listed run).
    const table = rows.map((r) => [r.id, r.status, r.cell, r.task, r.paramCount?.toLocaleString('en-US') ?? '', headline(r), r.status === 'completed' ? skillCell(runBaselineReport(store.getRun(r.id))) : '', localTime(r.createdAt), r.name])
    printTable(['ID', 'STATUS', 'CELL', 'TASK', 'PARAMS', 'RESULT', 'SKILL', 'CREATED', 'NAME'], table)
    if (total > rows.length) console.log(`… ${total - rows.length} more (use --limit or filters)`)
    return 0
  } finally {
    store.close()
  }
}

export async function show(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('show', argv, { db: { type: 'string' }, json: { type: 'boolean' } })
  if (positionals.length !== 1) throw new UsageError('show: give exactly one run id (or a unique prefix of one); `gatelab runs` lists them')
  const store = openForReading(values.db)
  try {
    const run = store.getRun(store.resolveRunId(positionals[0]!))
    if (values.json) {
      process.stdout.write(JSON.stringify({ ...run, ...baselinesJson(runBaselineReport(run)) }, null, 2) + '\n')
      return 0
    }
    process.stdout.write(terminalText(describeRun(run), { keepNewlines: true }))
    // The trainer log (src/main/runner/log) is its own command: say where it is.
    const logLines = store.getRunLog(run.id).split('\n').filter((l) => l !== '').length
    if (logLines > 0) process.stdout.write(`\nTrainer log: ${logLines} lines, \`gatelab log ${run.id}\` prints them\n`)
    return 0
  } finally {
    store.close()
  }
}

function hasFilters(q: RunQuery): boolean {
  return Boolean(q.status || q.cell || q.tag || q.sweepId || q.text)
}

/** The one number a researcher scans a run list for: the best validation loss, else the last training loss. */
function headline(r: RunRow): string {
  const val = r.summary.valLoss
  if (val?.min != null) return `valLoss ${num(val.min)}`
  const loss = r.summary.loss
  if (loss?.last != null) return `loss ${num(loss.last)}`
  return ''
}

function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–'
  return Number.isInteger(v) ? String(v) : v.toPrecision(4)
}

function localTime(iso: string | null): string {
  if (!iso) return ''
  const d = new Date(iso)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

function printTable(header: string[], raw: string[][]): void {
  // User text (names, tasks) is escaped: a run name cannot clear the screen or retitle the terminal.
  const rows = raw.map((r) => r.map((c) => terminalText(c)))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  console.log([line(header), ...rows.map(line)].join('\n'))
}

function describeRun(run: RunRecord): string {
  const out: string[] = []
  const field = (label: string, value: unknown): void => {
    if (value !== null && value !== undefined && value !== '') out.push(`${`${label}:`.padEnd(13)}${terminalText(String(value))}`)
  }
  field('Run', run.id)
  field('Name', run.name)
  field('Status', run.status + (run.archived ? ' (archived)' : ''))
  field('Error', run.error && inWords(run.error, 'cli'))
  field('Cell', run.cellForm ?? run.cell)
  field('Task', run.task)
  if (run.dataset) field('Dataset', `${run.dataset.name}: ${run.dataset.description} (train ${run.dataset.train}, val ${run.dataset.val}, test ${run.dataset.test}; ${run.dataset.contentHash})`)
  field('Parameters', run.paramCount?.toLocaleString('en-US'))
  field('Backend', run.backend && `${run.backend}${run.engine ? `, ${run.engine} engine` : ''}`)
  field('Seed', run.seed)
  field('Created', localTime(run.createdAt))
  field('Started', localTime(run.startedAt))
  field('Ended', localTime(run.endedAt))
  field('Duration', run.durationMs === null ? null : `${(run.durationMs / 1000).toFixed(1)} s`)
  field('Epochs', run.epochs === null ? null : `${run.epochs} (${run.steps ?? '?'} steps)`)
  field('Sweep', run.sweepId && `${run.sweepId}${run.groupKey ? ` / ${run.groupKey}` : ''}`)
  field('Tags', run.tags.join(', '))
  if (run.best) field('Best', `${run.best.metric} ${num(run.best.value)} at epoch ${run.best.epoch}`)
  if (run.test && Object.keys(run.test).length > 0) field('Test', Object.entries(run.test).map(([k, v]) => `${k} ${num(v)}`).join(', '))
  const baselines = baselineLines(run)
  if (baselines.length > 0) out.push('', 'Baselines:', ...baselines.map((l) => `  ${l}`))
  const metrics = Object.entries(run.summary)
  if (metrics.length > 0) {
    out.push('', 'Metrics:')
    const rows = metrics.map(([name, s]: [string, MetricSummary]) => [
      name,
      String(s.count),
      num(s.last),
      s.min === null ? '–' : `${num(s.min)} @${s.minStep}`,
      s.max === null ? '–' : `${num(s.max)} @${s.maxStep}`
    ])
    const header = ['  metric', 'points', 'last', 'min @step', 'max @step']
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length + (i === 0 ? 2 : 0))))
    out.push(header.map((h, i) => h.padEnd(widths[i]!)).join('  ').trimEnd())
    for (const r of rows) out.push(r.map((c, i) => (i === 0 ? `  ${c}` : c).padEnd(widths[i]!)).join('  ').trimEnd())
  }
  if (run.artifacts.length > 0) {
    out.push('', 'Artifacts:')
    for (const a of run.artifacts) out.push(`  ${a.name} (${a.kind}, ${a.mediaType}, ${a.bytes.toLocaleString('en-US')} bytes, sha256 ${a.sha256.slice(0, 12)}…)`)
  }
  if (run.notes) out.push('', 'Notes:', ...run.notes.split('\n').map((l) => `  ${l}`))
  out.push('', 'Config:', ...JSON.stringify(run.config, null, 2).split('\n').map((l) => `  ${l}`))
  return out.join('\n') + '\n'
}
