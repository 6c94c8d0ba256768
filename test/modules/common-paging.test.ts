import type { FastifyRequest } from 'fastify'
import t from 'tap'
import { pageLinks } from '../../src/modules/common/paging.js'
import { tableFormat } from '../../src/plugins/formats.js'

const request = (url: string) => ({ protocol: 'https', host: 'maps.example', url })
const links = (url: string, page: { limit: number; offset: number; matched: number; returned: number }) =>
  Object.fromEntries(pageLinks(request(url), page, 'application/json').map((link) => [link.rel, link.href]))

t.test('pageLinks', async (t) => {
  t.test('a ? inside a value is kept: the query is split at the first ? only', async (t) => {
    const next = new URL(links('/v1/features?dataset=x&q=what?&limit=1', { limit: 1, offset: 0, matched: 3, returned: 1 }).next)
    t.equal(next.searchParams.get('q'), 'what?')
    t.equal(next.searchParams.get('offset'), '1')
    t.equal(next.origin, 'https://maps.example', 'absolute, on the host the client used')
  })
  t.test('next and prev exist exactly when there are such pages', async (t) => {
    t.same(Object.keys(links('/v1/x?limit=2', { limit: 2, offset: 0, matched: 2, returned: 2 })), ['self'])
    t.same(Object.keys(links('/v1/x?limit=2&offset=2', { limit: 2, offset: 2, matched: 5, returned: 2 })), ['self', 'next', 'prev'])
    t.same(Object.keys(links('/v1/x?limit=2&offset=4', { limit: 2, offset: 4, matched: 5, returned: 1 })), ['self', 'prev'])
  })
  t.test('past the end, prev is the last page there is', async (t) => {
    // 5 items by 2: pages start at 0, 2 and 4.
    const prev = new URL(links('/v1/x?limit=2&offset=40', { limit: 2, offset: 40, matched: 5, returned: 0 }).prev)
    t.equal(prev.searchParams.get('offset'), '4')
    const none = new URL(links('/v1/x?limit=2&offset=40', { limit: 2, offset: 40, matched: 0, returned: 0 }).prev)
    t.equal(none.searchParams.get('offset'), '0')
  })
})

t.test('tableFormat', async (t) => {
  const asked = (accept: string | undefined, f?: 'json' | 'csv') => {
    try {
      return tableFormat({ headers: accept === undefined ? {} : { accept } } as FastifyRequest, f)
    } catch (error) {
      return (error as { code: string }).code
    }
  }
  t.equal(asked(undefined), 'json')
  t.equal(asked('text/csv'), 'csv')
  t.equal(asked('text/*'), 'csv', 'text/* names CSV, the one text type offered')
  t.equal(asked('application/*'), 'json')
  t.equal(asked('*/*'), 'json')
  t.equal(asked('application/json;q=0.5, text/csv'), 'csv')
  t.equal(asked('application/json, text/csv;q=0.5'), 'json')
  t.equal(asked('text/csv', 'json'), 'json', 'f wins over Accept')
  t.equal(asked('image/png'), 'NOT_ACCEPTABLE')
})
