// Streams InfluxQL results from InfluxDB 1.x's /query with `chunked=true`.
//
// Why chunked rather than time-sliced queries for full-resolution exports: InfluxDB answers one query
// as newline-delimited JSON objects of at most `chunk_size` rows each, merging all selected series
// in time order on its side. One query scans each shard once, needs no guess of a slice length
// (stations differ in rate; a slice too long would buffer, too short would cost a query per few
// rows), and the only thing held in memory is one chunk. Closing the connection (AbortSignal) makes
// influxd interrupt the query, so a client that goes away stops the load on InfluxDB.
// node-influx buffers whole responses and cannot abort, so this is a small fetch-based reader; the
// store (store.ts `queryChunks`) is its only user.
import { scrubUrls } from "../util/safe-url.ts";
import { StorageUnavailableError } from "../errors.ts";

/** Where the store's queries go: InfluxDB's base URL (no credentials), its auth header, database, host:port for messages. */
export interface InfluxEndpoint {
  base: string;
  headers: Record<string, string>;
  database: string;
  where: string;
}

/** InfluxDB rejected a request (4xx): retrying the same request will not help. */
export class StorageRejectedError extends Error {
  override readonly name = "StorageRejectedError";
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
  const { base } = endpoint;
  const headers = { ...endpoint.headers, "content-type": "application/x-www-form-urlencoded" };
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
    throw new StorageUnavailableError(unreachable(endpoint.where, err, 0));
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

/** "InfluxDB is unreachable at host:port: <reason>", for every path that talks to InfluxDB. */
export function unreachable(where: string, err: unknown, timeoutMs: number): string {
  return `InfluxDB is unreachable at ${where}: ${networkReason(err, timeoutMs)}`;
}

/** Why a request to InfluxDB got no answer, from the error's code; never the error text, which may quote the URL. */
function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as Error & { code?: string; cause?: { code?: string } };
  if (e.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  if (e.name === "AbortError") return "request aborted";
  const code = e.cause?.code ?? e.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "connection reset";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connection timed out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    default:
      return code ? `network error ${code}` : "network error";
  }
}
