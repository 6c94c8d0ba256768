import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ZodType } from 'zod'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { Errors } from '../errors.js'
import { loadBundle } from '../modules/imports/imports.bundle.js'
import { FeaturesQuerySchema, HistoryQuerySchema, SnapshotQuerySchema } from '../modules/imports/imports.schemas.js'
import { type ImportContext, importFeatures, importHistory, importSnapshot } from '../modules/imports/imports.service.js'
import { EventsImportQuerySchema, TalliesImportQuerySchema } from '../modules/imports/imports.schemas.js'
import { importEvents, importTallies } from '../modules/imports/events-import.js'
import { toProblem } from '../plugins/errors.js'
import { LruCache } from '../read/cache.js'
import { describeImport, Refusal } from './problems.js'
import { type ImportKind, sendBundle, sendImport } from './remote.js'
import type { Connection } from './target.js'
import { type Args, IMPORT_PARAMETERS } from './usage.js'

const KINDS: ImportKind[] = ['snapshot', 'history', 'features', 'events', 'tallies']

export async function importCommand(connection: Connection, args: Args): Promise<void> {
  const target = args.positionals[1]
  if (!target) throw new Error('import needs a folder or a file (frontline help import)')
  if (args.positionals.length > 2) throw new Error(`import takes one folder or file, not ${args.positionals.slice(1).join(' ')}`)
  if (!existsSync(target)) throw new Error(`${target} does not exist`)
  if (statSync(target).isDirectory()) return importFolder(connection, args, target)

  const { dataset, kind } = args.values
  if (!dataset || !kind) throw new Error('importing a file needs --dataset and --kind (frontline help import)')
  if (!KINDS.includes(kind as ImportKind)) throw new Error(`unknown kind ${kind}: snapshot, history, features, events or tallies`)
  const query = importQuery(args)
  const file = readFileSync(target)
  const result = await connection.run(
    'import',
    args,
    (database) => importLocally(connection.config, database, dataset, kind as ImportKind, file, query, target),
    (api) => withWaiting(file.length, api.where, () => sendImport(api, dataset, kind as ImportKind, file, query)),
  )
  const answer = result as Parameters<typeof describeImport>[0]
  process.stdout.write(`${args.values.json ? JSON.stringify(result, null, 2) : describeImport(answer)}\n`)
  // A dry run that found problems exits as the import would: with an error, after its report.
  if (answer.dryRun && Array.isArray(answer.refused) && answer.refused.length > 0) {
    throw new Error(`dry run: the import would be refused (${answer.refused.length} problem(s)); nothing was written`)
  }
}

/** The query parameters of the import, one per flag given, named as the API names them. */
export function importQuery(args: Args): Record<string, string> {
  const query: Record<string, string> = {}
  for (const { flag, parameter } of IMPORT_PARAMETERS) {
    const value = args.values[flag]
    if (value === undefined || value === false) continue
    if (flag === 'rules') query[parameter] = readRules(String(value))
    else query[parameter] = value === true ? 'true' : String(value)
  }
  return query
}

/** A rules file as the compact JSON text the rules parameter takes; a file that is not JSON is named with the parser's reason. */
function readRules(file: string): string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`--rules ${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
  try {
    return JSON.stringify(JSON.parse(text))
  } catch (error) {
    throw new Error(`--rules ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const SCHEMAS: Record<ImportKind, ZodType> = {
  snapshot: SnapshotQuerySchema,
  history: HistoryQuerySchema,
  features: FeaturesQuerySchema,
  events: EventsImportQuerySchema,
  tallies: TalliesImportQuerySchema,
}
const ROUTES: Record<ImportKind, string> = { snapshot: 'snapshots', history: 'history', features: 'features', events: 'events', tallies: 'tallies' }
/** The formats of event and tally files that are CSV text; the others are GeoJSON. */
const CSV_FORMATS = ['acled', 'ucdp', 'frontline']

/**
 * The import on this process's database, by the service the route calls, so that progress can be
 * shown. The query is held to the route's rules first: a parameter the kind does not take is
 * refused, as the route refuses it, never dropped.
 */
async function importLocally(
  config: Config,
  database: Database,
  dataset: string,
  kind: ImportKind,
  file: Uint8Array<ArrayBuffer>,
  query: Record<string, string>,
  label: string,
): Promise<unknown> {
  const what = `import refused (POST /v1/datasets/${dataset}/${ROUTES[kind]})`
  const parsed = parseQuery(SCHEMAS[kind], query, what)
  const ctx: ImportContext = {
    db: database.db,
    writer: 'cli',
    limits: {
      maxFeatures: config.MAX_FEATURES_PER_IMPORT,
      maxVerticesPerImport: config.MAX_VERTICES_PER_IMPORT,
      maxVerticesPerFeature: config.MAX_VERTICES_PER_FEATURE,
    },
    cache: new LruCache(config.CACHE_ENTRIES, config.CACHE_MAX_MB * 1024 * 1024),
    progress: progress(label),
  }
  try {
    if (kind === 'snapshot') return await importSnapshot(ctx, dataset, { bytes: file }, parsed as Parameters<typeof importSnapshot>[3])
    if (kind === 'history') return await importHistory(ctx, dataset, { bytes: file }, parsed as Parameters<typeof importHistory>[3])
    const eventFile = { bytes: file, csv: CSV_FORMATS.includes(query.format ?? '') }
    if (kind === 'events') return await importEvents(ctx, dataset, eventFile, parsed as Parameters<typeof importEvents>[3])
    if (kind === 'tallies') return await importTallies(ctx, dataset, eventFile, parsed as Parameters<typeof importTallies>[3])
    return await importFeatures(ctx, dataset, { bytes: file }, parsed as Parameters<typeof importFeatures>[3])
  } catch (error) {
    throw asRefusal(error, what)
  }
}

/** A declared error of the service as the refusal the route would answer; anything else as it is. */
function asRefusal(error: unknown, what: string): unknown {
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string' || !(code in Errors)) return error
  const problem = toProblem(error as Parameters<typeof toProblem>[0])
  return new Refusal(what, { status: problem.status, text: JSON.stringify(problem) })
}

/** The route's query rules: unknown parameters refused by name (with those accepted), then the schema. */
function parseQuery(schema: ZodType, query: Record<string, string>, what: string): unknown {
  const shape = (schema as { shape?: Record<string, unknown> }).shape
  const problems: { path: string; code: string; reason: string }[] = []
  if (shape) {
    const accepted = Object.keys(shape).sort()
    for (const name of Object.keys(query)) {
      if (!(name in shape))
        problems.push({ path: `/query/${name}`, code: 'UNKNOWN_PARAMETER', reason: `unknown parameter "${name}"; accepted: ${accepted.join(', ')}` })
    }
    if (problems.length > 0) {
      throw new Refusal(what, {
        status: 400,
        text: JSON.stringify({ status: 400, code: 'UNKNOWN_PARAMETER', detail: 'this import does not take these parameters', errors: problems }),
      })
    }
  }
  const parsed = schema.safeParse(query)
  if (parsed.success) return parsed.data
  for (const issue of parsed.error.issues) {
    problems.push({ path: `/query/${issue.path.map(String).join('/')}`, code: String(issue.code).toUpperCase(), reason: issue.message })
  }
  const detail = `Invalid request: ${problems.map((problem) => `${problem.path}: ${problem.reason}`).join('; ')}`
  throw new Refusal(what, { status: 400, text: JSON.stringify({ status: 400, code: 'INVALID_REQUEST', detail, errors: problems }) })
}

async function importFolder(connection: Connection, args: Args, target: string): Promise<void> {
  if (!existsSync(join(target, 'manifest.json'))) throw new Error(`${target} has no manifest.json`)
  const log = (line: string) => process.stdout.write(`${line}\n`)
  const { config } = connection
  await connection.run(
    'import',
    args,
    async (database) => {
      const limits = {
        maxFeatures: config.MAX_FEATURES_PER_IMPORT,
        maxVerticesPerImport: config.MAX_VERTICES_PER_IMPORT,
        maxVerticesPerFeature: config.MAX_VERTICES_PER_FEATURE,
      }
      // A cache of its own for geometries already validated: a folder's daily snapshots repeat most of them.
      const cache = new LruCache(config.CACHE_ENTRIES, config.CACHE_MAX_MB * 1024 * 1024)
      await loadBundle({ db: database.db, limits, writer: 'cli', cache, progress: progress(target) }, target, log)
    },
    (api) => sendBundle(api, target, log),
  )
}

/**
 * Validation progress of a local import on stderr, for files of 1,000 features or more: a line
 * rewritten in place on a terminal, a line per quarter otherwise (a log keeps every line).
 */
function progress(label: string) {
  let last = 0
  let quarter = 0
  const tty = process.stderr.isTTY === true
  return (done: number, total: number) => {
    if (total < 1000) return
    if (tty) {
      const now = Date.now()
      if (now - last > 250 || done === total) {
        last = now
        process.stderr.write(`\r${label}: validated ${done}/${total} features`)
        if (done === total) process.stderr.write('\n')
      }
    } else if (done === total || Math.floor((4 * done) / total) > quarter) {
      quarter = Math.floor((4 * done) / total)
      process.stderr.write(`${label}: validated ${done}/${total} features\n`)
    }
  }
}

/** A large file sent to a server: said once, and on a terminal the seconds waited while the server validates and writes. */
async function withWaiting<T>(bytes: number, where: string, send: () => Promise<T>): Promise<T> {
  if (bytes < 1024 * 1024) return send()
  const started = Date.now()
  process.stderr.write(`sending ${(bytes / 1024 / 1024).toFixed(1)} MB to ${where}; the server validates and writes it\n`)
  const timer = process.stderr.isTTY
    ? setInterval(() => process.stderr.write(`\rwaiting for the server: ${Math.round((Date.now() - started) / 1000)} s`), 1000)
    : undefined
  try {
    return await send()
  } finally {
    if (timer) {
      clearInterval(timer)
      process.stderr.write('\n')
    }
    process.stderr.write(`answered in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  }
}
