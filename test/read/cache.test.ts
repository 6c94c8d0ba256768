import t from 'tap'
import { CachedBody, COMPRESS_ON_WORKER_FROM_BYTES, LruCache, SharedBodyPart, estimateBytes } from '../../src/read/cache.js'
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

t.test('CachedBody.renderedLazily', async (t) => {
  t.test('leaves a body from a worker uncompressed, to be compressed once for the encoding asked', async (t) => {
    const text = JSON.stringify({ stretches: Array.from({ length: 2000 }, (_, i) => ({ km: i / 7, side: i % 2 ? 'east' : 'west' })) })
    t.ok(Buffer.byteLength(text) > 2048 && Buffer.byteLength(text) < COMPRESS_ON_WORKER_FROM_BYTES)
    const rendered = CachedBody.renderedLazily(text)
    t.equal(rendered.br, undefined)
    t.equal(rendered.gzip, undefined)
    t.equal(Buffer.from(rendered.raw).toString(), text)
    const body = CachedBody.fromRendered(rendered)
    t.equal(body.text, text)
    const gzip = body.encoded('gzip')
    t.equal(gunzipSync(gzip).toString(), text)
    t.equal(body.encoded('gzip'), gzip, 'kept for the next asker')
    t.equal(brotliDecompressSync(body.encoded('br')).toString(), text)
  })

  t.test('compresses a large body where it was made', async (t) => {
    const text = 'x'.repeat(COMPRESS_ON_WORKER_FROM_BYTES + 1)
    const rendered = CachedBody.renderedLazily(text)
    t.equal(gunzipSync(rendered.gzip!).toString(), text)
    t.equal(brotliDecompressSync(rendered.br!).toString(), text)
  })
})

t.test('CachedBody.spliced', async (t) => {
  const shared = new SharedBodyPart(Buffer.from(`,"features":[${Array.from({ length: 300 }, (_, i) => `{"id":${i},"name":"Ḥalab ${i}"}`).join(',')}]}`))
  for (const head of ['{"at":"2024-11-27T06:00:00.000Z"', '{"at":"2024-11-27T18:00:00.000Z","notes":["ü — ⛰"]', '']) {
    const body = CachedBody.spliced(Buffer.from(head), shared)
    t.equal(body.text, head + shared.raw.toString())
    const gzip = body.encoded('gzip')
    t.same([...gzip.subarray(0, 3)], [0x1f, 0x8b, 0x08], 'a gzip member')
    t.equal(gunzipSync(gzip).toString('hex'), body.raw.toString('hex'), `unzips to the body (head ${JSON.stringify(head)})`)
    t.equal(brotliDecompressSync(body.encoded('br')).toString('hex'), body.raw.toString('hex'))
  }
})
