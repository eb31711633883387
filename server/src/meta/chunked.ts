// Long id lists and multi-row inserts are sent in chunks: one statement may bind at most 32,766
// parameters in SQLite (SQLITE_MAX_VARIABLE_NUMBER since 3.32) and 65,535 in PostgreSQL.

/** Rows per multi-row INSERT or values per IN list: at 20-odd columns a row, far below both limits. */
export const CHUNK = 500;

export function* chunked<T>(items: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
