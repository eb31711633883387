// Streams InfluxQL results from InfluxDB 1.x's /query with `chunked=true`.
//
// Why chunked rather than time-sliced queries for full-resolution exports: InfluxDB answers one query
// as newline-delimited JSON objects of at most `chunk_size` rows each, merging all selected series
// in time order on its side. One query scans each shard once, needs no guess of a slice length
// (stations differ in rate; a slice too long would buffer, too short would cost a query per few
// rows), and the only thing held in memory is one chunk. Closing the connection (AbortSignal) makes
// influxd interrupt the query, so a client that goes away stops the load on InfluxDB.
// node-influx buffers whole responses and cannot abort, so this is a small fetch-based reader.
import { StorageRejectedError, unreachable } from "../influx/store.ts";
import { displayUrl, scrubUrls } from "../util/safe-url.ts";
import { StorageUnavailableError } from "../errors.ts";

export interface InfluxEndpoint {
  /** InfluxDB base URL, optionally with credentials (http://user:pass@host:8086). */
  url: string;
  database: string;
}

/** One piece of one series from one statement; a long series arrives in several chunks. */
export interface SeriesChunk {
  statementId: number;
  tags: Record<string, string> | undefined;
  columns: string[];
  values: unknown[][];
}

export interface ChunkedQueryOptions {
  signal?: AbortSignal;
  /**
   * Rows per chunk (default 1,000; InfluxDB's own default is 10,000). Small chunks keep every string
   * (the JSON line, the CSV piece) below V8's large-object size, so garbage dies in the young
   * generation: in `npm run bench` 10,000-row chunks raised the server's peak RSS by ~70 MB and were
   * slower, not faster.
   */
  chunkSize?: number;
}

interface InfluxResponseLine {
  error?: string;
  results?: Array<{
    statement_id?: number;
    error?: string;
    series?: Array<{ tags?: Record<string, string>; columns: string[]; values?: unknown[][] }>;
  }>;
}

const NEWLINE = 0x0a;
export const DEFAULT_CHUNK_ROWS = 1_000;

function endpointParts(endpoint: InfluxEndpoint): { base: string; headers: Record<string, string> } {
  const url = new URL(endpoint.url);
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, "")}`;
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (url.username) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }
  return { base, headers };
}

function* parseLine(line: Buffer): Generator<SeriesChunk> {
  if (line.length === 0) return;
  const parsed = JSON.parse(line.toString("utf8")) as InfluxResponseLine;
  if (parsed.error) throw new StorageRejectedError(`InfluxDB query failed: ${parsed.error}`);
  for (const result of parsed.results ?? []) {
    if (result.error) throw new StorageRejectedError(`InfluxDB query failed: ${result.error}`);
    for (const s of result.series ?? []) {
      yield { statementId: result.statement_id ?? 0, tags: s.tags, columns: s.columns, values: s.values ?? [] };
    }
  }
}

/**
 * Runs `influxql` (one or more statements) and yields its series chunks as they arrive. Stopping
 * the iteration early, or aborting `signal`, closes the connection to InfluxDB.
 */
export async function* chunkedQuery(
  endpoint: InfluxEndpoint,
  influxql: string,
  options: ChunkedQueryOptions = {},
): AsyncGenerator<SeriesChunk> {
  const { base, headers } = endpointParts(endpoint);
  const params = new URLSearchParams({
    db: endpoint.database,
    epoch: "ms",
    chunked: "true",
    chunk_size: String(options.chunkSize ?? DEFAULT_CHUNK_ROWS),
  });
  let res: Response;
  try {
    // POST: a filter over many series does not fit comfortably in a URL; SELECT is allowed over POST.
    res = await fetch(`${base}/query?${params}`, {
      method: "POST",
      headers,
      body: new URLSearchParams({ q: influxql }).toString(),
      signal: options.signal,
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new StorageUnavailableError(unreachable(displayUrl(endpoint.url), err, 0));
  }
  if (res.status !== 200 || !res.body) {
    const text = scrubUrls(await res.text().catch(() => ""));
    if (res.status >= 400 && res.status < 500) throw new StorageRejectedError(`InfluxDB rejected a query (${res.status}): ${text}`);
    throw new StorageUnavailableError(`InfluxDB query failed (${res.status}): ${text}`);
  }
  const reader = res.body.getReader();
  let pending: Buffer[] = [];
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      const part = next.value;
      let buf = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
      let nl = buf.indexOf(NEWLINE);
      while (nl !== -1) {
        const line = pending.length > 0 ? Buffer.concat([...pending, buf.subarray(0, nl)]) : buf.subarray(0, nl);
        pending = [];
        yield* parseLine(line);
        buf = buf.subarray(nl + 1);
        nl = buf.indexOf(NEWLINE);
      }
      if (buf.length > 0) pending.push(buf);
    }
    done = true;
    if (pending.length > 0) yield* parseLine(Buffer.concat(pending));
  } finally {
    // Early return (the consumer stopped) or an error: close the connection so influxd stops the query.
    if (!done) await reader.cancel().catch(() => undefined);
  }
}
