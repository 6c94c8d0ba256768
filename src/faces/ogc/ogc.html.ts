// The HTML of the OGC face (Part 1, requirements class HTML): one plain page per resource, made on
// the server, every value escaped, every link an <a>. No script: a browser, a screen reader and
// curl read the same page.
import type { OgcLink } from './ogc.schemas.js'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c])
}

/** A value as a table cell: null as an empty cell, arrays joined, objects as their JSON. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return escapeHtml(value.map((item) => (typeof item === 'object' ? JSON.stringify(item) : String(item))).join(', '))
  if (typeof value === 'object') return escapeHtml(JSON.stringify(value))
  return escapeHtml(value)
}

export function linkList(links: OgcLink[]): string {
  const items = links.map(
    (link) =>
      `<li><a href="${escapeHtml(link.href)}" rel="${escapeHtml(link.rel)}"${link.type ? ` type="${escapeHtml(link.type)}"` : ''}>${escapeHtml(link.title ?? link.rel)}</a>` +
      ` <small>${escapeHtml(link.rel)}${link.type ? `, ${escapeHtml(link.type)}` : ''}</small></li>`,
  )
  return `<ul class="links">${items.join('')}</ul>`
}

/** A table of rows; `href` makes the first column a link. */
export function table(columns: string[], rows: Record<string, unknown>[], href?: (row: Record<string, unknown>) => string): string {
  const head = columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('')
  const body = rows
    .map(
      (row) =>
        `<tr>${columns
          .map((column, i) => (i === 0 && href ? `<td><a href="${escapeHtml(href(row))}">${cell(row[column])}</a></td>` : `<td>${cell(row[column])}</td>`))
          .join('')}</tr>`,
    )
    .join('')
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
}

/** A two-column table of names and values. */
export function definitions(entries: [string, unknown][]): string {
  return `<table class="definitions"><tbody>${entries.map(([name, value]) => `<tr><th scope="row">${escapeHtml(name)}</th><td>${cell(value)}</td></tr>`).join('')}</tbody></table>`
}

export function section(title: string, body: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${body}</section>`
}

/** A whole page: its title, a trail of links back to the landing page, and its sections (already HTML). */
export function page(title: string, trail: { title: string; href: string }[], ...sections: string[]): string {
  const nav = trail.map((step) => `<a href="${escapeHtml(step.href)}">${escapeHtml(step.title)}</a>`).join(' › ')
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)} · Frontline</title><style>${STYLE}</style></head>` +
    `<body><nav>${nav}</nav><main><h1>${escapeHtml(title)}</h1>${sections.join('')}</main></body></html>`
  )
}

const STYLE =
  'body{font:15px/1.4 system-ui,sans-serif;margin:1rem 2rem;color:#222}nav{margin-bottom:1rem}table{border-collapse:collapse;margin:.5rem 0}' +
  'th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}thead th{background:#f3f3f3}ul.links small{color:#666}' +
  'pre{white-space:pre-wrap;word-break:break-all;max-height:20rem;overflow:auto;background:#f7f7f7;padding:.5rem}'
