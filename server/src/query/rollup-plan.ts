// Pure split of an aggregate chart range into parts read from different places: whole hours the
// rollup holds completely (rollup-completeness.ts) from the rollup, everything else aggregated from
// raw, and hours whose raw data may have expired from whichever of the two saw more readings. The
// parts are disjoint, so their buckets add up exactly (envelope.ts `mergeEnvelopes`); every rollup
// part starts and ends on whole hours, so each rollup row lies inside one part and one bucket.
import type { RollupLevel, TimeSpan } from "./rollup-completeness.ts";
import { hourCeil, hourFloor } from "./rollup-completeness.ts";

/** "fuller": both raw and the rollup over the part, per bucket the one that saw more readings. */
export type PartSource = "raw" | RollupLevel | "fuller";

export interface PlanPart extends TimeSpan {
  source: PartSource;
}

export interface PartsInput {
  /** Half-open chart range [from, to). */
  from: number;
  to: number;
  level: RollupLevel;
  /** Raw readings before this may have expired (now − raw retention). */
  rawHorizon: number;
  /** Whole hours inside [from, to) the rollup of `level` holds completely, sorted. */
  complete: readonly TimeSpan[];
  /**
   * Most parts to query: beyond it the shortest rollup parts between raw ones are read from raw
   * instead (scattered late hours must not turn one chart into dozens of statements).
   */
  maxParts?: number;
}

export const DEFAULT_MAX_PARTS = 9;

export function planParts(input: PartsInput): PlanPart[] {
  const { from, to, level } = input;
  if (!(from < to)) return [];
  const maxParts = input.maxParts ?? DEFAULT_MAX_PARTS;
  // Hours wholly before the horizon: raw may be gone (InfluxDB drops whole shards, so some is left).
  const expiredTo = Math.min(to, hourFloor(input.rawHorizon));
  const parts: PlanPart[] = [];
  const push = (source: PartSource, a: number, b: number) => {
    if (a >= b) return;
    const last = parts[parts.length - 1];
    if (last && last.source === source && last.to === a) last.to = b;
    else parts.push({ source, from: a, to: b });
  };
  const base = (a: number, b: number) => {
    push("fuller", a, Math.min(b, Math.max(a, expiredTo)));
    push("raw", Math.max(a, expiredTo), b);
  };
  let at = from;
  for (const span of input.complete) {
    // Only whole hours inside the range: a rollup row must not bring readings from outside it.
    const a = Math.max(span.from, hourCeil(from), at);
    const b = Math.min(span.to, hourFloor(to));
    if (a >= b) continue;
    base(at, a);
    push(level, a, b);
    at = b;
  }
  base(at, to);
  return limitParts(parts, maxParts, level);
}

/** Folds the shortest rollup parts lying between two raw parts into raw until at most `max` remain. */
function limitParts(parts: PlanPart[], max: number, level: RollupLevel): PlanPart[] {
  let out = parts;
  while (out.length > max) {
    let pick = -1;
    for (let i = 1; i < out.length - 1; i++) {
      const p = out[i]!;
      if (p.source !== level || out[i - 1]!.source !== "raw" || out[i + 1]!.source !== "raw") continue;
      if (pick < 0 || p.to - p.from < out[pick]!.to - out[pick]!.from) pick = i;
    }
    if (pick < 0) break;
    const merged: PlanPart = { source: "raw", from: out[pick - 1]!.from, to: out[pick + 1]!.to };
    out = [...out.slice(0, pick - 1), merged, ...out.slice(pick + 2)];
  }
  return out;
}
