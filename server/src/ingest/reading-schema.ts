// The JSON shape of one incoming reading. `readingSchema` (zod) is the definition and produces the
// error messages; `isWellFormedReading` is a hand-written fast path for the common, valid case that
// accepts a strict subset of what the schema accepts (a test holds it to that), because running zod
// per reading cost more than the rest of ingest together in `npm run bench`.
import { z } from "zod";

const TIME_MESSAGE = "time must be ISO 8601 with a time zone (e.g. 2026-11-25T10:00:00Z) or epoch milliseconds";
const ONE_RESULT = "send exactly one of value, belowLod (not detected) or belowLoq (detected, not quantified)";

export const readingSchema = z
  .object({
    station: z.string().min(1).max(100),
    parameter: z.string().min(1).max(100),
    sensor: z.string().min(1).max(100).optional(),
    time: z.union([z.iso.datetime({ offset: true, error: TIME_MESSAGE }), z.number().int().nonnegative()], { error: TIME_MESSAGE }),
    value: z.number({ error: "value must be a number" }).optional(),
    belowLod: z.object({ lod: z.number({ error: "belowLod.lod must be a number" }) }).strict().optional(),
    belowLoq: z.object({ loq: z.number({ error: "belowLoq.loq must be a number" }) }).strict().optional(),
    uncertainty: z.number({ error: "uncertainty must be a number (expanded uncertainty, k = 2, in the parameter's unit)" }).optional(),
    raw: z
      .object({
        signal: z.number({ error: "raw.signal must be a number" }),
        calibration: z.number({ error: "raw.calibration must be a calibration version number" }).int("raw.calibration must be a whole version number"),
      })
      .strict()
      .optional(),
    unit: z.string().max(32).optional(),
  })
  .strict()
  .refine((r) => Number(r.value !== undefined) + Number(r.belowLod !== undefined) + Number(r.belowLoq !== undefined) === 1, ONE_RESULT);

export type ReadingInput = z.infer<typeof readingSchema>;

const KEYS = new Set(["station", "parameter", "sensor", "time", "value", "belowLod", "belowLoq", "uncertainty", "raw", "unit"]);
const SIMPLE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Date.parse rolls 2026-02-30 over into March; the schema (rightly) refuses such dates. */
export function isRealIsoInstant(t: string): boolean {
  const m = SIMPLE_ISO.exec(t);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = [t.slice(0, 4), t.slice(5, 7), t.slice(8, 10), t.slice(11, 13), t.slice(14, 16), t.slice(17, 19)].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return false;
  return d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() && Number.isFinite(Date.parse(t));
}

const shortString = (v: unknown, max: number, min = 1): v is string => typeof v === "string" && v.length >= min && v.length <= max;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `{ <key>: number }` and nothing else (belowLod, belowLoq). */
function isLimitObject(v: unknown, key: string): boolean {
  if (!isPlainObject(v)) return false;
  for (const k in v) if (k !== key) return false;
  return typeof v[key] === "number";
}

function isRawObject(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  for (const k in v) if (k !== "signal" && k !== "calibration") return false;
  return typeof v.signal === "number" && Number.isInteger(v.calibration);
}

export function isWellFormedReading(r: unknown): r is ReadingInput {
  if (!isPlainObject(r)) return false;
  for (const key in r) if (!KEYS.has(key)) return false;
  const o = r;
  if (!shortString(o.station, 100) || !shortString(o.parameter, 100)) return false;
  if (o.sensor !== undefined && !shortString(o.sensor, 100)) return false;
  const t = o.time;
  if (typeof t === "number") {
    if (!Number.isInteger(t) || t < 0) return false;
  } else if (typeof t !== "string" || !isRealIsoInstant(t)) return false;
  let results = 0;
  if (o.value !== undefined) {
    if (typeof o.value !== "number") return false;
    results++;
  }
  if (o.belowLod !== undefined) {
    if (!isLimitObject(o.belowLod, "lod")) return false;
    results++;
  }
  if (o.belowLoq !== undefined) {
    if (!isLimitObject(o.belowLoq, "loq")) return false;
    results++;
  }
  if (results !== 1) return false;
  if (o.uncertainty !== undefined && typeof o.uncertainty !== "number") return false;
  if (o.raw !== undefined && !isRawObject(o.raw)) return false;
  if (o.unit !== undefined && !shortString(o.unit, 32, 0)) return false;
  return true;
}
