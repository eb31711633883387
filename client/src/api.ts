// REST client for the Water Monitor API (types shared with the server in common/api-types.ts).
import type { ApiErrorBody, CatalogResponse, LatestResponse, SeriesResponse } from "../../common/api-types.ts";

/** The server's limits: series per multi request, and the pixel width it accepts. */
export const MULTI_MAX_SERIES = 20;
/** Stations per /api/v1/latest?stations= request. */
export const LATEST_MAX_STATIONS = 100;
export const WIDTH_MIN = 10;
export const WIDTH_MAX = 5_000;

export function clampWidth(width: number): number {
  return Math.min(WIDTH_MAX, Math.max(WIDTH_MIN, Math.round(width) || WIDTH_MIN));
}

/** Reads refused with Retry-After are tried again this often, if the wait is at most READ_RETRY_MAX_S. */
const READ_RETRIES = 2;
const READ_RETRY_MAX_S = 10;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new DOMException("Aborted", "AbortError"));
      },
      { once: true },
    );
  });
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: readonly ApiErrorDetail[] = [],
  ) {
    super(message);
  }
}

export interface HealthResponse {
  status: "ok" | "unavailable";
  version: string;
  influx: { reachable: boolean; error?: string };
}

export interface SeriesRequest {
  station: string;
  parameter: string;
  /** The sensor; omitted: the station's primary sensor for the parameter. */
  sensor?: string;
}

/** `STATION:PARAMETER[:SENSOR]`, the series key of /api/v1/series/multi. */
export function seriesKey(s: SeriesRequest): string {
  return s.sensor === undefined ? `${s.station}:${s.parameter}` : `${s.station}:${s.parameter}:${s.sensor}`;
}

export interface RangeRequest {
  from: number;
  to: number;
  /** Pixel width of the plot: the server returns at most this many points. */
  width: number;
}

/** Methods that change state: the server wants the session's CSRF token with each of them. */
export type ChangeMethod = "POST" | "PUT" | "PATCH" | "DELETE";

export class ApiClient {
  private csrf: { header: string; token: string } | undefined;
  /** Called when a read answers 401 (not logged in, or the session ended elsewhere). */
  onUnauthorized: (() => void) | undefined;

  constructor(private readonly base = "") {}

  /** The current session's CSRF token (from login or GET /api/v1/auth/session); null when none. */
  setCsrfToken(token: string | null, header = "x-csrf-token"): void {
    this.csrf = token ? { header, token } : undefined;
  }

  catalog(signal?: AbortSignal): Promise<CatalogResponse> {
    return this.get("/api/v1/catalog", signal);
  }

  latest(station?: string, signal?: AbortSignal): Promise<LatestResponse> {
    return this.get(`/api/v1/latest${station ? `?station=${encodeURIComponent(station)}` : ""}`, signal);
  }

  /** The latest readings of these stations (a page of the overview; at most LATEST_MAX_STATIONS per request). */
  async latestOf(stations: readonly string[], signal?: AbortSignal): Promise<LatestResponse> {
    const chunks: string[][] = [];
    for (let i = 0; i < stations.length; i += LATEST_MAX_STATIONS) chunks.push(stations.slice(i, i + LATEST_MAX_STATIONS));
    const bodies = await Promise.all(chunks.map((c) => this.get<LatestResponse>(`/api/v1/latest?stations=${c.map(encodeURIComponent).join(",")}`, signal)));
    // The review fields are the server's and the same in every page; an empty list of stations asks nothing.
    const first = bodies[0] ?? { view: "corrected" as const, asOf: null, releaseLevel: "approved" as const };
    const label = bodies.find((b) => b.provisionalLabel)?.provisionalLabel;
    return {
      latest: bodies.flatMap((b) => b.latest),
      since: Math.min(...bodies.map((b) => b.since)),
      view: first.view,
      asOf: first.asOf,
      releaseLevel: first.releaseLevel,
      ...(label ? { provisionalLabel: label } : {}),
    };
  }

  series(req: SeriesRequest & RangeRequest, signal?: AbortSignal): Promise<SeriesResponse> {
    const q = new URLSearchParams({
      station: req.station,
      parameter: req.parameter,
      ...(req.sensor === undefined ? {} : { sensor: req.sensor }),
      from: String(Math.floor(req.from)),
      to: String(Math.ceil(req.to)),
      width: String(clampWidth(req.width)),
    });
    return this.get(`/api/v1/series?${q}`, signal);
  }

  /**
   * Several series over one range; split into requests of at most MULTI_MAX_SERIES, each handed to
   * `onPart` as it arrives (for pages that draw progressively).
   */
  async seriesMulti(series: readonly SeriesRequest[], range: RangeRequest, signal?: AbortSignal, onPart?: (part: SeriesResponse[]) => void): Promise<SeriesResponse[]> {
    const chunks: SeriesRequest[][] = [];
    for (let i = 0; i < series.length; i += MULTI_MAX_SERIES) chunks.push(series.slice(i, i + MULTI_MAX_SERIES));
    const bodies = await Promise.all(
      chunks.map((chunk) => {
        const q = new URLSearchParams({
          series: chunk.map(seriesKey).join(","),
          from: String(Math.floor(range.from)),
          to: String(Math.ceil(range.to)),
          width: String(clampWidth(range.width)),
        });
        return this.get<{ series: SeriesResponse[] }>(`/api/v1/series/multi?${q}`, signal).then((body) => (onPart?.(body.series), body));
      }),
    );
    return bodies.flatMap((b) => b.series);
  }

  /** Health answers 503 with a body when InfluxDB is down: that is data, not an error. */
  async health(signal?: AbortSignal): Promise<HealthResponse> {
    const res = await fetch(`${this.base}/api/health`, { signal, headers: { accept: "application/json" } });
    if (res.status !== 200 && res.status !== 503) throw await toError(res);
    return (await res.json()) as HealthResponse;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.base}${path}`, { signal, headers: { accept: "application/json" } });
      if (res.status === 401) this.onUnauthorized?.();
      if (res.ok) return (await res.json()) as T;
      // The server is busy (503) or this client read too much (429): wait as told, a few times.
      const wait = Number(res.headers.get("retry-after"));
      if ((res.status === 429 || res.status === 503) && attempt < READ_RETRIES && wait > 0 && wait <= READ_RETRY_MAX_S) {
        await res.body?.cancel();
        await sleep(wait * 1000, signal);
        continue;
      }
      throw await toError(res);
    }
  }

  /** A POST whose body is a file as it is (a lab upload), with the session's CSRF header. */
  async upload<T>(path: string, body: Blob, headers: Record<string, string>, signal?: AbortSignal): Promise<T> {
    const all: Record<string, string> = { accept: "application/json", ...headers };
    if (this.csrf) all[this.csrf.header] = this.csrf.token;
    const res = await fetch(`${this.base}${path}`, { method: "POST", signal, headers: all, credentials: "same-origin", body });
    if (!res.ok) throw await toError(res);
    return (await res.json()) as T;
  }

  /** Every state-changing request goes through here: JSON body plus the session's CSRF header. */
  async send<T = void>(method: ChangeMethod, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.csrf) headers[this.csrf.header] = this.csrf.token;
    const res = await fetch(`${this.base}${path}`, {
      method,
      signal,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw await toError(res);
    if (res.status === 204 || res.headers.get("content-length") === "0") return undefined as T;
    return (await res.json()) as T;
  }
}

/** A refused request's details (`{ path, index, line, message }`), when the server gave them. */
export type ApiErrorDetail = NonNullable<ApiErrorBody["error"]["details"]>[number];

/** The server's `{ error: { code, message } }` as an ApiError; the status line when the body is not JSON. */
export async function toError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as Partial<ApiErrorBody>;
    if (body.error) return new ApiError(body.error.message, res.status, body.error.code, body.error.details ?? []);
  } catch {
    // Not JSON (a proxy's error page): fall through to the status line.
  }
  return new ApiError(`${res.status} ${res.statusText}`, res.status, "http_error");
}
