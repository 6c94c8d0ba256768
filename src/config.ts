import { availableParallelism } from 'node:os'
import { z } from 'zod'

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port'),
  HOST: z.string().default('127.0.0.1').describe('interface to listen on; 0.0.0.0 in containers'),
  // An empty value (DATABASE_URL= in a shell or a compose file) means unset, as it does for libpq.
  DATABASE_URL: z
    .preprocess((value) => (value === '' ? undefined : value), z.string().url().optional())
    .describe('PostgreSQL URL (15 or newer); unset: embedded PGlite under DATA_DIR'),
  DATA_DIR: z.string().default('.data').describe('where the embedded database and the generated API token live'),
  API_TOKENS: z
    .string()
    .optional()
    .describe(
      'comma-separated write tokens, each `label:token` (the label is recorded as `submittedBy` of imports) or a bare token (labelled token-1, token-2… by position); unset: one is generated at first start, labelled `generated`, kept in DATA_DIR and printed once',
    ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  BODY_LIMIT_MB: z.coerce.number().positive().max(1024).default(64).describe('largest request body accepted, in MiB'),
  MAX_FEATURES_PER_IMPORT: z.coerce.number().int().positive().default(20_000).describe('features accepted in one import'),
  MAX_VERTICES_PER_IMPORT: z.coerce.number().int().positive().default(5_000_000).describe('vertices accepted in one import, all features together'),
  MAX_VERTICES_PER_FEATURE: z.coerce.number().int().positive().default(1_000_000).describe('vertices accepted in one geometry'),
  ANALYSIS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(20_000)
    .describe('longest an analysis may run on its worker thread (the thread is then terminated) and longest it may wait for one; 503 ANALYSIS_TIMEOUT beyond'),
  MAX_SERIES_STEPS: z.coerce.number().int().positive().default(400).describe('most dates one time-series analysis may evaluate'),
  MAX_AREA_STEPS: z.coerce
    .number()
    .int()
    .positive()
    .default(40_000)
    .describe(
      'most steps one area series may have: a step reads the timeline and costs nothing where the map did not change (40,000 daily steps: over a century)',
    ),
  CORS_ORIGINS: z
    .string()
    .default('*')
    .describe(
      "origins whose pages may call the API from a browser: '*' (any), a comma-separated list (https://a.example,https://b.example), or empty for none; writes still need the token",
    ),
  MAX_CONCURRENT_ANALYSES: z.coerce.number().int().positive().default(8).describe('analyses running or waiting for a worker at once; more are answered 429'),
  ANALYSIS_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(Math.max(1, availableParallelism()))
    .describe('worker threads that run analyses and geometry validation (default: the cores)'),
  ANALYSIS_PER_CLIENT: z.coerce
    .number()
    .int()
    .positive()
    .default(Math.max(1, Math.ceil(availableParallelism() / 2)))
    .describe(
      'analyses one client (address) may have running or waiting at once, so no client holds every worker; more are answered 429 (default: half the cores)',
    ),
  ANALYSIS_MAX_COST: z.coerce
    .number()
    .int()
    .positive()
    .default(40_000_000)
    .describe(
      'largest estimated cost of an analysis accepted, in microseconds of work on the reference machine (vertices read, weighted per analysis); more is refused up front with 422',
    ),
  ANALYSIS_INLINE_US: z.coerce
    .number()
    .int()
    .min(0)
    .default(8_000)
    .describe(
      'an analysis estimated at most this many microseconds of work (as ANALYSIS_MAX_COST counts them) runs on the thread that answers requests when no other is running there, sparing the hop to a worker and back; 0: every analysis on a worker',
    ),
  TRUST_PROXY: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe(
      'reverse proxies in front of the service: the client address (per-client shares, auth-failure limits) is read that many hops from the right of X-Forwarded-For, which a client cannot forge past them; 0: the connecting address',
    ),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10).describe('PostgreSQL connections per process (PGlite has one)'),
  CACHE_ENTRIES: z.coerce.number().int().positive().default(5000).describe('entries kept in the in-process cache of derived geometry and answers'),
  CACHE_MAX_MB: z.coerce.number().positive().default(256).describe('memory the in-process cache may hold (estimated), MiB'),
  // A map or page past this would be built whole (its text, then its compressed forms) once per
  // request that misses the cache, and a quarter of CACHE_MAX_MB is the largest entry kept anyway.
  STREAM_FROM_MB: z.coerce
    .number()
    .positive()
    .default(32)
    .describe(
      'a map (GET /v1/control) or items page whose GeoJSON is estimated (from its vertex counts, before any geometry is read) past this many MiB is streamed from the store in batches, compressed on the way, never built whole nor cached',
    ),
  HEADERS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5_000)
    .describe('longest a client may take to send a request line and headers (a new connection that sends nothing is closed then too); 408 beyond'),
  REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe(
      'longest a client may take to send a whole request, headers and body (not the time to answer it); 408 beyond. The largest body at 64 MiB needs 6.4 MiB/s: raise it for large uploads over slow links',
    ),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5_000)
    .describe('an idle keep-alive connection is closed after this long; behind a proxy, keep it above the proxy’s idle timeout'),
  SOCKET_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60_000)
    .describe(
      'a connection with no traffic either way for this long is closed, whatever it is doing (a client that stops reading an answer); above ANALYSIS_TIMEOUT_MS; 0: never',
    ),
  MAX_CONNECTIONS: z.coerce
    .number()
    .int()
    .min(1)
    .default(512)
    .describe(
      'open connections served at once; past them a new connection is answered 503 TOO_MANY_CONNECTIONS and closed (keep it under the file limit, ulimit -n)',
    ),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(8_000)
    .describe('on SIGTERM/SIGINT, how long requests in flight may finish before every connection is closed (under docker stop’s 10 s)'),
  AUTH_FAILURE_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .default(10)
    .describe(
      'failed authentications one client address may make within AUTH_FAILURE_WINDOW_MS; past them its writes are answered 429 until the window passes',
    ),
  AUTH_FAILURE_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(60_000)
    .describe('the window over which failed authentications are counted, per client address'),
  VIEWER_BASEMAP_URL: z
    .preprocess((value) => (value === '' ? undefined : value), z.string().url().optional())
    .describe(
      'a raster tile URL template ({z}/{x}/{y}, e.g. a tile server of your own) the viewer draws under its bundled base map; unset: the bundled base map alone, nothing fetched off the machine',
    ),
  VIEWER_BASEMAP_ATTRIBUTION: z.string().default('').describe('the attribution the viewer shows for VIEWER_BASEMAP_URL'),
  LOAD_DEFAULT_DATASET: z
    .enum(['auto', 'always', 'never'])
    .default('auto')
    .describe('load the bundled aleppo-2024 dataset at start: auto = on the embedded database when it is missing'),
})

/** A write token and the label recorded for what it writes (never the token, nor a hash of it). */
export interface Writer {
  label: string
  token: string
}

export type Config = Readonly<
  z.infer<typeof EnvSchema> & {
    /** Who may write, in the order configured. */
    writers: readonly Writer[]
    /** The writers' tokens, in the same order (what a client sends). */
    apiTokens: readonly string[]
  }
>
export const configDescription = Object.entries(EnvSchema.shape).map(([name, schema]) => ({
  name,
  description: schema.description ?? '',
}))

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/**
 * `label:token,…` or bare tokens, labelled `token-N` by position. The text before the first colon is a label when it
 * looks like one, so a bare token that contains a colon must be given a label.
 */
export function parseWriters(text: string | undefined): { writers: Writer[]; problems: string[] } {
  const entries = (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
  const writers: Writer[] = []
  const problems: string[] = []
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':')
    const labelled = colon > 0 && LABEL.test(entry.slice(0, colon))
    const label = labelled ? entry.slice(0, colon) : `token-${index + 1}`
    const token = labelled ? entry.slice(colon + 1).trim() : entry
    // Problems name entries by position and label only: the environment's tokens never reach an error message.
    if (token.length === 0) problems.push(`entry ${index + 1} (${label}) has no token after its label`)
    else if (writers.some((writer) => writer.label === label)) problems.push(`entry ${index + 1}: the label ${label} is used twice`)
    else if (writers.some((writer) => writer.token === token)) problems.push(`entry ${index + 1} (${label}) repeats the token of another entry`)
    else writers.push({ label, token })
  })
  return { writers, problems }
}

const CheckedEnvSchema = EnvSchema.superRefine((env, ctx) => {
  for (const message of parseWriters(env.API_TOKENS).problems) ctx.addIssue({ code: 'custom', path: ['API_TOKENS'], message })
  // Node refuses a headers timeout longer than the request timeout; say so in our terms.
  if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS)
    ctx.addIssue({ code: 'custom', path: ['HEADERS_TIMEOUT_MS'], message: `must not exceed REQUEST_TIMEOUT_MS (${env.REQUEST_TIMEOUT_MS})` })
  // A silent socket is cut after SOCKET_TIMEOUT_MS: an analysis computing its answer (silent until it ends) must finish
  // first. It may wait for a thread up to its budget, then run its budget (and a second of grace).
  const longestAnalysisMs = 2 * env.ANALYSIS_TIMEOUT_MS + 1000
  if (env.SOCKET_TIMEOUT_MS !== 0 && env.SOCKET_TIMEOUT_MS <= longestAnalysisMs)
    ctx.addIssue({
      code: 'custom',
      path: ['SOCKET_TIMEOUT_MS'],
      message: `must exceed twice ANALYSIS_TIMEOUT_MS and a second (${longestAnalysisMs}), the longest an analysis may wait and run, or be 0`,
    })
})

/** Parses the environment once; reports every invalid variable together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = CheckedEnvSchema.safeParse(env)
  if (!parsed.success) throw new Error(`Invalid environment:\n${z.prettifyError(parsed.error)}`)
  const { writers } = parseWriters(parsed.data.API_TOKENS)
  return Object.freeze({ ...parsed.data, writers, apiTokens: writers.map((writer) => writer.token) })
}
