import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { Refusal } from './problems.js'

export interface RequestOptions {
  body?: string | Uint8Array<ArrayBuffer>
  contentType?: string
  accept?: string
}

export interface Answer {
  status: number
  text: string
  contentType: string
}

/**
 * The API a command speaks to: a server over HTTP (the one that owns the embedded database, or the
 * one --url names), or this process's own app on its own database, answered in process. Every
 * command but a local import goes through it, so the CLI takes and refuses what the API does.
 */
export interface Api {
  /** Where the work goes, for messages: "http://127.0.0.1:3000" or "the database of this process". */
  where: string
  /** The answer, whatever its status. */
  request(method: string, path: string, options?: RequestOptions): Promise<Answer>
  /** Like request, but a non-2xx answer throws a Refusal carrying the server's problem. */
  send(method: string, path: string, options?: RequestOptions): Promise<Answer>
  close(): Promise<void>
}

const ACCEPT = 'application/json, application/geo+json, application/problem+json'

/** An Api over HTTP at base, writing with token; `who` names the server in refusals ("the server (pid 12, port 3000)"). */
export function httpApi(base: string, token: string | undefined, who: string, missingToken: string): Api {
  const request: Api['request'] = async (method, path, options = {}) => {
    // Reads are open; a write without a token would only be answered 401.
    if (token === undefined && method !== 'GET') throw new Error(missingToken)
    const headers: Record<string, string> = { accept: options.accept ?? ACCEPT }
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    if (options.contentType) headers['content-type'] = options.contentType
    let response: Response
    try {
      response = await fetch(`${base}${path}`, { method, headers, body: options.body })
    } catch (error) {
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)
      throw new Error(`${who} does not answer at ${base}: ${reason}`)
    }
    return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') ?? '' }
  }
  return {
    where: base,
    request,
    async send(method, path, options) {
      const answer = await request(method, path, options)
      if (answer.status >= 300) throw new Refusal(`${who} refused ${method} ${path}`, answer)
      return answer
    },
    async close() {},
  }
}

/** The server --url names; the write token is API_TOKENS' first, else --token-file's, else DATA_DIR/api-token's. */
export function urlApi(config: Config, url: string, tokenFile: string | undefined): Api {
  let base: URL
  try {
    base = new URL(url)
  } catch {
    throw new Error(`--url ${url} is not a URL (e.g. http://127.0.0.1:3000)`)
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`--url ${url}: only http and https`)
  const token = config.apiTokens[0] ?? (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : readToken(config.DATA_DIR))
  const root = base.toString().replace(/\/+$/, '').replace(/\/v1$/, '')
  return httpApi(
    root,
    token,
    `the server at ${root}`,
    'writing to a server needs a write token: set API_TOKENS to one of its tokens, or give --token-file FILE',
  )
}

/** The token the server generated at first start, when it was started without API_TOKENS. */
export function readToken(dataDir: string): string | undefined {
  const file = join(dataDir, 'api-token')
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined
}

/**
 * This process's own app on a database it opened: requests are answered in process (no port), with
 * a write token made for this one run, so what the CLI writes is recorded as written by `cli`.
 */
export async function localApi(config: Config, database: Database): Promise<Api> {
  const token = randomBytes(24).toString('hex')
  let app: FastifyInstance | undefined
  const open = async () =>
    // The app's modules are loaded only by the commands that answer in process: help and refusals of flags stay quick.
    (app ??= await (
      await import('../app.js')
    ).buildApp({
      config: { ...config, writers: [{ label: 'cli', token }], apiTokens: [token] },
      database,
      logger: false,
    }))
  const request: Api['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { accept: options.accept ?? ACCEPT, authorization: `Bearer ${token}` }
    if (options.contentType) headers['content-type'] = options.contentType
    const res = await (await open()).inject({ method: method as 'GET', url: path, headers, payload: options.body })
    return { status: res.statusCode, text: res.body, contentType: String(res.headers['content-type'] ?? '') }
  }
  return {
    where: 'the database of this process',
    request,
    async send(method, path, options) {
      const answer = await request(method, path, options)
      if (answer.status >= 300) throw new Refusal(`refused ${method} ${path}`, answer)
      return answer
    },
    async close() {
      await app?.close()
    },
  }
}
