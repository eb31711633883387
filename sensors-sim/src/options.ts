// Simulator options: one zod schema, used by the CLI and by startSimulator, with the defaults in
// one place. Durations may be written as "10m"/"30d" or given as milliseconds.
import { z } from "zod";
import { catalog, findParameter } from "../../common/catalog.ts";
import { DURATION_PATTERN, parseDuration } from "./duration.ts";
import { SPILL_DEFAULTS } from "./model/spill.ts";
import { DOWNSTREAM_CHAINS } from "./model/station-profiles.ts";
import { DEFAULT_FAULT_SETTINGS, FAULT_KINDS } from "./sensor/fault-settings.ts";
import { DEFAULT_UPLINK_OPTIONS } from "./transport/uplink.ts";

const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === "string" && DURATION_PATTERN.test(value.trim())) return parseDuration(value);
  ctx.addIssue({ code: "custom", message: `"${value}" is not a duration such as 500ms, 30s, 10m, 12h or 30d` });
  return z.NEVER;
});
const positiveDuration = duration.refine((ms) => ms > 0, "must be longer than 0");
/** An instant: epoch ms, ISO 8601, or "-<duration>" before the start (kept as { ago } until then). */
const instant = z.union([z.number(), z.string()]).transform((value, ctx): number | { agoMs: number } => {
  if (typeof value === "string" && value.startsWith("-") && DURATION_PATTERN.test(value.slice(1))) {
    return { agoMs: parseDuration(value.slice(1)) };
  }
  const ms = typeof value === "number" ? value : Date.parse(value);
  if (Number.isFinite(ms)) return Math.round(ms);
  ctx.addIssue({ code: "custom", message: `"${value}" is not an ISO 8601 time, epoch milliseconds or "-12h" (before now)` });
  return z.NEVER;
});

const HOUR_MS = 3_600_000;
const faultKind = z.enum(FAULT_KINDS);

export const faultOptionsSchema = z.object({
  /** false: no random faults (forced ones still happen). */
  enabled: z.boolean().default(true),
  /** Expected starts per sensor (station faults: per station) per simulated day, per kind. */
  rates: z.partialRecord(faultKind, z.number().nonnegative()).default({}),
  /** Faults to start on every sensor/station at `forceAfter` into the live phase. */
  force: z.array(faultKind).default([]),
  forceAfter: duration.default(0),
  stuckReadings: z.number().int().min(2).default(DEFAULT_FAULT_SETTINGS.stuckReadings),
  dropoutReadings: z.number().int().min(1).default(DEFAULT_FAULT_SETTINGS.dropoutReadings),
  offline: positiveDuration.default(DEFAULT_FAULT_SETTINGS.offlineMs),
  clockSkew: duration.default(DEFAULT_FAULT_SETTINGS.clockSkewMs),
  outOfOrderDelayReadings: z.number().int().min(1).default(DEFAULT_FAULT_SETTINGS.outOfOrderDelayReadings),
});

export const spillOptionsSchema = z.object({
  river: z.string().default(SPILL_DEFAULTS.river),
  compound: z.string().default(SPILL_DEFAULTS.compound),
  /** When the slug enters the river, after the start of the live phase (simulated time). */
  after: duration.default(HOUR_MS),
  velocityMs: z.number().positive().default(SPILL_DEFAULTS.velocityMs),
  peakTimesMac: z.number().positive().default(SPILL_DEFAULTS.peakTimesMac),
}).superRefine((spill, ctx) => {
  if (!DOWNSTREAM_CHAINS[spill.river]) {
    ctx.addIssue({ code: "custom", path: ["river"], message: `one of ${Object.keys(DOWNSTREAM_CHAINS).join(", ")}` });
  }
  const macs = findParameter(spill.compound)?.standards.filter((s) => s.kind === "MAC-EQS") ?? [];
  if (macs.length === 0) {
    ctx.addIssue({ code: "custom", path: ["compound"], message: `"${spill.compound}" has no MAC-EQS in the catalog` });
  }
});

export const simulatorOptionsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).default("http://localhost:3000"),
  /** Write token for every station (or those without their own in `tokens`). */
  token: z.string().min(1).optional(),
  /** Per-station write tokens, station id → token: each station then sends on its own uplink. */
  tokens: z.record(z.string(), z.string().min(1)).optional(),
  stations: z.array(z.enum(catalog.stations.map((s) => s.id) as [string, ...string[]])).min(1).default(catalog.stations.map((s) => s.id)),
  parameters: z.array(z.enum(catalog.parameters.map((p) => p.code) as [string, ...string[]])).min(1).default(catalog.parameters.map((p) => p.code)),
  /** Simulated time between readings of a sensor (a real network reports every 10–15 minutes). */
  interval: positiveDuration.default(10 * 60_000),
  /** Simulated seconds per wall-clock second in the live phase. */
  speed: z.number().positive().default(60),
  /** History written as fast as the server takes it before the live phase. */
  backfill: duration.default(0),
  seed: z.number().int().default(1),
  /** Simulated length of the live phase; unset = until stopped. */
  duration: positiveDuration.optional(),
  /** Simulated start of the live phase: an instant, or "-1d" for a day before now; default: now. */
  start: instant.optional(),
  /**
   * Never stamp readings later than the wall clock: once an accelerated run catches up with now it
   * continues at 1×. The server flags readings from the future as suspect and refuses them beyond
   * 24 h, so only turn this off against a server that expects it.
   */
  noFuture: z.boolean().default(true),
  transport: z.enum(["http-json", "line-protocol"]).default("http-json"),
  database: z.string().default("water_monitor"),
  batchSize: z.number().int().min(1).max(10_000).default(DEFAULT_UPLINK_OPTIONS.batchSize),
  maxBuffered: z.number().int().min(1).default(DEFAULT_UPLINK_OPTIONS.maxBuffered),
  retryBase: positiveDuration.default(DEFAULT_UPLINK_OPTIONS.retryBaseMs),
  retryMax: positiveDuration.default(DEFAULT_UPLINK_OPTIONS.retryMaxMs),
  requestTimeout: positiveDuration.default(30_000),
  /** How long stop() and the end of a run wait for the buffer to empty. */
  drainTimeout: duration.default(10_000),
  faults: faultOptionsSchema.default(faultOptionsSchema.parse({})),
  scenario: z.enum(["spill"]).optional(),
  spill: spillOptionsSchema.default(spillOptionsSchema.parse({})),
}).superRefine((o, ctx) => {
  if (!o.tokens || o.token) return;
  const missing = o.stations.filter((id) => !o.tokens![id]);
  if (missing.length > 0) ctx.addIssue({ code: "custom", path: ["tokens"], message: `no token for ${missing.join(", ")} (give those, or a token for all)` });
});

export type SimulatorOptions = z.input<typeof simulatorOptionsSchema>;
export type ResolvedSimulatorOptions = z.output<typeof simulatorOptionsSchema>;

export class SimulatorOptionsError extends Error {
  override readonly name = "SimulatorOptionsError";
}

export function resolveOptions(input: SimulatorOptions): ResolvedSimulatorOptions {
  const parsed = simulatorOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`);
    throw new SimulatorOptionsError(`Invalid simulator options:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}
