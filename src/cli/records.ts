// Datasets, actors and imports from the command line: each command one or two requests of the v1
// API (an update reads the record, changes the members given, and writes it whole, as PUT takes it).
import { writeFileSync } from 'node:fs'
import type { Api } from './api.js'
import { describeImport } from './problems.js'
import type { Connection } from './target.js'
import type { Args } from './usage.js'

type Json = Record<string, unknown>

const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' })
const id = (value: string) => encodeURIComponent(value)
const print = (text: string) => process.stdout.write(`${text}\n`)

/** The members of a dataset that PUT takes; the others (revision, coverage…) are the service's. */
const DATASET_MEMBERS = ['name', 'description', 'licence', 'sourceUrl', 'properties', 'outlineFeature', 'complementActor'] as const
const ACTOR_MEMBERS = ['name', 'aliases', 'colour', 'side'] as const

/** A table of rows under a header, columns padded to their widest cell. */
function table(header: string[], rows: unknown[][]): string {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : Array.isArray(cell) ? cell.join(';') : String(cell)))),
  ]
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)))
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n')
}

/** An optional text member from a flag: '' means null (no licence, no outline). */
const nullable = (value: string | undefined) => (value === undefined ? undefined : value === '' ? null : value)

/** --property KEY=VALUE pairs: VALUE as JSON when it parses, else as text. */
function properties(pairs: string[] | undefined): Json | undefined {
  if (!pairs) return undefined
  const out: Json = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new Error(`--property ${pair}: KEY=VALUE`)
    const text = pair.slice(eq + 1)
    let value: unknown = text
    try {
      value = JSON.parse(text)
    } catch {
      // text as it is
    }
    out[pair.slice(0, eq)] = value
  }
  return out
}

function datasetChanges(args: Args): Json {
  const v = args.values
  const changes: Json = {
    name: v.name,
    description: v.description,
    licence: nullable(v.licence),
    sourceUrl: nullable(v['source-url']),
    outlineFeature: nullable(v['outline-feature']),
    complementActor: nullable(v['complement-actor']),
  }
  for (const key of Object.keys(changes)) if (changes[key] === undefined) delete changes[key]
  return changes
}

/** The record as PUT takes it: the members PUT knows, as GET answered them, with the changes over them. */
function merged(current: Json, members: readonly string[], changes: Json): Json {
  const body: Json = {}
  for (const member of members) if (current[member] !== undefined) body[member] = current[member]
  return { ...body, ...changes }
}

async function find(api: Api, path: string): Promise<Json | undefined> {
  const answer = await api.request('GET', path)
  if (answer.status === 404) return undefined
  if (answer.status >= 300) await api.send('GET', path)
  return JSON.parse(answer.text) as Json
}

export async function datasetCommand(connection: Connection, args: Args): Promise<void> {
  const [, action = 'list', target, ...extra] = args.positionals
  if (extra.length > 0) throw new Error(`dataset ${action} takes one id, not ${[target, ...extra].join(' ')}`)
  const needsId = action !== 'list'
  if (needsId && !target) throw new Error(`dataset ${action} needs an id: frontline dataset ${action} ID`)
  if (!['list', 'show', 'create', 'update', 'delete'].includes(action))
    throw new Error(`unknown dataset action ${action}: list, show, create, update or delete`)
  const path = `/v1/datasets/${id(target ?? '')}`
  await connection.api(`dataset ${action}`, args, async (api) => {
    if (action === 'list') {
      const answer = await api.send('GET', '/v1/datasets')
      if (args.values.json) return print(answer.text)
      const { datasets } = JSON.parse(answer.text) as { datasets: Json[] }
      return print(
        table(
          ['id', 'name', 'revision', 'licence', 'updatedAt'],
          datasets.map((d) => [d.id, d.name, d.revision, d.licence, d.updatedAt]),
        ),
      )
    }
    if (action === 'show') return print(JSON.stringify(JSON.parse((await api.send('GET', path)).text), null, 2))
    if (action === 'delete') {
      const answer = await api.send('DELETE', path)
      if (args.values.json) return print(answer.text)
      const { deleted } = JSON.parse(answer.text) as { deleted: Record<string, number> }
      return print(
        `deleted dataset ${target}: ${Object.entries(deleted)
          .map(([what, n]) => `${n} ${what}`)
          .join(', ')}`,
      )
    }
    const changes = datasetChanges(args)
    const current = await find(api, path)
    let body: Json
    if (action === 'create') {
      if (current) throw new Error(`dataset ${target} exists already: change it with frontline dataset update ${target}`)
      if (changes.name === undefined) throw new Error('dataset create needs --name')
      body = { ...changes, ...(args.values.property ? { properties: properties(args.values.property) } : {}) }
    } else {
      if (!current) await api.send('GET', path)
      const props = properties(args.values.property)
      body = merged(current!, DATASET_MEMBERS, changes)
      if (props) body.properties = { ...((current!.properties as Json | undefined) ?? {}), ...props }
    }
    const answer = await api.send('PUT', path, json(body))
    if (args.values.json) return print(answer.text)
    const written = JSON.parse(answer.text) as Json
    print(`${action === 'create' ? 'created' : 'updated'} dataset ${written.id} (revision ${written.revision})`)
  })
}

export async function actorCommand(connection: Connection, args: Args): Promise<void> {
  const [, action = 'list', target, ...extra] = args.positionals
  const dataset = args.values.dataset
  if (!dataset) throw new Error(`actor ${action} needs --dataset ID`)
  if (extra.length > 0) throw new Error(`actor ${action} takes one id, not ${[target, ...extra].join(' ')}`)
  if (!['list', 'show', 'create', 'update', 'delete'].includes(action)) throw new Error(`unknown actor action ${action}: list, show, create, update or delete`)
  if (action !== 'list' && !target) throw new Error(`actor ${action} needs an id: frontline actor ${action} ID --dataset ${dataset}`)
  const base = `/v1/datasets/${id(dataset)}/actors`
  const path = `${base}/${id(target ?? '')}`
  await connection.api(`actor ${action}`, args, async (api) => {
    if (action === 'list') {
      const answer = await api.send('GET', base)
      if (args.values.json) return print(answer.text)
      const { actors } = JSON.parse(answer.text) as { actors: Json[] }
      return print(
        table(
          ['id', 'name', 'side', 'colour', 'aliases'],
          actors.map((a) => [a.id, a.name, a.side, a.colour, a.aliases]),
        ),
      )
    }
    if (action === 'show') return print(JSON.stringify(JSON.parse((await api.send('GET', path)).text), null, 2))
    if (action === 'delete') {
      const answer = await api.send('DELETE', path)
      if (args.values.json) return print(answer.text)
      const deleted = JSON.parse(answer.text) as Json
      return print(`${deleted.deleted} actor ${target} of ${dataset} (revision ${deleted.revision})`)
    }
    const v = args.values
    const changes: Json = { name: v.name, colour: nullable(v.colour), side: v.side }
    if (v.alias) changes.aliases = v.alias.filter((alias) => alias !== '')
    for (const key of Object.keys(changes)) if (changes[key] === undefined) delete changes[key]
    const current = await find(api, path)
    let body: Json
    if (action === 'create') {
      if (current) throw new Error(`actor ${target} of ${dataset} exists already: change it with frontline actor update ${target} --dataset ${dataset}`)
      if (changes.name === undefined) throw new Error('actor create needs --name')
      body = changes
    } else {
      if (!current) await api.send('GET', path)
      body = merged(current!, ACTOR_MEMBERS, changes)
    }
    const answer = await api.send('PUT', path, json(body))
    if (args.values.json) return print(answer.text)
    const written = JSON.parse(answer.text) as Json
    print(`${action === 'create' ? 'created' : 'updated'} actor ${written.id} of ${dataset} (side ${written.side})`)
  })
}

export async function importsCommand(connection: Connection, args: Args): Promise<void> {
  const params = new URLSearchParams(args.values.dataset ? { dataset: args.values.dataset } : {})
  await connection.api('imports', args, async (api) => {
    const answer = await api.send('GET', `/v1/imports${params.size > 0 ? `?${params}` : ''}`)
    if (args.values.json) return print(answer.text)
    const { imports } = JSON.parse(answer.text) as { imports: Json[] }
    const counts = (c: unknown) =>
      Object.entries((c ?? {}) as Json)
        .filter(([, n]) => typeof n === 'number' && n !== 0)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ')
    print(
      table(
        ['id', 'dataset', 'kind', 'validFrom', 'createdAt', 'revertedBy', 'counts'],
        imports.map((i) => [i.id, i.dataset, i.kind, i.validFrom, i.createdAt, i.revertedBy, counts(i.counts)]),
      ),
    )
  })
}

export async function revertCommand(connection: Connection, args: Args): Promise<void> {
  const target = args.positionals[1]
  if (!target || !/^\d+$/.test(target)) throw new Error('revert needs an import id: frontline revert 42')
  await connection.api('revert', args, async (api) => {
    const answer = await api.send('POST', `/v1/imports/${target}/revert`)
    const result = JSON.parse(answer.text) as Parameters<typeof describeImport>[0]
    print(args.values.json ? JSON.stringify(result, null, 2) : `${describeImport(result)}${result.replayed ? '' : ` (reverts import ${target})`}`)
  })
}

/** Any read of the API, printed as it is answered: what no other command prints (features, sources, analyses). */
export async function getCommand(connection: Connection, args: Args): Promise<void> {
  const path = args.positionals[1]
  if (!path || !path.startsWith('/')) throw new Error('get needs a path of the API: frontline get /v1/datasets')
  await connection.api('get', args, async (api) => {
    const answer = await api.send('GET', path)
    if (args.values.out) writeFileSync(args.values.out, answer.text)
    else print(answer.text)
  })
}
