/**
 * The README's picture of the viewer: the service started on a temporary PGlite data directory with the bundled
 * dataset, the viewer opened in Debian's Chromium at 28 November 2024 with the fronts, the distance to Aleppo's
 * outskirts, the M5 and the day's events on the map, Aleppo watched, and the page written as a 1280×800 PNG.
 *
 *   npx tsx scripts/screenshot.ts [out.png]      (default docs/viewer.png)
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getApi, launchChromium, newViewerPage, startBundledServer } from '../test/viewer/browser.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = resolve(process.argv[2] ?? resolve(ROOT, 'docs/viewer.png'))
const DATASET = 'aleppo-2024'
const DATE = '2024-11-28'

async function main(): Promise<void> {
  const server = await startBundledServer()
  try {
    const browser = await launchChromium()
    try {
      const aleppo: number[] = (await getApi(server.base, `/v1/features/aleppo?dataset=${DATASET}`)).geometry.coordinates
      const instants: string[] = (await getApi(server.base, `/v1/datasets/${DATASET}/timeline`)).instants
      const instant = instants.filter((at) => Date.parse(at) <= Date.parse(`${DATE}T23:59:59.999Z`)).at(-1)!
      // The analysis thread started first: a cold one can make the page's first analysis wait past its budget (503).
      await getApi(server.base, `/v1/analysis/area?dataset=${DATASET}&start=${encodeURIComponent(instant)}&end=${encodeURIComponent(instant)}`)
      const viewer = await newViewerPage(browser, server.base, { timeoutMs: 120_000 })
      await viewer.open(`/#dataset=${DATASET}&at=${DATE}&layers=fronts,distance,route,events&point=${aleppo.join(',')}`, instant)
      // The charts come after the first picture; wait for them and for the map to be still again.
      await viewer.page.waitForSelector('#chart-area svg .cursor', { state: 'attached' })
      await viewer.page.waitForSelector('#chart-distance svg .cursor', { state: 'attached' })
      await viewer.ready(instant)
      if (viewer.errors.length > 0) process.stderr.write(`the page reported: ${viewer.errors.join(' | ')}\n`)
      mkdirSync(dirname(OUT), { recursive: true })
      await viewer.page.screenshot({ path: OUT })
      process.stdout.write(`written ${OUT} (${instant})\n`)
    } finally {
      await browser.close()
    }
  } finally {
    await server.close()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
