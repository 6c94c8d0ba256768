import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { square } from '../helpers.js'
import { cliSetting, collection, seedFolder, writeJson } from './fixtures/cli.js'

// frontline export with --bbox, --known-at and each --format; frontline imports and revert.

const feature = (geometry: object, properties: object) => ({ type: 'Feature', geometry, properties })

t.test('frontline export', async (t) => {
  const { dir, cli } = await cliSetting(t, 'export')
  const seeded = await cli('import', seedFolder(dir, 'maps'))
  t.equal(seeded.code, 0, seeded.stderr)
  const importDay = async (name: string, ...features: object[]) => {
    const result = await cli(
      'import',
      writeJson(dir, name, collection(...features)),
      '--dataset',
      'maps',
      '--kind',
      'snapshot',
      '--valid-from',
      '2024-11-26',
      '--json',
    )
    t.equal(result.code, 0, result.stderr)
    return JSON.parse(result.stdout)
  }
  // The map of the 26th as first published (a west, b east), then corrected: the east square is a's too.
  const first = await importDay('first.geojson', feature(square(37, 36, 0.1), { actor: 'a' }), feature(square(38, 36, 0.1), { actor: 'b' }))
  const second = await importDay('second.geojson', feature(square(37, 36, 0.1), { actor: 'a' }), feature(square(38, 36, 0.1), { actor: 'a' }))
  t.ok(second.import.createdAt > first.import.createdAt)

  t.test('--known-at: the map as known before the correction, as a GeoJSON text sequence', async (t) => {
    const before = new Date(Date.parse(second.import.createdAt) - 1).toISOString()
    const exported = await cli('export', '--dataset', 'maps', '--at', '2024-11-26', '--known-at', before, '--format', 'geojsonseq')
    t.equal(exported.code, 0, exported.stderr)
    const records = exported.stdout.split('\u001e').slice(1)
    t.equal(exported.stdout[0], '\u001e', 'each record starts with RS (RFC 8142)')
    t.equal(records.length, 2)
    const features = records.map((record) => {
      t.ok(record.endsWith('\n'), 'and ends with LF')
      return JSON.parse(record)
    })
    t.same(features.map((f) => f.properties.actor).sort(), ['a', 'b'])
  })

  t.test('--bbox and --out: current knowledge, areas meeting the box only', async (t) => {
    const out = join(dir, 'east.geojson')
    const exported = await cli('export', '--dataset', 'maps', '--at', '2024-11-26', '--bbox', '37.9,35.9,38.2,36.2', '--out', out)
    t.equal(exported.code, 0, exported.stderr)
    t.equal(exported.stdout, '')
    const map = JSON.parse(readFileSync(out, 'utf8'))
    t.match(map, { type: 'FeatureCollection', dataset: 'maps' })
    t.same(
      map.features.map((f: any) => [f.properties.actor, f.geometry.coordinates[0][0]]),
      [['a', [38, 36]]],
    )
  })

  t.test('imports lists them; revert undoes the correction', async (t) => {
    const listed = await cli('imports', '--dataset', 'maps')
    t.equal(listed.code, 0, listed.stderr)
    t.match(listed.stdout, new RegExp(`\\n${second.import.id}\\s+maps\\s+snapshot\\s+2024-11-26T00:00:00\\.000Z`))
    const reverted = await cli('revert', String(second.import.id))
    t.equal(reverted.code, 0, reverted.stderr)
    t.match(reverted.stdout, new RegExp(`^import \\d+: revert into maps.*\\(reverts import ${second.import.id}\\)`, 's'))
  })
})
