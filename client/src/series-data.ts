// Small pure helpers for series held in the client: merging live points and trimming a window.
import type { SeriesPoint, SeriesResponse } from "../../common/api-types.ts";
import type { Parameter } from "../../common/catalog-model.ts";
import type { Reading } from "../../common/reading.ts";

/** Insert points into a time-sorted list; a point with an existing time replaces it (a resend). */
export function mergePoints(target: SeriesPoint[], incoming: readonly SeriesPoint[]): void {
  for (const p of incoming) {
    let i = target.length;
    while (i > 0 && target[i - 1]!.t > p.t) i--;
    if (i > 0 && target[i - 1]!.t === p.t) target[i - 1] = p;
    else target.splice(i, 0, p);
  }
}

/** Drop points before `from` (a sliding live window). */
export function trimBefore(points: SeriesPoint[], from: number): void {
  const firstKept = points.findIndex((p) => p.t >= from);
  if (firstKept > 0) points.splice(0, firstKept);
  else if (firstKept === -1) points.length = 0;
}

/** A live reading as a raw series point. */
export function livePoint(r: Reading): SeriesPoint {
  const point: SeriesPoint = { t: r.time, v: r.value, qc: r.qc };
  if (r.qualifier !== null && r.limit !== null) {
    point.qualifier = r.qualifier;
    point.limit = r.limit;
  }
  return point;
}

/** A series without points, for a chart whose sensors have no data (yet): axes and standards still draw. */
export function emptySeries(station: string, parameter: Pick<Parameter, "code" | "unit">, view: { from: number; to: number }): SeriesResponse {
  return {
    station,
    parameter: parameter.code,
    sensor: "",
    unit: parameter.unit,
    from: view.from,
    to: view.to,
    resolution: "raw",
    intervalMs: null,
    points: [],
    view: "corrected",
    asOf: null,
    releaseLevel: "approved",
    corrections: [],
  };
}
