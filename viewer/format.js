// Numbers and dates as a reader wants them: km with one decimal under 100, thousands separated, dates in words.

const number = (digits) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const WHOLE = number(0)
const ONE = number(1)

export const km = (value) => (value === null || value === undefined ? '–' : `${(value < 100 ? ONE : WHOLE).format(value)} km`)
export const km2 = (value) => (value === null || value === undefined ? '–' : `${WHOLE.format(value)} km²`)

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
const SHORT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })
const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })

const atMidnight = (date) => date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && date.getUTCSeconds() === 0

/** "28 November 2024", with the time (UTC) when the instant is not a day's start. */
export function longDate(iso) {
  const date = new Date(iso)
  return atMidnight(date) ? DAY.format(date) : `${DAY.format(date)}, ${TIME.format(date)} UTC`
}

/** "28 Nov" for ticks and tables. */
export const shortDate = (iso) => SHORT.format(new Date(iso))

/** Text safe to put in HTML. */
export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])
}
