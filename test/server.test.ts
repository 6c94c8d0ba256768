import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../src/config.js'
import { ensureTokens } from '../src/server.js'

t.test('ensureTokens', async (t) => {
  t.test('keeps configured tokens', async (t) => {
    const config = loadConfig({ API_TOKENS: 'a,b', DATA_DIR: mkdtempSync(join(tmpdir(), 'frontline-')) })
    t.same(ensureTokens(config, () => t.fail('nothing to print')).apiTokens, ['a', 'b'])
  })
  t.test('makes one token at first start, prints it once, and reuses it', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-'))
    const printed: string[] = []
    const first = ensureTokens(loadConfig({ DATA_DIR: dir }), (line) => printed.push(line))
    t.equal(first.apiTokens.length, 1)
    t.ok(first.apiTokens[0].length >= 32)
    t.equal(printed.length, 1)
    t.match(printed[0], first.apiTokens[0])
    t.equal(readFileSync(join(dir, 'api-token'), 'utf8').trim(), first.apiTokens[0])
    t.equal(statSync(join(dir, 'api-token')).mode & 0o777, 0o600)
    const second = ensureTokens(loadConfig({ DATA_DIR: dir }), (line) => printed.push(line))
    t.same(second.apiTokens, first.apiTokens)
    t.equal(printed.length, 1, 'printed only once')
  })
})
