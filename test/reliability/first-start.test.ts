import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { childEnv, root, startServer } from '../cli/fixtures/processes.js'

// The bundled dataset loads at the first start of the embedded database. A first start killed
// (SIGKILL: no cleanup at all) at any point of that load must leave a data directory whose next
// start ends with the whole dataset, as an uninterrupted first start does.
const manifest = JSON.parse(readFileSync(join(root, 'data/aleppo-2024/manifest.json'), 'utf8')) as { snapshots: { validFrom: string }[] }
const env = (dataDir: string) => childEnv(dataDir, { LOAD_DEFAULT_DATASET: 'auto', LOG_LEVEL: 'info', API_TOKENS: 'first-start-token' })

/** What a client sees of the dataset: its marker, its imports, and the number of areas of each snapshot's day. */
async function state(url: string) {
  const dataset = (await (await fetch(`${url}/v1/datasets/aleppo-2024`)).json()) as { properties: Record<string, unknown> }
  const imports = (await (await fetch(`${url}/v1/imports?dataset=aleppo-2024&limit=100`)).json()) as { imports: { kind: string }[] }
  const areas: Record<string, number> = {}
  for (const { validFrom } of manifest.snapshots) {
    const map = (await (await fetch(`${url}/v1/control?dataset=aleppo-2024&at=${validFrom}`)).json()) as { features: unknown[] }
    areas[validFrom] = map.features.length
  }
  return { loading: dataset.properties.bundleLoadStartedAt ?? null, imports: imports.imports.map((i) => i.kind).sort(), areas }
}

/** Starts a first start and SIGKILLs it once its output has shown `marker` `count` times, plus `delayMs`. */
function killDuring(dataDir: string, marker: RegExp, count: number, delayMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: env(dataDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    let seen = 0
    let armed = false
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk
      seen = output.split('\n').filter((line) => marker.test(line)).length
      if (!armed && seen >= count) {
        armed = true
        setTimeout(() => child.kill('SIGKILL'), delayMs)
      }
    })
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(output) : reject(new Error(`exited ${code} before the kill: ${output}`))))
  })
}

t.test('a first start killed during the bundled load is resumed whole at the next start', async (t) => {
  const dirs: string[] = []
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-first-start-'))
    dirs.push(dir)
    return dir
  }
  t.teardown(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  const reference = await startServer(t, env(fresh()))
  const whole = await state(reference.url)
  await reference.stop()
  t.equal(whole.loading, null, 'an uninterrupted load leaves no marker')
  t.equal(whole.imports.filter((kind) => kind === 'snapshot').length, manifest.snapshots.length, 'every snapshot of the manifest')
  t.ok(
    Object.values(whole.areas).every((n) => n > 0),
    'each day has areas',
  )

  // Kill points: as the load begins, after the actors, after the features, amid the snapshots.
  const points: [string, RegExp, number, number][] = [
    ['as the load begins', /loading the bundled dataset/, 1, 30],
    ['after the actors', /aleppo-2024: \d+ actors/, 1, 0],
    ['after the reference features', /aleppo-2024: features/, 1, 5],
    ['after the first snapshot', /aleppo-2024: snapshot/, 1, 0],
    ['amid the snapshots', /aleppo-2024: snapshot/, 3, 20],
  ]
  for (const [name, marker, count, delayMs] of points) {
    const dataDir = fresh()
    const output = await killDuring(dataDir, marker, count, delayMs)
    t.match(output, marker, `${name}: killed during the load`)
    const restarted = await startServer(t, env(dataDir))
    t.match(restarted.output(), /loading the bundled dataset/, `${name}: the kill came before the load ended, and the next start resumed it`)
    t.same(await state(restarted.url), whole, `${name}: the next start has the whole dataset`)
    await restarted.stop()
    // A third start finds it complete and loads nothing.
    const third = await startServer(t, env(dataDir))
    t.notMatch(third.output(), /loading the bundled dataset/, `${name}: a complete dataset is not loaded again`)
    await third.stop()
  }
})
