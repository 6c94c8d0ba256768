// CSV for every tabular answer (RFC 4180: a header row, CRLF-free \n line ends are allowed by its
// readers and by every notebook; fields with a comma, quote or line break are quoted, quotes doubled).
import { stringify } from 'csv-stringify/sync'
import { z } from 'zod'

/** One column of a table: its header (the JSON member it comes from) and how to read it off a row. */
export interface Column<R> {
  name: string
  value: (row: R) => unknown
}

/** Columns named as the JSON members of the row, read as they are: `columns<Row>('at', 'areaKm2')`. */
export function columns<R extends object>(...names: (keyof R & string)[]): Column<R>[] {
  return names.map((name) => ({ name, value: (row: R) => row[name] }))
}

/**
 * The rows as CSV text under a header row. null and undefined are empty cells; booleans true/false;
 * arrays are joined with `;` (a list of ids in one cell); objects are their JSON text.
 */
export function toCsv<R>(table: Column<R>[], rows: Iterable<R>): string {
  const records: unknown[][] = []
  for (const row of rows) records.push(table.map((column) => cell(column.value(row))))
  return stringify(records, { header: true, columns: table.map((column) => column.name), record_delimiter: 'unix' })
}

function cell(value: unknown): string | number {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? value : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item))).join(';')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** `f=json|csv`: the format of a tabular answer, for clients that cannot set Accept (a browser's address bar, pandas.read_csv). */
export const FormatParamSchema = z
  .enum(['json', 'csv'])
  .optional()
  .describe('answer format: json or csv (CSV also by Accept: text/csv); overrides Accept')
  .meta({ example: 'csv' })
