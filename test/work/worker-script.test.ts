import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { flagsForWorkers } from '../../src/work/pool.js'
import { workerScript } from '../../src/work/worker-script.js'

t.test('worker threads are not given the flags that load tsx or run code', async (t) => {
  const tsxCli = ['--require', '/app/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///app/node_modules/tsx/dist/loader.mjs']
  t.same(flagsForWorkers([...tsxCli, '--enable-source-maps', '--max-old-space-size=4096']), ['--enable-source-maps', '--max-old-space-size=4096'])
  t.same(flagsForWorkers(['--import', 'tsx', '-e', 'console.log(1)', '--import=tsx']), [])
  t.same(flagsForWorkers(['--import', './instrument.mjs', '--inspect']), ['--import', './instrument.mjs', '--inspect'], 'an import of something else is kept')
})

t.test('the worker script is one JavaScript module importing packages by absolute file URL', async (t) => {
  const url = await workerScript()
  t.equal(await workerScript(), url, 'bundled once per process')
  t.match(url, /^file:\/\/.*frontline-worker-[0-9a-f]{16}\.mjs$/)
  const code = readFileSync(fileURLToPath(url), 'utf8')
  // No TypeScript is left for a loader to compile, and every package import names a file that exists.
  t.notMatch(code, /from ['"]\.{1,2}\//, 'no relative import: src/ is inside the bundle')
  const packages = [...code.matchAll(/from ['"](file:\/\/[^'"]+)['"]/g)].map((m) => m[1])
  t.ok(
    packages.some((p) => p.includes('/node_modules/kysely/')),
    'kysely is imported from node_modules',
  )
  for (const p of packages) t.doesNotThrow(() => readFileSync(fileURLToPath(p)), `${p} exists`)
  // Loaded on a worker thread only (it reads workerData): its exports are read off the text.
  const exported = code
    .match(/export \{([^}]*)\}/)?.[1]
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  t.same(exported?.sort(), ['analysis', 'ping', 'tile', 'validate'], 'the bundle exports the tasks the pool runs')
})
