import t from 'tap'
import { loadConfig } from '../src/config.js'
import { parseDurationMs, parseInstant } from '../src/modules/common/time.js'

t.test('loadConfig', async (t) => {
  t.test('has defaults for everything', async (t) => {
    const config = loadConfig({})
    t.match(config, { PORT: 3000, DATA_DIR: '.data', BODY_LIMIT_MB: 64 })
    t.same(config.apiTokens, [])
  })
  t.test('an empty DATABASE_URL means the embedded database', async (t) => {
    t.equal(loadConfig({ DATABASE_URL: '' }).DATABASE_URL, undefined)
  })
  t.test('splits API_TOKENS', async (t) => {
    t.same(loadConfig({ API_TOKENS: ' a, b ,,c' }).apiTokens, ['a', 'b', 'c'])
  })
  t.test('reports every invalid variable at once', async (t) => {
    t.throws(() => loadConfig({ PORT: 'x', DATABASE_URL: 'nope', LOG_LEVEL: 'loud' }), /PORT[\s\S]*DATABASE_URL[\s\S]*LOG_LEVEL|PORT[\s\S]*LOG_LEVEL/)
  })
})

t.test('parseInstant', async (t) => {
  t.test('a bare date is the start of the day in an import and its end in a query', async (t) => {
    t.equal(parseInstant('2024-11-28', 'start-of-day')?.toISOString(), '2024-11-28T00:00:00.000Z')
    t.equal(parseInstant('2024-11-28', 'end-of-day')?.toISOString(), '2024-11-28T23:59:59.999Z')
  })
  t.test('instants with and without offsets', async (t) => {
    t.equal(parseInstant('2024-11-28T06:30Z', 'end-of-day')?.toISOString(), '2024-11-28T06:30:00.000Z')
    t.equal(parseInstant('2024-11-28T06:30:15.5+03:00', 'end-of-day')?.toISOString(), '2024-11-28T03:30:15.500Z')
    t.equal(parseInstant('2024-11-28T06:30', 'end-of-day')?.toISOString(), '2024-11-28T06:30:00.000Z')
  })
  t.test('refuses impossible dates and other text', async (t) => {
    for (const value of ['2024-02-30', '2024-13-01', '28/11/2024', 'tomorrow', '2024-11-28T25:00Z', ''])
      t.equal(parseInstant(value, 'start-of-day'), undefined, value)
  })
})

t.test('parseDurationMs', async (t) => {
  t.equal(parseDurationMs('P1D'), 86_400_000)
  t.equal(parseDurationMs('PT6H'), 21_600_000)
  t.equal(parseDurationMs('P1W'), 7 * 86_400_000)
  t.equal(parseDurationMs('P1DT12H'), 129_600_000)
  t.equal(parseDurationMs('P'), undefined)
  t.equal(parseDurationMs('P0D'), undefined)
  t.equal(parseDurationMs('1 day'), undefined)
})
