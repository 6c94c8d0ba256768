import t, { type Test } from 'tap'
import { CQL2_CONFORMANCE, parseCql2Text } from '../../src/faces/ogc/cql2.js'
import type { QueryableType } from '../../src/modules/common/items.js'

const QUERYABLES: Record<string, QueryableType> = {
  actor: 'string',
  side: 'string',
  kind: 'string',
  label: 'string',
  note: 'string',
  date: 'string',
  'eo:cloud': 'number',
  areaKm2: 'number',
  population: 'number',
  verified: 'boolean',
  validFrom: 'timestamp',
  validTo: 'timestamp',
}

// One area, its values chosen so each case below is decided by hand. kind and population are
// absent and validTo is null: the NULL cases.
const AREA = {
  actor: 'hts',
  side: 'opposition',
  label: '50%_off (a.b)*',
  note: "it's",
  date: '2024-11-28',
  'eo:cloud': 0.1,
  areaKm2: 12.5,
  verified: true,
  validFrom: '2024-11-28T06:30:00Z',
  validTo: null,
}

type Case = [filter: string, expected: boolean]

function check(t: Test, cases: Case[], properties: Record<string, unknown> = AREA) {
  for (const [filter, expected] of cases) t.equal(parseCql2Text(filter, QUERYABLES).evaluate(properties), expected, filter)
}

t.test('CQL2_CONFORMANCE', async (t) => {
  t.same(CQL2_CONFORMANCE, [
    'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
    'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
    'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  ])
})

t.test('parseCql2Text', async (t) => {
  t.test('compares a property with a literal by each operator', async (t) => {
    check(t, [
      ["actor = 'hts'", true],
      ["actor = 'sna'", false],
      ["actor <> 'sna'", true],
      ["actor <> 'hts'", false],
      ["actor < 'hu'", true],
      ["actor < 'hts'", false],
      ["actor <= 'hts'", true],
      ["actor <= 'hta'", false],
      ["actor > 'hta'", true],
      ["actor > 'hts'", false],
      ["actor >= 'hts'", true],
      ["actor >= 'i'", false],
      ['areaKm2 = 12.5', true],
      ['areaKm2 = 12.50', true],
      ['areaKm2 = 12', false],
      ['areaKm2 <> -12.5', true],
      ['areaKm2 > 12', true],
      ['areaKm2 > +12.5', false],
      ['areaKm2 < .125e2', false],
      ['areaKm2 < 13', true],
      ['areaKm2 <= 1.25E1', true],
      ['areaKm2 >= 13', false],
      ['areaKm2 > -1', true],
      ['areaKm2>12', true],
      ['verified = true', true],
      ['verified = false', false],
      ['verified <> false', true],
      ['verified > false', true], // false orders before true
      ['verified < true', false],
    ])
  })

  t.test('takes a literal or a property on either side', async (t) => {
    check(t, [
      ["'hts' = actor", true],
      ['12 < areaKm2', true],
      ['1 = 1', true],
      ['2 < 1', false],
      ["'a' < 'b'", true],
      ['areaKm2 = areaKm2', true],
      ['actor = side', false],
    ])
  })

  t.test('takes TRUE and FALSE as whole predicates', async (t) => {
    check(t, [
      ['true', true],
      ['false', false],
      ["TRUE AND actor = 'hts'", true],
      ["false OR actor = 'sna'", false],
    ])
  })

  // A = actor = 'hts' is TRUE and B = actor = 'sna' is FALSE; each expected value is the one the
  // standard precedence gives and the other groupings would not.
  t.test('binds NOT tighter than AND, and AND tighter than OR', async (t) => {
    const A = "actor = 'hts'"
    const B = "actor = 'sna'"
    check(t, [
      [`NOT ${B} AND ${B}`, false], // NOT (B AND B) would be TRUE
      [`NOT ${A} OR ${A}`, true], // NOT (A OR A) would be FALSE
      [`${A} OR ${B} AND ${B}`, true], // (A OR B) AND B would be FALSE
      [`${B} AND ${B} OR ${A}`, true], // B AND (B OR A) would be FALSE
      [`${B} AND ${A} OR ${A} AND ${A}`, true],
      [`(${A} OR ${B}) AND ${B}`, false],
      [`NOT (${A} AND ${B})`, true],
      [`NOT NOT ${A}`, true],
      [`((${A}))`, true],
      // The shape of the basic-cql2 conformance test 'logical': (NOT (p2) AND p1) OR (p3 and p4) or not (p1 OR p4)
      [`(NOT (${B}) AND ${A}) OR (${B} and ${A}) or not (${A} OR ${B})`, true],
      [`(NOT (${A}) AND ${A}) OR (${B} and ${A}) or not (${A} OR ${B})`, false],
    ])
  })

  t.test('treats NULL as unknown: comparisons are NULL, IS NULL is TRUE, and the filter selects only TRUE', async (t) => {
    const NULL = "validTo > TIMESTAMP('2000-01-01T00:00:00Z')"
    check(t, [
      ['validTo IS NULL', true],
      ['validTo IS NOT NULL', false],
      ['kind IS NULL', true], // absent
      ['actor IS NULL', false],
      ['actor IS NOT NULL', true],
      [NULL, false],
      ["validTo <= TIMESTAMP('2000-01-01T00:00:00Z')", false],
      ["kind = 'x'", false],
      ["kind <> 'x'", false],
      [`NOT ${NULL}`, false],
      [`${NULL} OR actor = 'hts'`, true],
      [`${NULL} OR actor = 'sna'`, false],
      [`${NULL} AND actor = 'sna'`, false],
      [`NOT (${NULL} AND actor = 'hts')`, false],
      [`NOT (${NULL} AND actor = 'sna')`, true],
      [`(${NULL}) IS NULL`, true],
      ["(actor = 'hts') IS NULL", false],
      ["(actor = 'hts') IS NOT NULL", true],
      ['validTo < validFrom', false],
      ["kind LIKE '%'", false],
      ["kind NOT LIKE 'x'", false],
      ['population BETWEEN 0 AND 100', false],
      ['population NOT BETWEEN 0 AND 100', false],
      ['areaKm2 BETWEEN population AND 20', false],
      ["kind IN ('x')", false],
      ["kind NOT IN ('x')", false],
      ["actor IN ('hts', kind)", true],
      ["actor IN ('sna', kind)", false],
      ["actor NOT IN ('sna', kind)", false],
      ["actor NOT IN ('hts', kind)", false],
    ])
  })

  t.test('reads a value of another type than its queryable as NULL, not coerced', async (t) => {
    check(
      t,
      [
        ['areaKm2 = 12', false],
        ['areaKm2 <> 12', false],
        ['areaKm2 IS NULL', false],
        ["validFrom > TIMESTAMP('2000-01-01T00:00:00Z')", false],
        ["validFrom <= TIMESTAMP('2000-01-01T00:00:00Z')", false],
      ],
      { areaKm2: '12', validFrom: 'soon' },
    )
  })

  t.test('LIKE: % matches any run, _ one character, \\ escapes; the match is whole and case-sensitive', async (t) => {
    check(t, [
      ["actor LIKE 'hts'", true],
      ["actor LIKE 'ht'", false],
      ["actor LIKE 'h%'", true],
      ["actor LIKE '%s'", true],
      ["actor LIKE '%t%'", true],
      ["actor LIKE 'hts%'", true],
      ["actor LIKE '%'", true],
      ["actor LIKE '%%'", true],
      ["actor LIKE 'h_s'", true],
      ["actor LIKE 'h_'", false],
      ["actor LIKE '___'", true],
      ["actor LIKE '____'", false],
      ["actor LIKE ''", false],
      ["actor LIKE 'H%'", false],
      ["actor NOT LIKE 'h%'", false],
      ["actor NOT LIKE 'x%'", true],
      ["NOT actor LIKE 'x%'", true],
      ["'hts' LIKE 'h%'", true],
      // label is '50%_off (a.b)*': escaped wildcards are literal, and regular-expression characters are plain
      [String.raw`label LIKE '50\%\_off%'`, true],
      [String.raw`label LIKE '50\%x%'`, false],
      [String.raw`label LIKE '5_\%%'`, true],
      [String.raw`label LIKE '50\_%'`, false],
      ["label LIKE '%(a.b)*'", true],
      ["label LIKE '%(a_b)%'", true],
      ["label LIKE '%a.c%'", false],
      ["label LIKE '50%%off%'", true],
      // The conformance test's escape pattern: \\ is a backslash in the string, which then escapes for LIKE
      [String.raw`label LIKE '50\\%\\_off%'`, true],
    ])
    check(
      t,
      [
        [String.raw`label LIKE 'C:\\\\temp'`, true],
        [String.raw`label LIKE 'C:\\temp'`, false],
        [String.raw`label LIKE 'C:_temp'`, true],
      ],
      { label: String.raw`C:\temp` },
    )
    // Twelve % between twelve _: a backtracking matcher tries C(25,12) splits of the 25 characters before it gives up.
    const many = `label LIKE '${'%_'.repeat(12)}!'`
    check(t, [[many, false]], { label: 'a'.repeat(25) })
    check(t, [[many, true]], { label: `${'a'.repeat(24)}!` })
    check(t, [[many, false]], { label: `${'a'.repeat(11)}!` })
    check(t, [[String.raw`label LIKE 'a_b'`, true]], { label: 'a\nb' })
  })

  t.test('compares strings after Unicode normalisation, and _ matches one composed letter', async (t) => {
    const decomposed = { actor: 'H\u0323alab' } // Ḥ as H + combining dot below
    check(
      t,
      [
        ["actor = '\u1e24alab'", true],
        ["actor LIKE '_alab'", true],
        ["actor LIKE '__alab'", false],
      ],
      decomposed,
    )
  })

  t.test('BETWEEN is inclusive at both ends', async (t) => {
    check(t, [
      ['areaKm2 BETWEEN 12.5 AND 13', true],
      ['areaKm2 BETWEEN 10 AND 12.5', true],
      ['areaKm2 BETWEEN 12.6 AND 20', false],
      ['areaKm2 BETWEEN 1 AND 12.4', false],
      ['areaKm2 BETWEEN 13 AND 1', false],
      ['areaKm2 BETWEEN -1 AND +20', true],
      ['areaKm2 NOT BETWEEN 1 AND 10', true],
      ['areaKm2 NOT BETWEEN 1 AND 20', false],
      ["areaKm2 BETWEEN 1 AND 20 AND actor = 'sna'", false],
      ["areaKm2 BETWEEN 1 AND 20 AND actor = 'hts'", true],
    ])
  })

  t.test('IN is TRUE when any item is equal', async (t) => {
    check(t, [
      ["actor IN ('sna', 'hts')", true],
      ["actor IN ('sna')", false],
      ["actor NOT IN ('sna', 'sdf')", true],
      ["actor NOT IN ('hts')", false],
      ['areaKm2 IN (1, 12.5, 3)', true],
      ['areaKm2 IN (1, 2, 3)', false],
      ['verified IN (true)', true],
      ['verified NOT IN (false)', true],
      ["validFrom IN (TIMESTAMP('2024-11-28T06:30:00Z'))", true],
      ["validFrom IN (TIMESTAMP('2024-11-28T06:30:01Z'))", false],
      ["validFrom IN ('2024-11-28T06:30:00Z', '2024-11-28T07:30:00Z')", true],
      ["validFrom IN (DATE('2024-11-27'), DATE('2024-11-28'))", true],
      ["validFrom IN ('2024-11-27', '2024-11-29')", false],
    ])
  })

  t.test('compares timestamps as instants, whether the value is text, a Date or in another offset', async (t) => {
    const instantCases: Case[] = [
      ["validFrom = TIMESTAMP('2024-11-28T06:30:00Z')", true],
      ["validFrom = TIMESTAMP('2024-11-28T06:30:00.000Z')", true],
      ["validFrom = TIMESTAMP('2024-11-28T06:30:00.001Z')", false],
      ["validFrom <> TIMESTAMP('2024-11-28T06:30:00Z')", false],
      ["validFrom > TIMESTAMP('2024-11-28T06:29:59.999Z')", true],
      ["validFrom < TIMESTAMP('2024-11-28T06:30:00Z')", false],
      ["validFrom <= TIMESTAMP('2024-11-28T06:30:00Z')", true],
      ["validFrom >= TIMESTAMP('2024-11-28T06:30:01Z')", false],
      ["validFrom = timestamp('2024-11-28t06:30:00z')", true],
      ["validFrom > '2024-11-28T06:00:00Z'", true],
      ["TIMESTAMP('2024-11-28T06:00:00Z') < validFrom", true],
    ]
    for (const validFrom of ['2024-11-28T06:30:00Z', new Date(Date.UTC(2024, 10, 28, 6, 30)), '2024-11-28T08:30:00+02:00']) {
      check(t, instantCases, { validFrom })
    }
  })

  t.test('compares a timestamp with a DATE by its UTC calendar day', async (t) => {
    check(t, [
      ["validFrom = DATE('2024-11-28')", true],
      ["validFrom = DATE('2024-11-27')", false],
      ["validFrom <> DATE('2024-11-28')", false],
      ["validFrom < DATE('2024-11-28')", false],
      ["validFrom < DATE('2024-11-29')", true],
      ["validFrom <= DATE('2024-11-28')", true],
      ["validFrom > DATE('2024-11-28')", false],
      ["validFrom > DATE('2024-11-27')", true],
      ["validFrom >= DATE('2024-11-28')", true],
      ["validFrom = '2024-11-28'", true],
      ["date('2024-11-28') = validFrom", true],
      ["DATE('2024-11-28') < DATE('2024-11-29')", true],
      ["DATE('2024-11-28') = TIMESTAMP('2024-11-28T23:00:00Z')", true],
    ])
    check(
      t,
      [
        ["validFrom = DATE('2024-11-28')", true],
        ["validFrom <= DATE('2024-11-28')", true],
      ],
      { validFrom: '2024-11-28T23:59:59.999Z' },
    )
    check(
      t,
      [
        ["validFrom = DATE('2024-11-28')", false],
        ["validFrom > DATE('2024-11-28')", true],
      ],
      { validFrom: '2024-11-29T00:00:00Z' },
    )
  })

  t.test('reads double-quoted and colon-bearing property names, and keywords in quotes', async (t) => {
    check(t, [
      ['"actor" = \'hts\'', true],
      ['"date" = \'2024-11-28\'', true],
      ['"eo:cloud" < 0.5', true],
      ['eo:cloud < 0.5', true],
      ['"areaKm2" BETWEEN 12 AND 13', true],
    ])
  })

  t.test('reads keywords in any case', async (t) => {
    check(t, [
      ["actor = 'hts' and not verified = false", true],
      ["actor like 'h%'", true],
      ["actor Not Like 'h%'", false],
      ['areaKm2 Between 1 aNd 20', true],
      ["actor in ('hts')", true],
      ["actor nOt In ('hts')", false],
      ['validTo is null', true],
      ['validTo Is Not Null', false],
      ["validFrom >= Date('2024-11-28')", true],
      ["actor = 'x' oR TrUe", true],
    ])
  })

  t.test("reads '' and the backslash escapes of /req/cql2-text/escaping in strings", async (t) => {
    check(t, [
      ["note = 'it''s'", true],
      [String.raw`note = 'it\'s'`, true],
      ["note = 'its'", false],
    ])
    for (const [letter, char] of [
      ['a', '\x07'],
      ['b', '\b'],
      ['t', '\t'],
      ['n', '\n'],
      ['v', '\v'],
      ['f', '\f'],
      ['r', '\r'],
      ['\\', '\\'],
    ]) {
      check(t, [[`note = 'x\\${letter}y'`, true]], { note: `x${char}y` })
    }
    check(t, [[String.raw`note = '50\%'`, true]], { note: String.raw`50\%` })
    check(t, [["note = ''", true]], { note: '' })
    check(t, [["note = 'a\tb'", true]], { note: 'a\tb' })
  })

  t.test('names each property it uses, once', async (t) => {
    const filter = parseCql2Text("actor = 'x' AND (areaKm2 > 1 OR actor LIKE 'h%') AND \"validFrom\" IS NULL", QUERYABLES)
    t.same(filter.properties, ['actor', 'areaKm2', 'validFrom'])
    t.same(parseCql2Text('true', QUERYABLES).properties, [])
  })

  // The conformance tests of basic-cql2 and advanced-comparison-operators (21-065 annex A) run
  // these on each queryable: every one must parse, and the pairs named must split the items.
  t.test('passes the conformance tests on every queryable type', async (t) => {
    const items = [
      AREA,
      {},
      { actor: 'foo', areaKm2: 3.14, verified: false, validFrom: '2022-04-14T14:48:46Z' },
      { actor: 'zzz', areaKm2: -1, validFrom: new Date(0) },
      { actor: '', areaKm2: 1 },
    ]
    const values: [string, string][] = [
      ['actor', "'foo'"],
      ['areaKm2', '3.14'],
      ['verified', 'true'],
      ['validFrom', "TIMESTAMP('2022-04-14T14:48:46Z')"],
      ['validFrom', "DATE('2022-04-14')"],
    ]
    const selected = (filter: string) => items.filter((item) => parseCql2Text(filter, QUERYABLES).evaluate(item))
    const disjoint = (a: string, b: string) =>
      t.same(
        selected(a).filter((i) => selected(b).includes(i)),
        [],
        `${a} | ${b}`,
      )
    for (const [q, v] of values) {
      disjoint(`${q} = ${v}`, `${q} <> ${v}`)
      disjoint(`${q} > ${v}`, `${q} <= ${v}`)
      disjoint(`${q} < ${v}`, `${q} >= ${v}`)
      t.equal(selected(`${q} IS NULL`).length + selected(`${q} is not null`).length, items.length, `${q} IS [NOT] NULL`)
    }
    t.same(selected('false'), [])
    t.equal(selected('true').length, items.length)
    disjoint("actor like '_%'", "actor like ''")
    t.same(selected("actor LIKE '%'"), selected("actor like '%%'"))
    t.same(selected(String.raw`actor like '\\%\\_'`), [])
    t.equal(selected('areaKm2 BETWEEN 0 AND 100').length, 3)
    t.same(selected('areaKm2 between 100.0 and 1.0'), [])
    t.equal(selected('areaKm2 IN (1, 2, 3)').length, 1)
    t.equal(selected("actor in ('foo', 'bar')").length, 1)
    t.equal(selected('verified in (true)').length, 1)
    t.equal(selected("validFrom in ('2022-04-14T14:52:56Z', '2022-04-14T15:52:56Z')").length, 0)
    t.equal(selected("validFrom in ('2022-04-14T14:48:46Z')").length, 1)
  })

  t.test('refuses a bad filter with INVALID_FILTER naming the character and what was expected', async (t) => {
    // [filter, where the error is (a substring; 'end' for the end of the filter), what the reason must say]
    const cases: [string, string, RegExp][] = [
      ['actor =', 'end', /expected a value after '=', got end of filter/],
      ['', 'end', /expected a predicate, got end of filter/],
      ["foo = 'x'", 'foo', /'foo' is not a queryable property; the queryables are actor, side, kind/],
      ["Actor = 'x'", 'Actor', /did you mean 'actor'/],
      ['actor = 5', '5', /cannot compare string property 'actor' with a number/],
      ["areaKm2 = 'big'", "'big'", /cannot compare number property 'areaKm2' with a string/],
      ['verified = 1', '1', /cannot compare boolean property 'verified' with a number/],
      ["validFrom > 'yesterday'", "'yesterday'", /cannot compare timestamp property 'validFrom' with a string/],
      ["actor = TIMESTAMP('2024-11-28T00:00:00Z')", 'TIMESTAMP', /cannot compare string property 'actor' with a TIMESTAMP/],
      ['areaKm2 = validFrom', 'validFrom', /cannot compare number property 'areaKm2' with timestamp property 'validFrom'/],
      ["areaKm2 LIKE '1%'", 'areaKm2', /LIKE matches strings/],
      ["actor BETWEEN 'a' AND 'z'", 'actor', /BETWEEN compares numbers/],
      ["areaKm2 BETWEEN 1 'x'", "'x'", /expected AND between the two bounds/],
      ["actor IN ('a', 5)", '5', /cannot compare string property 'actor' with a number/],
      ["actor IN 'a'", "'a'", /expected '\(' after 'IN'/],
      ["actor IN ('a'", 'end', /expected ',' or '\)'/],
      ['actor IN ()', ')', /expected a value in the list/],
      ["actor = 'hts", "'hts", /string is not closed/],
      ['"actor = 1', '"', /quoted property name is not closed/],
      ['"" = 1', '"', /expected a property name between the double quotes/],
      ["actor != 'x'", '!', /unexpected character '!' \(write 'not equal' as <>\)/],
      ["(actor = 'x'", 'end', /expected AND, OR or '\)' to close the '\(' at character 1/],
      ["actor = 'x')", ')', /expected AND, OR or end of filter, got '\)'/],
      ["actor = 'x' side = 'y'", 'side', /expected AND, OR or end of filter, got 'side'/],
      ['actor', 'end', /expected a comparison .* after 'actor'/],
      ["verified AND actor = 'x'", 'AND', /verified = true/],
      ['actor = NULL', 'NULL', /test for it with IS NULL/],
      ["actor IS 'x'", "'x'", /expected NULL or NOT NULL after 'IS'/],
      ['actor IS NOT 1', '1', /expected NULL after 'IS NOT'/],
      ["actor NOT = 'x'", '=', /expected LIKE, BETWEEN or IN after 'NOT'/],
      ["actor = 'x' AND", 'end', /expected a predicate, got end of filter/],
      ["actor = AND side = 'x'", 'AND', /expected a value after '=', got 'AND'/],
      ["validFrom > DATE('2024-02-30')", "'2024-02-30'", /expected a calendar date like '2024-11-28'/],
      ["validFrom > TIMESTAMP('2024-11-28T06:30:00+02:00')", "'2024-11-28T06", /timestamps are UTC, written with Z/],
      ["validFrom > TIMESTAMP('2024-11-28')", "'2024-11-28'", /expected a UTC timestamp/],
      ["validFrom > TIMESTAMP('2024-11-28T24:00:00Z')", "'2024", /expected a UTC timestamp/],
      ["validFrom > DATE '2024-11-28'", "'2024-11-28'", /expected '\(' after DATE/],
      ['validFrom > DATE(20241128)', '20241128', /expected a date in single quotes/],
      ["validFrom > DATE('2024-11-28'", 'end', /expected '\)' to close DATE\(/],
      ["date = '2024-11-28'", '=', /a property named date is written "date"/],
      [String.raw`actor LIKE 'a\\'`, "'a", /cannot end with the escape character/],
      ['actor LIKE side', 'side', /expected a pattern in single quotes after 'LIKE', got 'side'/],
      ['areaKm2 > 1e999', '1e999', /out of range/],
      ['areaKm2 > -1e999', '-1e999', /out of range/],
    ]
    // The standard's features beyond these classes are named, not reported as syntax errors.
    const unsupported: [string, string, RegExp][] = [
      ['S_INTERSECTS(geometry, POINT(36.2 37.1))', 'S_INTERSECTS', /the spatial function S_INTERSECTS is not supported/],
      ["T_AFTER(validFrom, TIMESTAMP('2024-11-28T00:00:00Z'))", 'T_AFTER', /the temporal function T_AFTER is not supported/],
      ["A_CONTAINS(tags, ('a'))", 'A_CONTAINS', /the array function A_CONTAINS is not supported/],
      ["CASEI(actor) = CASEI('HTS')", 'CASEI', /case-insensitive comparison \(CASEI\) is not supported/],
      ["actor LIKE CASEI('h%')", 'CASEI', /case-insensitive comparison \(CASEI\) is not supported/],
      ["ACCENTI(actor) = 'x'", 'ACCENTI', /accent-insensitive comparison \(ACCENTI\) is not supported/],
      ["validFrom = INTERVAL('2024-11-28', '..')", 'INTERVAL', /INTERVAL is not supported/],
      ['areaKm2 = POINT(1 2)', 'POINT', /the geometry literal POINT is not supported/],
      ['avg(areaKm2) > 1', 'avg', /functions are not supported \(found avg\(…\)\)/],
      ['areaKm2 + 1 > 2', '+', /arithmetic \('\+'\) is not supported/],
      ['areaKm2 > 2 * 3', '*', /arithmetic \('\*'\) is not supported/],
      ['areaKm2 div 2 = 1', 'div', /arithmetic \('div'\) is not supported/],
      ['areaKm2 > -areaKm2', '-', /arithmetic \('-'\) is not supported/],
      ['areaKm2 > 5-3', '-', /arithmetic \('-'\) is not supported/],
      ['areaKm2 > (1)', '(', /parenthesised arithmetic and arrays are not supported/],
    ]
    for (const [filter, marker, reason] of [...cases, ...unsupported]) {
      const column = marker === 'end' ? filter.length + 1 : filter.indexOf(marker) + 1
      assertRefused(t, () => parseCql2Text(filter, QUERYABLES), column, reason, filter)
    }
  })

  t.test('counts the position in characters, not UTF-16 units', async (t) => {
    // '𝐀' is one character and two UTF-16 units: 'foo' is the 17th character.
    assertRefused(t, () => parseCql2Text("actor = '𝐀' AND foo = 1", QUERYABLES), 17, /'foo' is not a queryable/, 'astral')
  })

  t.test('bounds nesting so no filter can exhaust the stack', async (t) => {
    const deep = '('.repeat(65) + "actor = 'x'" + ')'.repeat(65)
    assertRefused(t, () => parseCql2Text(deep, QUERYABLES), 65, /nest deeper than 64 levels/, 'parentheses')
    const nots = 'NOT '.repeat(65) + "actor = 'x'"
    assertRefused(t, () => parseCql2Text(nots, QUERYABLES), 4 * 64 + 1, /nest deeper than 64 levels/, 'NOT')
    t.equal(parseCql2Text('('.repeat(64) + "actor = 'hts'" + ')'.repeat(64), QUERYABLES).evaluate(AREA), true, '64 levels are fine')
  })

  t.test('lists no queryables when the collection has none', async (t) => {
    assertRefused(t, () => parseCql2Text("actor = 'x'", {}), 1, /'actor' is not a queryable property; this collection has none/, 'none')
  })
})

function assertRefused(t: Test, parse: () => unknown, column: number, reason: RegExp, name: string) {
  try {
    parse()
    t.fail(`${name}: was accepted`)
  } catch (error) {
    const e = error as { statusCode?: number; code?: string; details?: { path: string; code: string; reason: string }[] }
    t.equal(e.statusCode, 400, `${name}: status`)
    t.equal(e.code, 'INVALID_FILTER', `${name}: code`)
    t.equal(e.details?.length, 1, `${name}: one detail`)
    t.match(e.details?.[0], { path: '/query/filter', code: 'INVALID_FILTER' }, `${name}: detail`)
    t.match(e.details?.[0].reason, new RegExp(`^at character ${column}: .*${reason.source}`), `${name}: reason`)
  }
}
