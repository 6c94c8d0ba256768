// `npm run bench`: the geometry engine benchmark (bench/analysis.ts, in a process of its own), then
// PostGIS as the peer (bench/postgis.ts), the scale benchmark (bench/scale.ts) within what is left of a ten-minute
// budget, then two API processes on one PostgreSQL (bench/scale-out.ts), the flood, and the viewer in Chromium
// (bench/viewer.ts). Prints the tables with the machine they ran on and writes them to bench/results/latest.md.
// Printing only. The PostGIS comparison runs in its quick form here (about a minute);
// `npm run bench -- --only postgis` runs its full form alone (about two minutes).
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DEFAULT_PG_URL, machineLines, runScale } from './scale.js'
import { runFlood } from './flood.js'
import { runScaleOut } from './scale-out.js'
import { runViewer } from './viewer.js'
import { runPostgis } from './postgis.js'
import { runStream } from './stream.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = fileURLToPath(new URL('./results/latest.md', import.meta.url))
// Ten minutes is the limit; aim well inside it (a fresh clone compiles the TypeScript first, and
// the machine may be busier than when the parts were timed).
const TARGET_S = 510
/**
 * Kept after the scale benchmark: scale-out ~25 s, the flood ~80 s (4 cases × 10 s flood + app start and seed), the
 * viewer ~60 s, the large streamed map ~95 s.
 */
const TAIL_S = 265

/** Runs bench/analysis.ts, echoing its output as it comes; resolves with what it printed. */
function runAnalysis(): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/analysis.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      process.stderr.write(chunk)
    })
    child.on('close', (code) => resolve({ output, code }))
  })
}

/** `--only postgis`: the value after --only, if any. */
function only(): string | undefined {
  const i = process.argv.indexOf('--only')
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)
}

async function comparePostgis(quick: boolean): Promise<string[]> {
  return runPostgis({ pgUrl: process.env.BENCH_DATABASE_URL ?? DEFAULT_PG_URL, quick }).catch((error: unknown) => [
    '## PostGIS as the peer (bench/postgis.ts)',
    '',
    `not measured: ${error instanceof Error ? error.message : String(error)}`,
    '',
  ])
}

async function main(): Promise<void> {
  const t0 = performance.now()
  const header = ['# Frontline benchmarks', '', ...machineLines(), '']
  const part = only()
  if (part !== undefined) {
    if (part !== 'postgis') throw new Error(`--only ${part}: only postgis can run alone here (the others: npx tsx bench/<name>.ts)`)
    const lines = await comparePostgis(process.argv.includes('--quick'))
    process.stdout.write(`${[...header, ...lines].join('\n')}\n`)
    return
  }
  process.stdout.write(`${header.join('\n')}\n## Geometry engine (bench/analysis.ts)\n\n`)
  const analysis = await runAnalysis()
  const analysisS = (performance.now() - t0) / 1000
  const analysisNote = analysis.code === 0 ? `(${analysisS.toFixed(0)} s)` : `(exited with code ${analysis.code} after ${analysisS.toFixed(0)} s)`
  process.stdout.write(`\n${analysisNote}\n\n`)
  const postgis = await comparePostgis(true)
  process.stdout.write(`${postgis.join('\n')}\n\n`)
  const beforeScaleS = (performance.now() - t0) / 1000

  const budgetS = TARGET_S - beforeScaleS - TAIL_S
  process.stderr.write(`scale benchmark: ${budgetS.toFixed(0)} s of budget left\n`)
  const scale = await runScale({ budgetS })
  const scaleOut = await runScaleOut(process.env.BENCH_DATABASE_URL ?? DEFAULT_PG_URL).catch((error: unknown) => [
    '## Scale-out (bench/scale-out.ts)',
    '',
    `not measured: ${error instanceof Error ? error.message : String(error)}`,
    '',
  ])
  const floodLines = await runFlood(process.env.BENCH_DATABASE_URL ?? DEFAULT_PG_URL).catch((error: unknown) => [
    '## Flood (bench/flood.ts)',
    '',
    `not measured: ${error instanceof Error ? error.message : String(error)}`,
    '',
  ])
  const viewerLines = await runViewer().catch((error: unknown) => [
    '## Viewer in Chromium (bench/viewer.ts)',
    '',
    `not measured: ${error instanceof Error ? error.message : String(error)}`,
    '',
  ])
  const streamLines = await runStream().catch((error: unknown) => [
    '## A large map under load (bench/stream.ts)',
    '',
    `not measured: ${error instanceof Error ? error.message : String(error)}`,
    '',
  ])
  scale.push('', ...scaleOut, '', ...floodLines, '', ...viewerLines, '', ...streamLines)
  const totalS = (performance.now() - t0) / 1000
  const closing = ['', `Total wall time (npm run bench): ${totalS.toFixed(0)} s (${(totalS / 60).toFixed(1)} min).`]
  process.stdout.write(`${[...scale, ...closing].join('\n')}\n`)

  const markdown = [
    ...header,
    '## Geometry engine (bench/analysis.ts)',
    '',
    analysis.output.trimEnd(),
    '',
    analysisNote,
    '',
    ...postgis,
    '',
    ...scale,
    ...closing,
  ].join('\n')
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true })
  writeFileSync(RESULTS, `${markdown}\n`)
  process.stderr.write(`written to ${RESULTS}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
