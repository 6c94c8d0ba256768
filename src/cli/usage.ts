// The commands, the flags each takes, and the help made from them: `frontline --help` and
// `frontline help COMMAND` print this table, and a flag a command does not list is refused.

import { parseArgs } from 'node:util'

export type FlagName = keyof typeof FLAGS
type FlagValue<F> = F extends { multiple: true } ? string[] : F extends { type: 'boolean' } ? boolean : string

/** A command line parsed: the command and its operands, and the flags given. */
export interface Args {
  positionals: string[]
  values: { -readonly [K in FlagName]?: FlagValue<(typeof FLAGS)[K]> }
}

/** Every flag of every command, for node:util's parseArgs. */
export const FLAGS = {
  // where the work goes, and how answers are printed
  url: { type: 'string' },
  'token-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  out: { type: 'string' },
  // import of one file
  dataset: { type: 'string' },
  kind: { type: 'string' },
  'valid-from': { type: 'string' },
  'allow-empty': { type: 'boolean' },
  actor: { type: 'string' },
  'actor-property': { type: 'string' },
  'status-property': { type: 'string' },
  'source-property': { type: 'string' },
  aliases: { type: 'string' },
  'unknown-actors': { type: 'string' },
  'valid-from-property': { type: 'string' },
  'valid-to-property': { type: 'string' },
  'id-property': { type: 'string' },
  'kind-property': { type: 'string' },
  'name-property': { type: 'string' },
  'owner-side-property': { type: 'string' },
  'feature-kind': { type: 'string' },
  rules: { type: 'string' },
  profile: { type: 'string' },
  'dry-run': { type: 'boolean' },
  overlaps: { type: 'string' },
  precedence: { type: 'string' },
  'valid-from-offset': { type: 'string' },
  // export
  at: { type: 'string' },
  'known-at': { type: 'string' },
  bbox: { type: 'string' },
  side: { type: 'string' },
  format: { type: 'string' },
  // datasets and actors
  name: { type: 'string' },
  description: { type: 'string' },
  licence: { type: 'string' },
  'source-url': { type: 'string' },
  property: { type: 'string', multiple: true },
  'outline-feature': { type: 'string' },
  'complement-actor': { type: 'string' },
  alias: { type: 'string', multiple: true },
  colour: { type: 'string' },
} as const

/** A value that starts with a dash (a negative duration) is the flag's value, not another flag: --valid-from-offset -PT3H. */
function joinDashValues(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined
    const next = argv[i + 1]
    if (name && name in FLAGS && FLAGS[name as FlagName].type === 'string' && next !== undefined && /^-[^-]/.test(next) && !/^-h$/.test(next)) {
      out.push(`${argv[i]}=${next}`)
      i++
    } else out.push(argv[i])
  }
  return out
}

export function parse(argv: string[]): Args {
  const { positionals, values } = parseArgs({ args: joinDashValues(argv), allowPositionals: true, options: FLAGS, strict: true })
  return { positionals, values: values as Args['values'] }
}

/**
 * The query parameter of the import API each import flag sends, and the import kinds the API
 * documents it for. The CLI sends what it is given; the service refuses a parameter its kind does not take.
 */
export const IMPORT_PARAMETERS: { flag: FlagName; parameter: string; kinds: string; value: string; help: string }[] = [
  {
    flag: 'valid-from',
    parameter: 'valid_from',
    kinds: 'snapshot',
    value: 'DATE',
    help: 'the instant the map shows (a bare date is the start of that day, UTC)',
  },
  { flag: 'allow-empty', parameter: 'allow_empty', kinds: 'snapshot', value: '', help: 'a snapshot with no area is meant: it closes every open area' },
  { flag: 'actor', parameter: 'actor', kinds: 'snapshot, history', value: 'NAME', help: 'one actor for every feature (its id, name or alias)' },
  { flag: 'actor-property', parameter: 'actor_property', kinds: 'snapshot, history', value: 'P', help: 'the property holding the actor (default actor)' },
  {
    flag: 'status-property',
    parameter: 'status_property',
    kinds: 'snapshot, history',
    value: 'P',
    help: "the property holding 'controlled' or 'contested' (default status)",
  },
  { flag: 'source-property', parameter: 'source_property', kinds: 'snapshot, history', value: 'P', help: 'the property holding the source (default source)' },
  { flag: 'aliases', parameter: 'aliases', kinds: 'snapshot, history, events', value: 'a:b,c:d', help: 'names used in the file mapped to actor ids' },
  {
    flag: 'format',
    parameter: 'format',
    kinds: 'events, tallies',
    value: 'F',
    help: 'the layout of the file: geojson (default); for events acled or ucdp (their CSV exports), for tallies frontline (CSV)',
  },
  {
    flag: 'unknown-actors',
    parameter: 'unknown_actors',
    kinds: 'snapshot, history',
    value: 'refuse|create',
    help: 'what a name that matches no actor does (default refuse)',
  },
  {
    flag: 'valid-from-property',
    parameter: 'valid_from_property',
    kinds: 'history',
    value: 'P',
    help: 'the property holding the start of each interval (default valid_from)',
  },
  {
    flag: 'valid-to-property',
    parameter: 'valid_to_property',
    kinds: 'history',
    value: 'P',
    help: 'the property holding the exclusive end (default valid_to)',
  },
  {
    flag: 'id-property',
    parameter: 'id_property',
    kinds: 'features',
    value: 'P',
    help: 'the property holding the id when a feature has no top-level id (default id)',
  },
  {
    flag: 'kind-property',
    parameter: 'kind_property',
    kinds: 'features',
    value: 'P',
    help: 'the property holding the kind: city, town, base, highway… (default kind)',
  },
  { flag: 'name-property', parameter: 'name_property', kinds: 'features', value: 'P', help: 'the property holding the name (default name)' },
  {
    flag: 'owner-side-property',
    parameter: 'owner_side_property',
    kinds: 'features',
    value: 'P',
    help: 'the property holding the side owning a highway (default owner_side)',
  },
  { flag: 'feature-kind', parameter: 'kind', kinds: 'features', value: 'KIND', help: 'one kind for every feature of the file' },
  {
    flag: 'rules',
    parameter: 'rules',
    kinds: 'every kind',
    value: 'FILE',
    help: 'a JSON rules document saying, per feature, what it is (README: mapping rules)',
  },
  {
    flag: 'profile',
    parameter: 'profile',
    kinds: 'snapshot, history',
    value: 'NAME',
    help: 'a named rule set: deepstate-raw, deepstate-daily, actor-property (not with --rules)',
  },
  { flag: 'dry-run', parameter: 'dry_run', kinds: 'every kind', value: '', help: 'answer the full report and write nothing' },
  {
    flag: 'overlaps',
    parameter: 'overlaps',
    kinds: 'snapshot, history',
    value: 'keep|refuse|resolve',
    help: "what overlaps between different actors' areas do (default keep: reported)",
  },
  {
    flag: 'precedence',
    parameter: 'precedence',
    kinds: 'snapshot, history',
    value: 'a,b,…',
    help: 'with --overlaps resolve: ground claimed twice goes to the first of these actors',
  },
  {
    flag: 'valid-from-offset',
    parameter: 'valid_from_offset',
    kinds: 'snapshot, history',
    value: 'DURATION',
    help: 'an ISO 8601 duration added to every valid_from read, e.g. -PT3H or -P1D (capture time vs publication time)',
  },
]

export interface CommandSpec {
  usage: string
  summary: string
  flags: [FlagName, string][]
}

const WHERE: [FlagName, string][] = [
  ['url', 'URL: send the work to the service at URL (e.g. http://127.0.0.1:3000) instead of the local database'],
  ['token-file', 'FILE: the write token for --url (default: API_TOKENS, else DATA_DIR/api-token)'],
]
const JSON_FLAG: [FlagName, string] = ['json', 'print the API’s answer as JSON (a refusal: the problem+json itself, on stdout)']

const IMPORT_FLAGS: [FlagName, string][] = [
  ['dataset', 'ID: the dataset to import into (required)'],
  ['kind', 'snapshot|history|features|events|tallies: what the file is (required)'],
  ...IMPORT_PARAMETERS.map(({ flag, value, kinds, help }): [FlagName, string] => [flag, `${value ? `${value}: ` : ''}${help} [${kinds}]`]),
  JSON_FLAG,
  ...WHERE,
]

const DATASET_FLAGS: [FlagName, string][] = [
  ['name', 'TEXT: the name (required to create)'],
  ['description', 'TEXT'],
  ['licence', "TEXT: e.g. 'CC BY 4.0' ('' for none)"],
  ['source-url', "URL: where the data comes from ('' for none)"],
  ['property', 'KEY=VALUE: a free metadata member (VALUE read as JSON when it is JSON); repeat for more'],
  ['outline-feature', "ID: a reference feature (a polygon, e.g. the country) that bounds the complement actor's ground ('' for none)"],
  ['complement-actor', "ID: the actor holding the ground inside the outline that no area covers ('' for none)"],
]

const ACTOR_FLAGS: [FlagName, string][] = [
  ['dataset', 'ID: the dataset the actor belongs to (required)'],
  ['name', 'TEXT: the name (required to create)'],
  ['alias', "NAME: another name imports may use; repeat for more (update: replaces the list; --alias '' empties it)"],
  ['colour', '#rrggbb'],
  ['side', 'SIDE: the coalition it belongs to, e.g. opposition (default: its own id)'],
]

export const COMMANDS: Record<string, CommandSpec> = {
  serve: { usage: 'serve', summary: 'start the HTTP service (same as npm start)', flags: [] },
  migrate: { usage: 'migrate', summary: 'apply pending migrations to the local database', flags: [] },
  import: {
    usage: 'import <folder> | import <file> --dataset ID --kind snapshot|history|features|events|tallies [options]',
    summary:
      'load a dataset folder with a manifest.json (e.g. data/aleppo-2024), or import one file (GeoJSON; ACLED, UCDP GED or tally CSV with --format) with the API’s options',
    flags: IMPORT_FLAGS,
  },
  export: {
    usage: 'export --dataset ID [--at DATE] [--known-at DATE] [--bbox W,S,E,N] [--format geojson|geojsonseq|csv] [--out FILE]',
    summary: 'write the control map at a date (stdout by default)',
    flags: [
      ['dataset', 'ID (required)'],
      ['at', 'DATE: the map of that instant (a bare date: the end of that day; default: now)'],
      ['known-at', 'DATE: as the service knew it then (knowledge time)'],
      ['bbox', 'minLon,minLat,maxLon,maxLat: only areas meeting the box (WGS84)'],
      ['actor', 'a,b: only areas held by these actors'],
      ['side', 'a,b: only areas held by actors of these sides'],
      [
        'format',
        'geojson (default) | geojsonseq (RFC 8142: one feature per record) | csv (a row per area, the geometry as WKT in the first column, which GDAL and QGIS read)',
      ],
      ['out', 'FILE (default: stdout)'],
      ...WHERE,
    ],
  },
  datasets: { usage: 'datasets', summary: 'list the datasets', flags: [JSON_FLAG, ...WHERE] },
  dataset: {
    usage: 'dataset list | show ID | create ID --name TEXT [options] | update ID [options] | delete ID',
    summary: 'list, show, create, update (only the members given change) or delete a dataset (delete removes everything of it)',
    flags: [...DATASET_FLAGS, JSON_FLAG, ...WHERE],
  },
  actors: { usage: 'actors --dataset ID', summary: "list a dataset's actors", flags: [['dataset', 'ID (required)'], JSON_FLAG, ...WHERE] },
  actor: {
    usage:
      'actor list --dataset ID | show ID --dataset ID | create ID --dataset ID --name TEXT [options] | update ID --dataset ID [options] | delete ID --dataset ID',
    summary: "list, show, create, update (only the members given change) or delete a dataset's actor",
    flags: [...ACTOR_FLAGS, JSON_FLAG, ...WHERE],
  },
  imports: {
    usage: 'imports [--dataset ID]',
    summary: 'list the imports, newest first',
    flags: [['dataset', 'ID: only imports into this dataset'], JSON_FLAG, ...WHERE],
  },
  revert: { usage: 'revert <import-id>', summary: 'revert an import: supersede exactly what it wrote', flags: [JSON_FLAG, ...WHERE] },
  get: {
    usage: 'get <path>',
    summary: 'print the answer of any GET of the API, e.g. get "/v1/datasets/my-map/features?kind=town" (a refusal exits 1)',
    flags: [['out', 'FILE (default: stdout)'], ['json', 'taken for symmetry: the answer is printed as it is'], ...WHERE],
  },
  openapi: { usage: 'openapi [--out FILE]', summary: 'write the OpenAPI document (stdout by default)', flags: [['out', 'FILE']] },
  help: { usage: 'help [COMMAND]', summary: 'this text, or the options of one command', flags: [] },
}

const ENVIRONMENT = `The database is DATABASE_URL when set, else the embedded one under DATA_DIR. The embedded one has
one owner: while a server runs on it, every command but migrate sends its work to that server over
HTTP (with API_TOKENS or DATA_DIR/api-token); migrate refuses (the server migrated at start).
--url URL sends the work to any running service instead. A refusal lists every problem (path,
reason, code) and exits 1; --json prints the API's answer itself.`

export function usage(): string {
  const lines = ['frontline <command> [options]', '', 'Commands:']
  for (const spec of Object.values(COMMANDS)) {
    lines.push(`  ${spec.usage}`, `      ${spec.summary}`)
    const flags = spec.flags.map(([flag]) => `--${flag}`).filter((flag) => !['--url', '--token-file', '--json'].includes(flag))
    if (flags.length > 0) lines.push(`      options: ${flags.join(' ')}`)
  }
  lines.push('', 'Every command but serve, migrate and openapi also takes --url URL [--token-file FILE]; frontline help COMMAND lists its options.')
  lines.push('', ENVIRONMENT)
  return lines.join('\n')
}

export function commandUsage(name: string): string {
  const spec = COMMANDS[name]
  if (!spec) return usage()
  const width = Math.max(0, ...spec.flags.map(([flag]) => flag.length)) + 4
  const lines = [`frontline ${spec.usage}`, '', spec.summary]
  if (spec.flags.length > 0) {
    lines.push('', 'Options:')
    for (const [flag, help] of spec.flags) lines.push(`  --${flag.padEnd(width - 2)}${help}`)
  }
  if (name === 'import') {
    lines.push(
      '',
      'Each option is sent as the query parameter of the same name (--valid-from-offset → valid_from_offset);',
      'the service refuses one the kind does not take. [kinds] say which kinds the API documents it for.',
      'A duration starting with a dash is taken as it is: --valid-from-offset -PT3H.',
      'Local imports of 1,000 features or more show their progress on stderr.',
    )
  }
  return lines.join('\n')
}
