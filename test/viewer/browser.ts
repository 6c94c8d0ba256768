// The viewer in a real browser: the app listening on a port of its own with the bundled dataset loaded, and Debian's
// Chromium driven by playwright-core (headless, WebGL through SwiftShader), every request the page makes recorded.
// Used by the browser tests, scripts/screenshot.ts and bench/viewer.ts.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { loadConfig } from '../../src/config.js'
import { DEFAULT_DATASET_DIR, loadBundle } from '../../src/modules/imports/imports.bundle.js'
import { start } from '../../src/server.js'
import { buildTestApp, openTestDatabase } from '../helpers.js'

/** Debian's chromium; CHROMIUM names another binary. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

export const VIEWPORT = { width: 1280, height: 800 }

/** The bundled dataset's id (data/aleppo-2024/). */
export const BUNDLED = 'aleppo-2024'

/** The flags that give headless Chromium WebGL without a GPU (SwiftShader) and keep it from calling home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
]

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM`)
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
}

/** A browser page on `base` with what it asked for and what went wrong in it recorded. */
export interface ViewerPage {
  base: string
  context: BrowserContext
  page: Page
  /** Every URL the page (its workers included) requested, in order. */
  requests: string[]
  /** Uncaught exceptions and console errors of the page. */
  errors: string[]
  /** Loads `${base}${path}` (a path with its fragment, e.g. `/#dataset=…`) and waits until the page reads ready. */
  open(path: string, instant?: string): Promise<void>
  /** Waits for `body[data-state=ready]`, at `instant` when given; resolves with the instant shown. */
  ready(instant?: string): Promise<string>
  /** The page's URL fragment, without `#`, as URLSearchParams. */
  hash(): Promise<URLSearchParams>
}

/** A page of its own (a fresh browser context: no cache, no storage) on `base`; `everyRequest` collects across pages. */
export async function newViewerPage(browser: Browser, base: string, options: { timeoutMs?: number; everyRequest?: string[] } = {}): Promise<ViewerPage> {
  const timeout = options.timeoutMs ?? 30_000
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 })
  context.setDefaultTimeout(timeout)
  const requests: string[] = []
  const errors: string[] = []
  // On the context: requests of the page's dedicated workers (MapLibre's, which fetch the tiles) are reported there too.
  context.on('request', (request) => {
    requests.push(request.url())
    options.everyRequest?.push(request.url())
  })
  const page = await context.newPage()
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  const ready = async (instant?: string): Promise<string> => {
    const wanted = instant ? `ready at ${instant}` : 'ready'
    // Settles on ready (at `instant` when given), or at once when the page gave up: ready, no instant drawn, an error
    // shown (a failed open never becomes ready at an instant; waiting out the timeout would only hide why).
    const outcome = await page
      .waitForFunction(
        (at) => {
          const body = document.body
          if (!body || body.dataset.state !== 'ready') return false
          if (!at || body.dataset.instant === at) return 'ready'
          const error = document.getElementById('error')
          return !body.dataset.instant && error && !error.hidden && error.textContent ? 'failed' : false
        },
        instant ?? '',
        { timeout, polling: 50 },
      )
      .then((handle) => handle.jsonValue())
      .catch((error: unknown) => `timeout: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
    if (outcome !== 'ready') {
      const seen = await page.evaluate(() => ({ ...document.body.dataset, error: document.getElementById('error')?.textContent ?? '' })).catch(() => ({}))
      throw new Error(`waiting for the page to read ${wanted}: ${outcome}; body ${JSON.stringify(seen)}; ${errors.join(' | ')}`)
    }
    return page.evaluate(() => document.body.dataset.instant ?? '')
  }
  return {
    base,
    context,
    page,
    requests,
    errors,
    ready,
    async open(path, instant) {
      await page.goto(`${base}${path}`)
      await ready(instant)
    },
    async hash() {
      return new URLSearchParams((await page.evaluate(() => location.hash)).replace(/^#/, ''))
    },
  }
}

/**
 * GETs a JSON answer of the API over HTTP, waiting as told when refused for now: 429 (the page may hold the client's
 * share of the analysis threads) or 503 (no worker thread free in time).
 */
export async function getApi(base: string, path: string): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } })
    if ((res.status === 429 || res.status === 503) && attempt < 10) {
      await res.arrayBuffer()
      await new Promise((resolve) => setTimeout(resolve, Math.min(5, Number(res.headers.get('retry-after')) || 1) * 1000))
      continue
    }
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 300)}`)
    return res.json()
  }
}

export interface ViewerFixture extends ViewerPage {
  app: FastifyInstance
  browser: Browser
  /** The API's JSON answer for `path`. */
  api(path: string): Promise<any>
  /** Another page (a context of its own) on the same server and browser, closed with the browser. */
  newPage(): Promise<ViewerPage>
  /** Every URL requested by every page of the fixture. */
  everyRequest: string[]
}

/**
 * The app with the bundled dataset (PGlite in memory, or a schema of its own on DATABASE_URL's PostgreSQL) on
 * 127.0.0.1 at a port of its own, a Chromium with one page on it; everything closed at the end of `t`.
 */
export async function startViewer(t: Test): Promise<ViewerFixture> {
  const database = await openTestDatabase(t)
  const limits = { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 }
  await loadBundle({ db: database.db, limits }, DEFAULT_DATASET_DIR)
  // The test asks the API for the answers it compares the page with, from the page's address: two shares, not one.
  const app = await buildTestApp(t, { ANALYSIS_PER_CLIENT: '2' }, database)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (!address || typeof address !== 'object') throw new Error('the app has no port')
  const base = `http://127.0.0.1:${address.port}`
  // The analysis thread started before the page asks: its first task also pays for the thread's start, which on a
  // loaded two-core machine can outlast the wait for a worker and answer 503, a fault of the moment and not the page's.
  const { first } = await getApi(base, `/v1/datasets/${BUNDLED}/timeline`)
  await getApi(base, `/v1/analysis/area?dataset=${BUNDLED}&start=${encodeURIComponent(first)}&end=${encodeURIComponent(first)}`)
  // Registered after the app's: tap runs teardowns last first, so the browser is gone before the server closes.
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const everyRequest: string[] = []
  const page = await newViewerPage(browser, base, { everyRequest })
  return {
    ...page,
    app,
    browser,
    everyRequest,
    api: (path) => getApi(base, path),
    newPage: () => newViewerPage(browser, base, { everyRequest }),
  }
}

/** Hides DOM labels, markers and popups, so that a screenshot of the canvas shows the map's own pixels. */
export async function hideMarkers(page: Page): Promise<() => Promise<void>> {
  const handle = await page.addStyleTag({ content: '.maplibregl-marker, .maplibregl-popup { visibility: hidden !important; }' })
  return async () => {
    await handle.evaluate((element) => (element as Element).remove())
  }
}

/**
 * The service as a user starts it (src/server.ts), on a temporary PGlite data directory that it fills with the bundled
 * dataset, listening on 127.0.0.1 at a free port; `close` stops it and removes the directory. For scripts and benches.
 */
export async function startBundledServer(): Promise<{ base: string; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontline-viewer-'))
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    API_TOKENS: randomBytes(18).toString('base64url'),
    LOG_LEVEL: 'warn',
    LOAD_DEFAULT_DATASET: 'always',
  })
  const app = await start(config).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  })
  const address = app.server.address()
  if (!address || typeof address !== 'object') throw new Error('the service has no port')
  return {
    base: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
