import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../src/config.js'
import { LOCK_FILE } from '../src/db/lock.js'
import { ensureTokens, start } from '../src/server.js'

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
  t.test('an empty token file (a first start killed while writing it) is no token: a new one is made', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-'))
    writeFileSync(join(dir, 'api-token'), '\n')
    const printed: string[] = []
    const config = ensureTokens(loadConfig({ DATA_DIR: dir }), (line) => printed.push(line))
    t.equal(config.apiTokens.length, 1)
    t.ok(config.apiTokens[0].length >= 32, 'a real token, not the empty string')
    t.equal(printed.length, 1)
    t.equal(readFileSync(join(dir, 'api-token'), 'utf8').trim(), config.apiTokens[0])
  })
})

t.test('start', async (t) => {
  t.test('on the embedded database: the lock names the port it listens on, and closing releases it', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const lockFile = join(dir, 'pglite', LOCK_FILE)
    const app = await start(
      loadConfig({
        DATA_DIR: dir,
        DATABASE_URL: '',
        PORT: '0',
        HOST: '127.0.0.1',
        API_TOKENS: 'a-token-0123456789',
        LOAD_DEFAULT_DATASET: 'never',
        LOG_LEVEL: 'silent',
      }),
    )
    t.teardown(() => app.close())
    const address = app.server.address()
    t.ok(address && typeof address === 'object')
    const port = (address as { port: number }).port
    t.match(JSON.parse(readFileSync(lockFile, 'utf8')), { pid: process.pid, port, host: '127.0.0.1', command: 'frontline server' })
    t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200)
    await app.close()
    t.notOk(existsSync(lockFile))
  })
})
