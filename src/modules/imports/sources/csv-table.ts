/**
 * A CSV file as a header and rows of cells, read with csv-parse: RFC 4180 quoting, a UTF-8 BOM and
 * CRLF or LF line ends tolerated. Rows are numbered from 1 after the header, as problem paths say
 * ("/rows/12/latitude"). Never throws: a file csv-parse cannot read is one MALFORMED_CSV problem.
 */
import { parse } from 'csv-parse/sync'
import type { ReadResult } from '../../common/event-records.js'
import { ProblemList, quote } from './read-fields.js'

export interface CsvRow {
  /** 1-based, counting data rows after the header. */
  number: number
  /** The cell under a column name (lower-cased header); undefined for a column the file lacks. */
  get(column: string): string | undefined
  /** Every column of the header, with its cell. */
  entries(): [string, string][]
}

export interface CsvTable {
  columns: string[]
  rows: CsvRow[]
  /** Rows with no cell filled, left out of `rows`. */
  blank: number
}

/**
 * Reads `text` and checks that the header names every column in `required`; returns undefined (with
 * the problems recorded) when the file cannot be read or lacks a required column.
 */
export function readCsvTable(text: string, required: readonly string[], problems: ProblemList): CsvTable | undefined {
  let records: string[][]
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][]
  } catch (error) {
    const { message, lines } = error as { message?: string; lines?: number }
    problems.add(lines ? `/lines/${lines}` : '', 'MALFORMED_CSV', `the file is not CSV that can be read: ${message ?? String(error)}`)
    return undefined
  }
  // A BOM csv-parse did not strip (text decoded twice) would hide the first column's name.
  const header = (records[0] ?? []).map((name) =>
    name
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  )
  const index = new Map<string, number>()
  header.forEach((name, at) => {
    if (name === '') return
    if (index.has(name)) problems.add(`/header/${at + 1}`, 'DUPLICATE_COLUMN', `the column ${quote(name)} appears more than once`)
    else index.set(name, at)
  })
  const missing = required.filter((column) => !index.has(column))
  if (missing.length) {
    problems.add(
      '/header',
      'MISSING_COLUMN',
      `the header lacks the required column(s) ${missing.join(', ')}${header.length ? `; it has ${header.join(', ')}` : '; the file is empty'}`,
    )
    return undefined
  }
  const rows: CsvRow[] = []
  let blank = 0
  for (let at = 1; at < records.length; at++) {
    const cells = records[at]
    const number = at
    if (cells.every((cell) => cell.trim() === '')) {
      blank++
      continue
    }
    if (cells.length !== header.length)
      problems.add(`/rows/${number}`, 'ROW_LENGTH', `the row has ${cells.length} field(s), the header ${header.length}`, number)
    rows.push({
      number,
      get: (column) => {
        const position = index.get(column)
        return position === undefined ? undefined : (cells[position] ?? '')
      },
      entries: () => [...index].map(([name, position]) => [name, cells[position] ?? '']),
    })
  }
  return { columns: [...index.keys()], rows, blank }
}

export interface CsvRecordsLayout<T> {
  /** the columns a row cannot be read without */
  required: readonly string[]
  /** the column holding each record's id, unique within the file */
  idColumn: string
  duplicateCode: string
  /** further checks of the header; false when the file cannot be read */
  header?: (table: CsvTable, problems: ProblemList) => boolean
  /** one row as a record, or undefined with its problems recorded */
  row: (row: CsvRow, problems: ProblemList) => T | undefined
}

/** A CSV file of records, one per row: every row read, repeated ids refused, every problem reported. */
export function readCsvRecords<T extends { id: string }>(text: string, layout: CsvRecordsLayout<T>): ReadResult<T> {
  const problems = new ProblemList()
  const table = readCsvTable(text, layout.required, problems)
  if (!table || (layout.header && !layout.header(table, problems))) return { ok: false, problems: problems.list() }
  const drafts: T[] = []
  const seen = new Map<string, number>()
  for (const row of table.rows) {
    const draft = layout.row(row, problems)
    if (!draft) continue
    const first = seen.get(draft.id)
    if (first !== undefined) {
      problems.add(`/rows/${row.number}/${layout.idColumn}`, layout.duplicateCode, `${quote(draft.id)} is also the id of row ${first}`, row.number)
      continue
    }
    seen.set(draft.id, row.number)
    drafts.push(draft)
  }
  if (problems.count) return { ok: false, problems: problems.list() }
  return { ok: true, drafts, skipped: table.blank }
}
