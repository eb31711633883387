// InfluxDB 1.x line protocol: POST /write?db=water_monitor&precision=ms, answered with 204.
// Every line names its sensor; below-LOD readings carry `lod` and `qualifier="<LOD"` instead of a
// value, never a 0.
import { BELOW_LOD_QUALIFIER, FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import type { SimReading } from "../reading-generator.ts";
import { postBatch, type HttpSinkOptions, type ReadingSink, type SendOutcome } from "./sink.ts";

// Escaping rules from the InfluxDB 1.x line protocol reference: tag keys/values escape comma,
// equals sign and space; string field values escape double quote and backslash.
function escapeTag(text: string): string {
  return text.replace(/[,= ]/g, (c) => `\\${c}`);
}

function escapeString(text: string): string {
  return text.replace(/["\\]/g, (c) => `\\${c}`);
}

export function toLine(r: SimReading): string {
  // The names are the server's ingest contract, owned by its schema module.
  const series = `${MEASUREMENT},${TAG.station}=${escapeTag(r.station)},${TAG.parameter}=${escapeTag(r.parameter)},${TAG.sensor}=${escapeTag(r.sensor)}`;
  let fields =
    r.value === null ? `${FIELD.lod}=${r.lod},${FIELD.qualifier}="${escapeString(BELOW_LOD_QUALIFIER)}"` : `${FIELD.value}=${r.value}`;
  if (r.rawSignal !== null && r.calibration !== null) fields += `,${FIELD.raw}=${r.rawSignal},${FIELD.calibration}=${r.calibration}i`;
  return `${series} ${fields} ${Math.round(r.time)}`;
}

export function toLineProtocol(batch: readonly SimReading[]): string {
  return batch.map(toLine).join("\n");
}

export class LineProtocolSink implements ReadingSink {
  readonly name = "line-protocol";

  constructor(
    private readonly options: HttpSinkOptions,
    private readonly database = "water_monitor",
  ) {}

  send(batch: readonly SimReading[], signal: AbortSignal): Promise<SendOutcome> {
    const path = `/write?db=${encodeURIComponent(this.database)}&precision=ms`;
    return postBatch(this.options, path, toLineProtocol(batch), "text/plain; charset=utf-8", batch.length, signal, async (response, count) => {
      await response.arrayBuffer().catch(() => undefined);
      return { kind: "accepted", count, flagged: { suspect: 0, fail: 0 } };
    });
  }
}
