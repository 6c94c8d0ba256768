// The file a worker thread runs: src/work/worker.ts and what it imports of src/, bundled once per
// process by esbuild into one JavaScript module, so that a new thread loads plain JavaScript instead
// of compiling the TypeScript sources through tsx's loader (a thread answered its first task after
// 0.75–1.1 s through tsx, after ~0.27 s from the bundle). Packages stay outside the bundle, imported
// by absolute file URL, so the file can live in the system's temporary directory (a container's
// application directory is read-only) and still load the project's own node_modules.
import { createHash } from 'node:crypto'
import { existsSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type Plugin } from 'esbuild'

const ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url))

/** Every bare import (a package, never src/) left as an import of the file esbuild resolves it to. */
const packagesByUrl: Plugin = {
  name: 'packages-by-url',
  setup(bundler) {
    bundler.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'resolving' || args.path.startsWith('node:')) return undefined
      const found = await bundler.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'resolving' })
      if (found.errors.length > 0) return { errors: found.errors }
      // A Node built-in imported without its `node:` prefix resolves to itself.
      if (found.external || !found.path.startsWith('/')) return { path: args.path, external: true }
      return { path: pathToFileURL(found.path).href, external: true }
    })
  },
}

let script: Promise<string> | undefined

/**
 * The worker module's file URL, bundled on first call (~60 ms, in esbuild's own process) and named
 * by a hash of its content, so processes running the same sources share one file and a change of
 * the sources never runs an old one.
 */
export function workerScript(): Promise<string> {
  script ??= bundle()
  return script
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    outfile: 'worker.mjs',
    plugins: [packagesByUrl],
    logLevel: 'silent',
    // No keepNames: it wraps every function made in a loop in a call that names it (tsx does; 9 % of a route at a new date).
  })
  const code = result.outputFiles[0].contents
  const file = join(tmpdir(), `frontline-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`)
  if (!existsSync(file)) {
    // Written whole under another name first: a process starting beside this one never loads half a file.
    const partial = `${file}.${process.pid}.${Date.now()}`
    writeFileSync(partial, code)
    renameSync(partial, file)
  }
  return pathToFileURL(file).href
}
