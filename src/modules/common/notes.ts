// Why an answer is empty, or how to read it: every answer carries the dataset's coverage, and notes
// where the request fell outside it, or where a figure is a bound rather than a value.
import { z } from 'zod'
import { InstantSchema } from './schemas.js'

/** What a dataset covers (the read model's DatasetView.coverage()): its first and last change, and the box around its areas. */
export interface Coverage {
  from: Date | null
  to: Date | null
  bbox: [number, number, number, number] | null
}

export const NoteSchema = z
  .object({
    code: z
      .string()
      .describe(
        'stable code: DATASET_EMPTY, AT_BEFORE_COVERAGE, AT_AFTER_COVERAGE, NO_GROUND (an actor or side holds nothing), NO_AREA (a point or ' +
          'feature inside no area), LON_LAT_SWAPPED (the point is outside the data and inside it swapped), OUTSIDE_EXTENT, ' +
          'SINCE_IS_LOWER_BOUND (a holding that starts with the data may have started earlier), OVERLAPPING_AREAS, ' +
          "COMPLEMENT (ground inside the dataset's outline that no area covers was counted as its complement actor's), NO_COMPLEMENT " +
          '(the dataset names an outline that could not be used at this knowledge time, or the instant falls where the dataset maps no ' +
          'area at all: before its first area, or in a gap of a history; unmapped ground stayed unmapped)',
      ),
    message: z.string().describe('the note, for people'),
  })
  .meta({ id: 'Note', description: 'why an answer is empty, or how to read it' })
export type Note = z.infer<typeof NoteSchema>

export const CoverageSchema = z
  .object({
    from: InstantSchema.nullable().describe('the first instant any area holds from; null: the dataset has no area'),
    to: InstantSchema.nullable().describe('the last instant the map changed; after it the last map holds on'),
    bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable().describe('[minLon, minLat, maxLon, maxLat] around every area of any time'),
  })
  .meta({ id: 'Coverage', description: "what the dataset's areas cover: the span of its maps and the box around them" })

/** The members every dataset answer carries: its coverage and its notes. */
export const ExplainedMembers = {
  coverage: CoverageSchema,
  notes: z.array(NoteSchema).describe('why the answer is empty, or how to read it; [] when there is nothing to say'),
}

export function coverageJson(coverage: Coverage): z.infer<typeof CoverageSchema> {
  return { from: coverage.from?.toISOString() ?? null, to: coverage.to?.toISOString() ?? null, bbox: coverage.bbox }
}

/**
 * The coverage and notes of an answer about the dataset as a whole (a list, a timeline), at no
 * instant of its own: the one thing to say is that the dataset has no area yet.
 */
export async function datasetExplained(view: { coverage(): Promise<Coverage> }): Promise<{ coverage: z.infer<typeof CoverageSchema>; notes: Note[] }> {
  const coverage = await view.coverage()
  return { coverage: coverageJson(coverage), notes: coverage.from ? [] : [DATASET_EMPTY] }
}

const DATASET_EMPTY: Note = { code: 'DATASET_EMPTY', message: 'the dataset has no area yet: import a snapshot or a history' }

/** Notes on one instant: a dataset with no area, an instant before its first map or after its last change. */
export function instantNotes(coverage: Coverage, at: Date, name = 'at'): Note[] {
  if (!coverage.from || !coverage.to) return [DATASET_EMPTY]
  if (at < coverage.from)
    return [
      {
        code: 'AT_BEFORE_COVERAGE',
        message: `${name} (${at.toISOString()}) is before the dataset's first map (${coverage.from.toISOString()}): nothing is known of that time`,
      },
    ]
  // A map published for a day covers that day: only a later day is past what the data says.
  const dayAfterLast = new Date(Date.UTC(coverage.to.getUTCFullYear(), coverage.to.getUTCMonth(), coverage.to.getUTCDate() + 1))
  if (at >= dayAfterLast)
    return [
      {
        code: 'AT_AFTER_COVERAGE',
        message: `${name} (${at.toISOString()}) is after the day of the dataset's last change (${coverage.to.toISOString()}): the answer is the map as that change left it`,
      },
    ]
  return []
}

/** Notes on a range: each end before the first map or after the last change. */
export function rangeNotes(coverage: Coverage, start: Date, end: Date): Note[] {
  const notes = instantNotes(coverage, start, 'start')
  if (notes[0]?.code === 'DATASET_EMPTY') return notes
  return [...notes, ...instantNotes(coverage, end, 'end')]
}

/**
 * A point outside the dataset's box: LON_LAT_SWAPPED when swapping its coordinates puts it inside
 * (lat=37.1&lon=36.2 for Aleppo's 36.2°N, 37.1°E), OUTSIDE_EXTENT otherwise.
 */
export function pointNotes(coverage: Coverage, lon: number, lat: number): Note[] {
  const box = coverage.bbox
  if (!box) return []
  const inside = (x: number, y: number) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]
  if (inside(lon, lat)) return []
  if (inside(lat, lon))
    return [
      {
        code: 'LON_LAT_SWAPPED',
        message: `[${lon}, ${lat}] is outside the dataset (${box.join(', ')}) and [${lat}, ${lon}] is inside it: lon and lat may be swapped (lon is east, lat is north)`,
      },
    ]
  return [{ code: 'OUTSIDE_EXTENT', message: `[${lon}, ${lat}] is outside every area the dataset has ever had (${box.join(', ')})` }]
}

/** A holding that starts with the dataset's first map may have started earlier: the data cannot say. */
export function sinceNote(coverage: Coverage, since: Date, who: string): Note[] {
  if (!isLowerBound(coverage, since)) return []
  return [
    {
      code: 'SINCE_IS_LOWER_BOUND',
      message: `${who} since ${since.toISOString()}, the dataset's first map: the holding may be older than the data`,
    },
  ]
}

/** Whether an instant is the dataset's first: a `since` or `validFrom` there is a lower bound. */
export function isLowerBound(coverage: Coverage, since: Date): boolean {
  return coverage.from !== null && since.getTime() === coverage.from.getTime()
}
