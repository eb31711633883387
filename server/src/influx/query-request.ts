// One /query request to InfluxDB 1.x carrying one or more InfluxQL statements, answered whole (the
// store's `queryValues`/`queryEach`; chunked-query.ts streams the long ones).
//
// It asks for MessagePack, which InfluxDB 1.x has spoken since 1.4: InfluxDB encodes a chart's rows in
// about half the time JSON takes, and they decode in half the time too (measured here: 20 series ×
// 672 hourly rollup rows, 43–51 vs 83–97 ms inside InfluxDB, 1.6–3.2 vs 6.1–9.7 ms decoding). A server
// that ignores the Accept header (InfluxDB 2.x/3.x through the v1 API) answers JSON, read as before.
// InfluxDB 1.x compares the header whole, so it names MessagePack alone (no list with q-values).
import { decode as decodeMsgpack } from "@msgpack/msgpack";
import { StorageUnavailableError } from "../errors.ts";
import { scrubUrls } from "../util/safe-url.ts";
import { StorageRejectedError, unreachable, type InfluxEndpoint } from "./chunked-query.ts";

export interface SeriesValues {
  columns: string[];
  values: unknown[][];
  /** The group's tags, for statements with GROUP BY tags. */
  tags?: Record<string, string>;
}

const MSGPACK = "application/x-msgpack";

interface QueryBody {
  error?: string;
  results?: Array<{ statement_id?: number; error?: string; series?: SeriesValues[] }>;
}

/** The series of each statement's result, by statement (times as epoch ms). */
export async function postQuery(endpoint: InfluxEndpoint, influxql: string, timeoutMs: number): Promise<SeriesValues[][]> {
  const params = new URLSearchParams({ db: endpoint.database, epoch: "ms", q: influxql });
  let res: Response;
  try {
    res = await fetch(`${endpoint.base}/query`, {
      method: "POST",
      headers: { ...endpoint.headers, "content-type": "application/x-www-form-urlencoded", accept: MSGPACK },
      body: params.toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new StorageUnavailableError(unreachable(endpoint.where, err, timeoutMs));
  }
  const raw = Buffer.from(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
  const body = queryBody(raw, res.headers.get("content-type"));
  const error = body.error ?? body.results?.find((r) => r.error)?.error;
  if (res.status >= 500) throw new StorageUnavailableError(`InfluxDB at ${endpoint.where} failed a query (${res.status}): ${scrubUrls(error ?? raw.toString())}`);
  if (res.status >= 400 || error) throw new StorageRejectedError(`InfluxDB rejected a query (${res.status}): ${scrubUrls(error ?? raw.toString())}`);
  const byStatement: SeriesValues[][] = [];
  for (const r of body.results ?? []) {
    byStatement[r.statement_id ?? byStatement.length] = (r.series ?? []).map((s) => ({ columns: s.columns, values: s.values ?? [], ...(s.tags ? { tags: s.tags } : {}) }));
  }
  return byStatement;
}

/** A /query answer in whichever encoding InfluxDB chose; an unreadable one reads as its text. */
function queryBody(raw: Buffer, contentType: string | null): QueryBody {
  try {
    if (contentType?.startsWith(MSGPACK)) return (decodeMsgpack(raw) ?? {}) as QueryBody;
    return JSON.parse(raw.length === 0 ? "{}" : raw.toString()) as QueryBody;
  } catch {
    return { error: raw.toString() };
  }
}
