// A load generator for restart tests: posts one reading per station every tick to one URL (127.0.0.1,
// a test's HAProxy or instance), each reading with a value of its own, and notes which were
// acknowledged (2xx) and how every request was answered. It stops by itself after `maxMs`, so a test
// that dies half way leaves no sender behind.
import type { IngestReading } from "../../common/api-types.ts";
import { postReadings } from "./ingest-client.ts";

export interface LoadStation {
  station: string;
  /** A write token for this station (HAProxy picks the instance by it). */
  token: string;
}

export interface IngestLoadOptions {
  url: string;
  stations: readonly LoadStation[];
  parameter: string;
  /** Value of the first reading; each next one is 0.001 more (inside a parameter's usual range), so a value names its reading. */
  firstValue: number;
  tickMs?: number;
  maxMs?: number;
}

/** A reading the load posted: its time an ISO string, its value its name. */
export type LoadReading = IngestReading & { time: string; value: number };

export interface AnsweredRequest {
  status: number;
  retryAfter: string | null;
  /** When it was sent (Date.now()). */
  at: number;
}

export class IngestLoad {
  /** Readings acknowledged with 2xx, by value. */
  readonly acknowledged = new Map<number, LoadReading>();
  readonly answers: AnsweredRequest[] = [];
  /** Requests that got no answer at all (connection refused or reset). */
  failures = 0;
  private posted = 0;
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(private readonly options: IngestLoadOptions) {
    this.done = this.run();
  }

  /** Values posted so far (acknowledged or not). */
  get sent(): number {
    return this.posted;
  }

  /** Stops sending and waits for the requests in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /** Acknowledged readings posted at or after `since` (Date.now()). */
  acknowledgedSince(since: number): LoadReading[] {
    return [...this.acknowledged.values()].filter((r) => Date.parse(r.time) >= since);
  }

  private async run(): Promise<void> {
    const { tickMs = 100, maxMs = 180_000 } = this.options;
    const end = Date.now() + maxMs;
    const inFlight = new Set<Promise<void>>();
    while (!this.stopped && Date.now() < end) {
      const tick = Date.now();
      for (const { station, token } of this.options.stations) {
        const request = this.post(station, token).finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, tick + tickMs - Date.now())));
    }
    await Promise.all(inFlight);
  }

  /** The n-th reading's value, to three decimals (as JSON and InfluxDB give it back). */
  private valueOf(n: number): number {
    return Math.round(this.options.firstValue * 1_000 + n) / 1_000;
  }

  private async post(station: string, token: string): Promise<void> {
    const at = Date.now();
    // Its own millisecond per station, so no two readings of a series share a timestamp.
    const reading: LoadReading = { station, parameter: this.options.parameter, time: new Date(at).toISOString(), value: this.valueOf(this.posted++) };
    try {
      const res = await postReadings(this.options.url, token, { readings: [reading] });
      await res.body?.cancel();
      this.answers.push({ status: res.status, retryAfter: res.headers.get("retry-after"), at });
      if (res.status >= 200 && res.status < 300) this.acknowledged.set(reading.value, reading);
    } catch {
      this.failures++;
    }
  }
}
