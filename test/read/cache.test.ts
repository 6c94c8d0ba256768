import t from 'tap'
import { CachedBody, LruCache, estimateBytes } from '../../src/read/cache.js'
import { gunzipSync, brotliDecompressSync } from 'node:zlib'

t.test('LruCache', async (t) => {
  t.test('evicts the least recently used past the entry bound', async (t) => {
    const cache = new LruCache<number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.get('a')
    cache.set('c', 3)
    t.equal(cache.get('b'), undefined)
    t.equal(cache.get('a'), 1)
    t.equal(cache.get('c'), 3)
    t.equal(cache.hits, 3)
    t.equal(cache.misses, 1)
  })
  t.test('stays within its byte bound and refuses entries over a quarter of it', async (t) => {
    const cache = new LruCache<string>(100, 1000)
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, 'x', 200)
    t.ok(cache.bytes <= 1000)
    t.equal(cache.size, 5)
    cache.set('huge', 'x', 300)
    t.equal(cache.get('huge'), undefined)
  })
  t.test('getOrSet produces once', async (t) => {
    const cache = new LruCache<number>(10)
    let calls = 0
    const produce = async () => ++calls
    t.equal(await cache.getOrSet('k', produce), 1)
    t.equal(await cache.getOrSet('k', produce), 1)
    t.equal(calls, 1)
  })
})

t.test('estimateBytes', async (t) => {
  t.ok(estimateBytes(new Float64Array(1000)) >= 8000)
  t.ok(estimateBytes({ coordinates: Array.from({ length: 1000 }, () => [1, 2]) }) >= 16_000)
  t.ok(estimateBytes(new CachedBody('x'.repeat(10_000))) >= 10_000)
})

t.test('CachedBody', async (t) => {
  const text = JSON.stringify({ features: Array.from({ length: 500 }, (_, i) => ({ id: i, name: 'area' })) })
  const body = new CachedBody(text)
  t.equal(gunzipSync(body.encoded('gzip')).toString(), text)
  t.equal(brotliDecompressSync(body.encoded('br')).toString(), text)
  t.equal(body.encoded('gzip'), body.encoded('gzip'), 'compressed once')
})
