// `npm run bench`: the geometry engine benchmark (bench/analysis.ts, in a process of its own), then
// the scale benchmark (bench/scale.ts) within what is left of a ten-minute budget, then two API
// processes on one PostgreSQL (bench/scale-out.ts), the flood, and the viewer in Chromium (bench/viewer.ts). Prints the
// tables with the machine they ran on and writes them to bench/results/latest.md. Printing only.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DEFAULT_PG_URL, machineLines, runScale } from './scale.js'
import { runFlood } from './flood.js'
import { runScaleOut } from './scale-out.js'
import { runViewer } from './viewer.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = fileURLToPath(new URL('./results/latest.md', import.meta.url))
// Ten minutes is the limit; aim well inside it (a fresh clone compiles the TypeScript first).
const TARGET_S = 540

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

async function main(): Promise<void> {
  const t0 = performance.now()
  const header = ['# Frontline benchmarks', '', ...machineLines(), '']
  process.stdout.write(`${header.join('\n')}\n## Geometry engine (bench/analysis.ts)\n\n`)
  const analysis = await runAnalysis()
  const analysisS = (performance.now() - t0) / 1000
  const analysisNote = analysis.code === 0 ? `(${analysisS.toFixed(0)} s)` : `(exited with code ${analysis.code} after ${analysisS.toFixed(0)} s)`
  process.stdout.write(`\n${analysisNote}\n\n`)

  // about 25 s are kept for the scale-out measure at the end, about 150 s for the flood, about 60 s for the viewer
  const budgetS = TARGET_S - analysisS - 250
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
  scale.push('', ...scaleOut, '', ...floodLines, '', ...viewerLines)
  const totalS = (performance.now() - t0) / 1000
  const closing = ['', `Total wall time (npm run bench): ${totalS.toFixed(0)} s (${(totalS / 60).toFixed(1)} min).`]
  process.stdout.write(`${[...scale, ...closing].join('\n')}\n`)

  const markdown = [...header, '## Geometry engine (bench/analysis.ts)', '', analysis.output.trimEnd(), '', analysisNote, '', ...scale, ...closing].join('\n')
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true })
  writeFileSync(RESULTS, `${markdown}\n`)
  process.stderr.write(`written to ${RESULTS}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
