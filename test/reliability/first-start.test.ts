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
  // How long the load itself took, from its log lines' own times: the kills are spread over it.
  const times = (pattern: RegExp) =>
    reference
      .output()
      .split('\n')
      .filter((line) => pattern.test(line))
      .map((line) => (JSON.parse(line) as { time: number }).time)
  const began = times(/loading the bundled dataset/)[0]
  const ended = times(/aleppo-2024: snapshot/).at(-1)!
  await reference.stop()
  t.equal(whole.loading, null, 'an uninterrupted load leaves no marker')
  t.equal(whole.imports.filter((kind) => kind === 'snapshot').length, manifest.snapshots.length, 'every snapshot of the manifest')
  t.ok(
    Object.values(whole.areas).every((n) => n > 0),
    'each day has areas',
  )
  t.ok(ended > began, `the load took ${ended - began} ms`)

  // Kill points: as the load begins and at fractions of its first tenth from there (the failure
  // measured was 15–80 ms in), then just after the second and the fourth of its six snapshots. Later
  // points are set by the load's own log lines, not by time: a load that runs faster than the
  // reference's (a quieter machine) would otherwise be over before a timed kill.
  const snapshotLine = /aleppo-2024: snapshot/
  const points: [string, RegExp, number, number][] = [
    ...[0, 0.05, 0.1].map((fraction): [string, RegExp, number, number] => [
      `${Math.round(fraction * 100)} % into the load`,
      /loading the bundled dataset/,
      1,
      Math.round(fraction * (ended - began)),
    ]),
    ['after the second snapshot', snapshotLine, 2, 0],
    ['after the fourth snapshot', snapshotLine, 4, 0],
  ]
  for (const [name, marker, count, delayMs] of points) {
    const dataDir = fresh()
    const output = await killDuring(dataDir, marker, count, delayMs)
    t.notMatch(output, /Server listening/, `${name}: killed before it listened, the load being what comes before`)
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
