// Pure split of an aggregate chart range into parts read from different places: whole hours the
// rollup holds completely (rollup-completeness.ts) from the rollup, everything else aggregated from
// raw, and hours whose raw data may have expired from whichever of the two saw more readings. The
// parts are disjoint, so their buckets add up exactly (envelope.ts `mergeEnvelopes`); every rollup
// part starts and ends on whole hours, so each rollup row lies inside one part and one bucket.
// With 6-hour buckets or coarser, the complete 6-hour blocks inside the 1-hour parts are read from
// the 6-hour rollup (whole blocks, so each of its rows lies inside one part and one bucket too).
import type { RollupLevel, TimeSpan } from "./rollup-completeness.ts";
import { hourCeil, hourFloor, intersectSpans, uncovered, wholeBlocks } from "./rollup-completeness.ts";

/** "fuller": both raw and the rollup over the part, per bucket the one that saw more readings. */
export type PartSource = "raw" | RollupLevel | "fuller";

export interface PlanPart extends TimeSpan {
  source: PartSource;
}

export interface PartsInput {
  /** Half-open chart range [from, to). */
  from: number;
  to: number;
  level: Exclude<RollupLevel, "rollup6h">;
  /** Raw readings before this may have expired (now − raw retention). */
  rawHorizon: number;
  /** Whole hours inside [from, to) the rollup of `level` holds completely, sorted. */
  complete: readonly TimeSpan[];
  /** Whole 6-hour blocks the 6-hour rollup holds completely (a subset of `complete`), sorted; only for level rollup1h. */
  coarse?: readonly TimeSpan[];
  /**
   * Most parts to query: beyond it the shortest rollup parts between raw ones are read from raw
   * instead (scattered late hours must not turn one chart into dozens of statements).
   */
  maxParts?: number;
}

export const DEFAULT_MAX_PARTS = 9;

/** 1-hour parts split into the complete 6-hour blocks inside them (from the 6-hour rollup) and the rest. */
function withCoarse(parts: PlanPart[], coarse: readonly TimeSpan[]): PlanPart[] {
  if (coarse.length === 0) return parts;
  const out: PlanPart[] = [];
  for (const part of parts) {
    if (part.source !== "rollup1h") {
      out.push(part);
      continue;
    }
    // Whole blocks only: a 6-hour row holds all six hours, so it may not stand for part of them.
    const blocks = wholeBlocks(intersectSpans(coarse, [part])).map((b): PlanPart => ({ source: "rollup6h", ...b }));
    const hours = uncovered(blocks, part).map((h): PlanPart => ({ source: "rollup1h", ...h }));
    out.push(...[...blocks, ...hours].sort((a, b) => a.from - b.from));
  }
  return out;
}

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
  return limitParts(withCoarse(parts, input.coarse ?? []), maxParts);
}

/**
 * Until at most `max` parts remain, takes the shortest of: a rollup part lying between two raw
 * parts, read from raw instead; a 6-hour part next to a 1-hour one, read from the 1-hour rollup
 * instead (its hours are complete there too). Both join their neighbours into one part.
 */
function limitParts(parts: PlanPart[], max: number): PlanPart[] {
  let out = parts;
  while (out.length > max) {
    let pick = -1;
    let as: PartSource = "raw";
    for (let i = 0; i < out.length; i++) {
      const p = out[i]!;
      const [before, after] = [out[i - 1]?.source, out[i + 1]?.source];
      const into: PartSource | null =
        p.source !== "raw" && p.source !== "fuller" && before === "raw" && after === "raw" ? "raw" : p.source === "rollup6h" && (before === "rollup1h" || after === "rollup1h") ? "rollup1h" : null;
      if (into === null || (pick >= 0 && p.to - p.from >= out[pick]!.to - out[pick]!.from)) continue;
      pick = i;
      as = into;
    }
    if (pick < 0) break;
    let [first, last] = [pick, pick];
    if (out[pick - 1]?.source === as) first--;
    if (out[pick + 1]?.source === as) last++;
    const merged: PlanPart = { source: as, from: out[first]!.from, to: out[last]!.to };
    out = [...out.slice(0, first), merged, ...out.slice(last + 1)];
  }
  return out;
}
