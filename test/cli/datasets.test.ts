import t from 'tap'
import { square } from '../helpers.js'
import { cliSetting, collection, seedFolder } from './fixtures/cli.js'

// frontline dataset create / update / show / delete and frontline datasets, as a user runs them.

t.test('frontline dataset', async (t) => {
  const { dir, cli } = await cliSetting(t, 'datasets')
  // a dataset with actors and an outline polygon among its reference features
  const outline = { type: 'Feature', id: 'country', geometry: square(36, 35, 2), properties: { kind: 'country', name: 'Country' } }
  const seeded = await cli('import', seedFolder(dir, 'seeded', { features: collection(outline) }))
  t.equal(seeded.code, 0, seeded.stderr)

  t.test('create, then create again is refused', async (t) => {
    const created = await cli(
      'dataset',
      'create',
      'fresh',
      '--name',
      'Fresh map',
      '--licence',
      'CC BY 4.0',
      '--property',
      'span=2024',
      '--property',
      'region="north"',
    )
    t.equal(created.code, 0, created.stderr)
    t.match(created.stdout, /^created dataset fresh \(revision \d+\)/)
    const again = await cli('dataset', 'create', 'fresh', '--name', 'Other')
    t.equal(again.code, 1)
    t.match(again.stderr, /dataset fresh exists already: change it with frontline dataset update fresh/)
  })

  t.test('update changes only the members given; outline and complement actor', async (t) => {
    const updated = await cli(
      'dataset',
      'update',
      'seeded',
      '--description',
      'described',
      '--licence',
      'ODbL',
      '--property',
      'extra=1',
      '--outline-feature',
      'country',
      '--complement-actor',
      'b',
    )
    t.equal(updated.code, 0, updated.stderr)
    t.match(updated.stdout, /^updated dataset seeded/)
    const shown = await cli('dataset', 'show', 'seeded')
    t.equal(shown.code, 0, shown.stderr)
    t.match(JSON.parse(shown.stdout), {
      id: 'seeded',
      name: 'Dataset seeded',
      description: 'described',
      licence: 'ODbL',
      properties: { extra: 1 },
      outlineFeature: 'country',
      complementActor: 'b',
    })
    const missing = await cli('dataset', 'update', 'nope', '--description', 'x', '--json')
    t.equal(missing.code, 1)
    t.match(JSON.parse(missing.stdout), { status: 404, code: 'DATASET_NOT_FOUND' })
  })

  t.test('list, then delete', async (t) => {
    const listed = await cli('datasets')
    t.equal(listed.code, 0, listed.stderr)
    t.match(listed.stdout, /^id\s+name\s+revision\s+licence\s+updatedAt\n/)
    t.match(listed.stdout, /\nfresh\s+Fresh map\s+\d+\s+CC BY 4\.0/)
    t.match(listed.stdout, /\nseeded\s+Dataset seeded\s+\d+\s+ODbL/)
    const deleted = await cli('dataset', 'delete', 'fresh')
    t.equal(deleted.code, 0, deleted.stderr)
    t.match(deleted.stdout, /^deleted dataset fresh: 0 areas, 0 features, 0 imports, 0 actors/)
    const after = await cli('datasets', '--json')
    t.same(
      JSON.parse(after.stdout).datasets.map((d: { id: string }) => d.id),
      ['seeded'],
    )
  })
})
