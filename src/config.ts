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
    .describe('comma-separated bearer tokens allowed to write; unset: one is generated at first start, kept in DATA_DIR and printed once'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  BODY_LIMIT_MB: z.coerce.number().positive().max(1024).default(64).describe('largest request body accepted, in MiB'),
  MAX_FEATURES_PER_IMPORT: z.coerce.number().int().positive().default(20_000).describe('features accepted in one import'),
  MAX_VERTICES_PER_IMPORT: z.coerce.number().int().positive().default(5_000_000).describe('vertices accepted in one import, all features together'),
  MAX_VERTICES_PER_FEATURE: z.coerce.number().int().positive().default(1_000_000).describe('vertices accepted in one geometry'),
  ANALYSIS_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000).describe('longest an analysis request may run before it is answered 503'),
  MAX_SERIES_STEPS: z.coerce.number().int().positive().default(400).describe('most dates one time-series analysis may evaluate'),
  MAX_CONCURRENT_ANALYSES: z.coerce.number().int().positive().default(4).describe('expensive analyses running at once; more are answered 429'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10).describe('PostgreSQL connections per process (PGlite has one)'),
  CACHE_ENTRIES: z.coerce.number().int().positive().default(500).describe('entries kept in the in-process cache of derived geometry and answers'),
  CACHE_MAX_MB: z.coerce.number().positive().default(256).describe('memory the in-process cache may hold (estimated), MiB'),
  LOAD_DEFAULT_DATASET: z
    .enum(['auto', 'always', 'never'])
    .default('auto')
    .describe('load the bundled aleppo-2024 dataset at start: auto = on the embedded database when it is missing'),
})

export type Config = Readonly<z.infer<typeof EnvSchema> & { apiTokens: readonly string[] }>
export const configDescription = Object.entries(EnvSchema.shape).map(([name, schema]) => ({
  name,
  description: schema.description ?? '',
}))

/** Parses the environment once; reports every invalid variable together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) throw new Error(`Invalid environment:\n${z.prettifyError(parsed.error)}`)
  const apiTokens = (parsed.data.API_TOKENS ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token.length > 0)
  return Object.freeze({ ...parsed.data, apiTokens })
}
