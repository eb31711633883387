// JSON ingest: POST /api/v1/readings with { readings: IngestReading[] } (common/api-types.ts).
import { z } from "zod";
import type { IngestReading, IngestRequest } from "../../../common/api-types.ts";
import type { SimReading } from "../reading-generator.ts";
import { postBatch, type HttpSinkOptions, type ReadingSink, type SendOutcome } from "./sink.ts";

const ingestResponse = z.object({
  accepted: z.number(),
  flagged: z.object({ suspect: z.number(), fail: z.number() }).partial().optional(),
});

export function toIngestReading(r: SimReading): IngestReading {
  const reading: IngestReading =
    r.value === null
      ? { station: r.station, parameter: r.parameter, sensor: r.sensor, time: r.time, belowLod: { lod: r.lod! } }
      : { station: r.station, parameter: r.parameter, sensor: r.sensor, time: r.time, value: r.value };
  if (r.rawSignal !== null && r.calibration !== null) reading.raw = { signal: r.rawSignal, calibration: r.calibration };
  return reading;
}

export class HttpJsonSink implements ReadingSink {
  readonly name = "http-json";

  constructor(private readonly options: HttpSinkOptions) {}

  send(batch: readonly SimReading[], signal: AbortSignal): Promise<SendOutcome> {
    const body: IngestRequest = { readings: batch.map(toIngestReading) };
    return postBatch(this.options, "/api/v1/readings", JSON.stringify(body), "application/json", batch.length, signal, parseAccepted);
  }
}

async function parseAccepted(response: Response, count: number): Promise<SendOutcome> {
  let accepted = count;
  let flagged = { suspect: 0, fail: 0 };
  try {
    const parsed = ingestResponse.safeParse(await response.json());
    if (parsed.success) {
      accepted = parsed.data.accepted;
      flagged = { suspect: parsed.data.flagged?.suspect ?? 0, fail: parsed.data.flagged?.fail ?? 0 };
    }
  } catch {
    // An empty or non-JSON 2xx still means the server took the batch.
  }
  return { kind: "accepted", count: accepted, flagged };
}
