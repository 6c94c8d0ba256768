// The viewer in Chromium on the bundled dataset: first paint (navigation → body[data-state=ready], the page's own clock)
// and slider redraw (the ArrowRight keydown → ready at the next instant), against the targets: first paint
// under 1 s, a redraw under 100 ms. The service is started as a user starts it (src/server.ts, PGlite, the bundled
// dataset loaded), in this process; Chromium (SwiftShader WebGL, 1280×800) in its own. Printing only: no assertions.
import { existsSync } from 'node:fs'
import { loadavg } from 'node:os'
import type { Page } from 'playwright-core'
import { CHROMIUM, launchChromium, newViewerPage, startBundledServer, type ViewerPage } from '../test/viewer/browser.js'

const FIRST_PAINT_CEILING_MS = 1000
const REDRAW_CEILING_MS = 100
const WARM_LOADS = 3
/** A person's pace between steps once the picture is drawn; the page asks for the neighbours' answers meanwhile. */
const PAUSE_MS = 500

// Set before the page's scripts run: when body's data-state turns ready (with its instant), and when a key went down,
// on the page's clock (0 = navigation start). A string: tsx would name a function with a helper the page lacks.
const PROBE = `
  window.__bench = { ready: [], keys: [] }
  new MutationObserver(() => {
    const body = document.body
    if (body && body.dataset.state === 'ready') {
      const last = window.__bench.ready.at(-1)
      if (!last || last.instant !== body.dataset.instant) window.__bench.ready.push({ t: performance.now(), instant: body.dataset.instant ?? '' })
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state', 'data-instant'] })
  addEventListener('keydown', (event) => window.__bench.keys.push(event.timeStamp), true)
`

interface Probe {
  ready: { t: number; instant: string }[]
  keys: number[]
}

const probe = (page: Page): Promise<Probe> => page.evaluate(() => (window as any).__bench as Probe)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function openMeasured(viewer: ViewerPage, path: string): Promise<number> {
  await viewer.context.addInitScript({ content: PROBE })
  await viewer.open(path)
  const seen = await probe(viewer.page)
  return seen.ready[0]?.t ?? NaN
}

/** Steps the slider from the first instant to the last with ArrowRight; the keydown → ready time of each step. */
async function pass(viewer: ViewerPage, instants: string[]): Promise<number[]> {
  const { page } = viewer
  await page.locator('#slider').focus()
  if ((await page.evaluate(() => document.body.dataset.instant)) !== instants[0]) {
    await page.keyboard.press('Home')
    await viewer.ready(instants[0])
  }
  const times: number[] = []
  for (const next of instants.slice(1)) {
    await pause(PAUSE_MS)
    const before = await probe(page)
    await page.keyboard.press('ArrowRight')
    await viewer.ready(next)
    const after = await probe(page)
    const key = after.keys[before.keys.length]
    const drawn = after.ready.slice(before.ready.length).find((entry) => entry.instant === next)
    times.push(drawn && key !== undefined ? drawn.t - key : NaN)
  }
  return times
}

const row = (what: string, ms: number, ceiling: number) => `| ${what} | ${ms.toFixed(0)} ms | ${ceiling} ms | ${(ms / ceiling).toFixed(2)} |`

export async function runViewer(): Promise<string[]> {
  const lines = ['## Viewer in Chromium (bench/viewer.ts)', '']
  if (!existsSync(CHROMIUM)) return [...lines, `not measured: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`, '']
  const load = loadavg()[0]
  const server = await startBundledServer()
  try {
    const browser = await launchChromium()
    try {
      const timeline = await (await fetch(`${server.base}/v1/datasets/aleppo-2024/timeline`)).json()
      const instants: string[] = timeline.instants
      const path = '/#dataset=aleppo-2024'
      // The first navigation after the service started: its caches and the tiles still to be made.
      const first = await newViewerPage(browser, server.base, { timeoutMs: 120_000 })
      const coldPaint = await openMeasured(first, path)
      const firstPass = await pass(first, instants)
      const warmPass = await pass(first, instants)
      await first.context.close()
      // A new browser context each time (nothing cached by the browser) on the service as it now is.
      const warmPaints: number[] = []
      for (let i = 0; i < WARM_LOADS; i++) {
        const viewer = await newViewerPage(browser, server.base, { timeoutMs: 120_000 })
        warmPaints.push(await openMeasured(viewer, path))
        await viewer.context.close()
      }
      const version = browser.version()
      const steps = instants.length - 1
      lines.push(
        `The bundled dataset (aleppo-2024, ${instants.length} instants) at / with the default overlays, Chromium ${version} headless ` +
          `(SwiftShader WebGL), 1280×800. First paint: navigation → body[data-state=ready]; redraw: ArrowRight keydown → ready at ` +
          `the next instant, a step every ${PAUSE_MS} ms after the last was drawn; both on the page's clock. Ratio = measure / ceiling (≤ 1 meets it). ` +
          `Load average when it began: ${load.toFixed(2)}.`,
        '',
        '| measure | value | ceiling | ratio |',
        '| --- | --- | --- | --- |',
        row('first paint, first navigation after the service started', coldPaint, FIRST_PAINT_CEILING_MS),
        row(`first paint, service warm, a fresh browser context (median of ${WARM_LOADS})`, median(warmPaints), FIRST_PAINT_CEILING_MS),
        row(
          `slider redraw, first pass over the timeline (median of ${steps} steps; worst ${Math.max(...firstPass).toFixed(0)} ms)`,
          median(firstPass),
          REDRAW_CEILING_MS,
        ),
        row(`slider redraw, warm pass (median of ${steps} steps; worst ${Math.max(...warmPass).toFixed(0)} ms)`, median(warmPass), REDRAW_CEILING_MS),
      )
    } finally {
      await browser.close()
    }
  } finally {
    await server.close()
  }
  return [...lines, '']
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runViewer()
    .then((lines) => process.stdout.write(`${lines.join('\n')}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exit(1)
    })
}
