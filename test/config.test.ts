import t from 'tap'
import { loadConfig } from '../src/config.js'
import { addSteps, parseInstant, parseStep, stepCount, stepInstants } from '../src/modules/common/time.js'

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

t.test('parseStep', async (t) => {
  t.match(parseStep('P1D'), { months: 0, ms: 86_400_000 })
  t.match(parseStep('PT6H'), { months: 0, ms: 21_600_000 })
  t.match(parseStep('P1W'), { months: 0, ms: 7 * 86_400_000 })
  t.match(parseStep('P1DT12H'), { months: 0, ms: 129_600_000 })
  t.match(parseStep('p1m'), { text: 'P1M', months: 1, ms: 0 })
  t.match(parseStep('P1Y'), { months: 12, ms: 0 })
  t.match(parseStep('P1Y2M3D'), { months: 14, ms: 3 * 86_400_000 })
  t.match(parseStep('PT30S'), { months: 0, ms: 30_000 })
  for (const refused of ['P', 'PT', 'P0D', 'P0Y0M', '1 day', 'P1DT', 'P-1D', 'P1.5D', 'P400Y']) t.equal(parseStep(refused), undefined, `${refused} is refused`)
})

t.test('calendar steps', async (t) => {
  const day = (text: string) => new Date(`${text}T00:00:00Z`)
  t.test('months are added from the start, the day clamped to each month (2024 is a leap year)', async (t) => {
    const monthly = stepInstants(day('2024-01-31'), day('2024-05-31'), parseStep('P1M')!, 100, () => new Error('too many'))
    t.same(
      monthly.map((at) => at.toISOString().slice(0, 10)),
      ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31'],
    )
  })
  t.test('a year from 29 February is 28 February; four years is 29 February again', async (t) => {
    t.equal(addSteps(day('2024-02-29'), parseStep('P1Y')!, 1).toISOString(), '2025-02-28T00:00:00.000Z')
    t.equal(addSteps(day('2024-02-29'), parseStep('P1Y')!, 4).toISOString(), '2028-02-29T00:00:00.000Z')
  })
  t.test('the time of day is kept across months', async (t) => {
    t.equal(addSteps(new Date('2024-11-26T23:59:59.999Z'), parseStep('P1M')!, 1).toISOString(), '2024-12-26T23:59:59.999Z')
  })
  t.test('counts: two years of days, 24 months, and refused past the bound before any is made', async (t) => {
    // 2023-01-01 to 2024-12-31: 365 + 366 days.
    t.equal(stepCount(day('2023-01-01'), day('2024-12-31'), parseStep('P1D')!), 731)
    t.equal(stepCount(day('2023-01-01'), day('2024-12-31'), parseStep('P1M')!), 24)
    t.equal(stepCount(day('2023-01-31'), day('2023-03-30'), parseStep('P1M')!), 2, 'Jan 31, Feb 28; Mar 31 is past the end')
    // 1900-01-01 to 2199-12-31: 300 × 365 + 73 leap days (1900 and 2100 are not) − 1 = 109,572 days; × 1440 minutes, + 1.
    t.throws(() => stepInstants(day('1900-01-01'), day('2199-12-31'), parseStep('PT1M')!, 1000, (count) => new Error(`${count}`)), { message: '157783681' })
  })
})
