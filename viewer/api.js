// The API as the page calls it: same origin, JSON, a problem's detail as the error's message.
//
// The service gives each client a share of its analysis threads (ANALYSIS_PER_CLIENT, one on a two-core machine) and
// answers 429 past it. The page therefore asks for one analysis at a time, in the order asked, and waits as told
// (Retry-After) when refused anyway, as when another tab of the same browser holds the share, or the service is busy.

/** An error carrying the problem the API answered (RFC 9457), or the network failure. */
export class ApiError extends Error {
  constructor(message, problem) {
    super(message)
    this.problem = problem
  }
}

const ANALYSES = /^\/v1\/(analysis\/|control\/point|features\/[^/]+\/control)/
const RETRIES = 5
let queue = Promise.resolve()

/** Runs `task` after every analysis asked before it has answered. */
function inTurn(task) {
  const turn = queue.then(task, task)
  queue = turn.catch(() => undefined)
  return turn
}

// The request is never cancelled once sent: the server would go on computing it, holding the share the next one
// needs. An answer no longer wanted is dropped when it arrives instead; one not yet sent is not sent.
async function request(url, signal) {
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted()
    const response = await fetch(url, { headers: { accept: 'application/json' } })
    // 429 (this client's share is in use) and 503 (the service is busy) say when to come back: the page does.
    if ((response.status !== 429 && response.status !== 503) || !response.headers.has('retry-after') || attempt === RETRIES) return response
    const seconds = Math.min(5, Number(response.headers.get('retry-after')) || 1)
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  }
}

// Answers kept for the dataset open (the page asks for the neighbours of the instant shown ahead of time); a reload,
// or opening another dataset, starts afresh. Bounded: the oldest go first.
const kept = new Map()
const KEPT = 400

export function forgetAnswers() {
  kept.clear()
}

async function answer(url, signal) {
  const response = await (ANALYSES.test(url.pathname) ? inTurn(() => request(url, signal)) : request(url, signal))
  const body = await response.json().catch(() => null)
  if (!response.ok) {
    const what = body?.detail ?? body?.title ?? `${response.status} ${response.statusText}`
    throw new ApiError(`${url.pathname}: ${what}`, body)
  }
  return body
}

/**
 * GETs `path` with the parameters given (undefined ones left out); resolves with the parsed JSON. An aborted `signal`
 * drops the answer (and a request not yet sent is not sent); `keep` answers it again from memory while the dataset is open.
 */
export async function getJson(path, params = {}, signal, { keep = false } = {}) {
  const url = new URL(path, location.origin)
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null) url.searchParams.set(name, String(value))
  for (;;) {
    let pending = keep ? kept.get(url.href) : undefined
    if (!pending) {
      pending = answer(url, signal)
      if (keep) {
        const mine = pending
        kept.set(url.href, mine)
        if (kept.size > KEPT) kept.delete(kept.keys().next().value)
        mine.catch(() => kept.get(url.href) === mine && kept.delete(url.href))
      }
    }
    try {
      const body = await pending
      // An answer for an instant no longer shown is never drawn.
      signal?.throwIfAborted()
      return body
    } catch (error) {
      // A kept request whose first asker gave up before it was sent was never sent: ask again, for this caller.
      if (error?.name === 'AbortError' && !signal?.aborted) continue
      throw error
    }
  }
}

/** Every page of a paged list (`limit`/`offset`, `numberMatched`), concatenated under `key`. */
export async function getAll(path, params, key, signal) {
  const limit = 1000
  const all = []
  for (let offset = 0; ; offset += limit) {
    const page = await getJson(path, { ...params, limit, offset }, signal)
    all.push(...page[key])
    if (page[key].length < limit || all.length >= (page.numberMatched ?? Infinity)) return all
  }
}
