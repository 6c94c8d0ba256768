import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

const run = promisify(execFile)
const bin = new URL('../../bin/frontline.js', import.meta.url).pathname
const root = new URL('../..', import.meta.url).pathname

// The command as a user runs it: its own process, its own embedded database (or the server in DATABASE_URL).
t.test('frontline import / export', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontline-cli-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }
  if (process.env.DATABASE_URL) {
    // a database of its own on the server, so this file does not meet the others' schemas
    const name = `cli_${process.pid}`
    await run('psql', [process.env.DATABASE_URL, '-qc', `DROP DATABASE IF EXISTS ${name}`])
    await run('psql', [process.env.DATABASE_URL, '-qc', `CREATE DATABASE ${name}`])
    const url = new URL(process.env.DATABASE_URL)
    url.pathname = `/${name}`
    env.DATABASE_URL = url.toString()
    t.teardown(() => run('psql', [process.env.DATABASE_URL!, '-qc', `DROP DATABASE IF EXISTS ${name}`]).then(() => undefined))
  }

  const imported = await run('node', [bin, 'import', 'data/aleppo-2024'], { cwd: root, env })
  t.match(imported.stdout, /aleppo-2024: snapshot 2024-11-26 → import \d+/)
  t.match(imported.stdout, /aleppo-2024: snapshot 2024-12-01 → import \d+/)

  const again = await run('node', [bin, 'import', 'data/aleppo-2024'], { cwd: root, env })
  t.match(again.stdout, /2024-12-01 → import \d+ \(already loaded\)/, 'a second load writes nothing')

  const out = join(dataDir, 'map.geojson')
  await run('node', [bin, 'export', '--dataset', 'aleppo-2024', '--at', '2024-11-28', '--out', out], { cwd: root, env })
  const map = JSON.parse(readFileSync(out, 'utf8'))
  t.equal(map.type, 'FeatureCollection')
  t.ok(map.features.some((f: any) => f.properties.actor === 'hts'))
  t.ok(map.features.every((f: any) => f.properties.validFrom <= '2024-11-28T23:59:59.999Z'))

  const failed = await run('node', [bin, 'import', 'data/aleppo-2024/features.geojson', '--dataset', 'nope', '--kind', 'features'], { cwd: root, env }).catch(
    (error: { code: number; stderr: string }) => error,
  )
  t.equal((failed as { code: number }).code, 1)
  t.match((failed as { stderr: string }).stderr, /does not exist/)
})
