import t from 'tap'
import { cliSetting, seedFolder } from './fixtures/cli.js'

// frontline actor create / update / delete and frontline actors, as a user runs them.

t.test('frontline actor', async (t) => {
  const { dir, cli } = await cliSetting(t, 'actors')
  const seeded = await cli('import', seedFolder(dir, 'cast'))
  t.equal(seeded.code, 0, seeded.stderr)

  t.test('create with aliases, colour and side; update only what is given', async (t) => {
    const created = await cli(
      'actor',
      'create',
      'hts',
      '--dataset',
      'cast',
      '--name',
      'Hayat Tahrir al-Sham',
      '--alias',
      'HTS',
      '--alias',
      'Tahrir, al-Sham',
      '--colour',
      '#00aa00',
      '--side',
      'opposition',
    )
    t.equal(created.code, 0, created.stderr)
    t.match(created.stdout, /^created actor hts of cast \(side opposition\)/)
    const updated = await cli('actor', 'update', 'a', '--dataset', 'cast', '--side', 'opposition', '--json')
    t.equal(updated.code, 0, updated.stderr)
    t.match(JSON.parse(updated.stdout), { id: 'a', name: 'Actor A', aliases: ['Alpha'], side: 'opposition' })
    const refused = await cli('actor', 'create', 'bad', '--dataset', 'cast', '--name', 'Bad', '--colour', 'green', '--json')
    t.equal(refused.code, 1)
    t.match(JSON.parse(refused.stdout), { status: 400, errors: [{ path: '/body/colour' }] })
    t.match(refused.stderr, /\/body\/colour: /)
  })

  t.test('list, then delete', async (t) => {
    const listed = await cli('actors', '--dataset', 'cast')
    t.equal(listed.code, 0, listed.stderr)
    t.match(listed.stdout, /^id\s+name\s+side\s+colour\s+aliases\n/)
    t.match(listed.stdout, /\nhts\s+Hayat Tahrir al-Sham\s+opposition\s+#00aa00\s+HTS;Tahrir, al-Sham/)
    t.match(listed.stdout, /\na\s+Actor A\s+opposition/)
    const deleted = await cli('actor', 'delete', 'b', '--dataset', 'cast')
    t.equal(deleted.code, 0, deleted.stderr)
    t.match(deleted.stdout, /^removed actor b of cast/)
    const after = await cli('actor', 'list', '--dataset', 'cast', '--json')
    t.same(
      JSON.parse(after.stdout).actors.map((a: { id: string }) => a.id),
      ['a', 'hts'],
    )
  })
})
