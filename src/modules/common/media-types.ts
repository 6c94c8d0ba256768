export const GEOJSON_CONTENT_TYPE = 'application/geo+json'
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8'
