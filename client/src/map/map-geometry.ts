// Plain geometry for the station map (issue #19), pure: clipping outlines and river lines to a
// region's box (done once, when scripts/build-map-data.ts cuts the bundled map data), and the part
// of the world each regional map shows. Coordinates are [lon, lat] in degrees (WGS 84), as GeoJSON.

export type Position = [number, number];

/** West, south, east, north in degrees. */
export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

export function inBox(p: Position, box: Box): boolean {
  return p[0] >= box.west && p[0] <= box.east && p[1] >= box.south && p[1] <= box.north;
}

/**
 * The segment a→b cut to the box (Liang–Barsky), or null when it lies outside. Planar in degrees:
 * the boxes span a few degrees, where a segment's curvature on the sphere is far below a pixel.
 */
export function clipSegment(a: Position, b: Position, box: Box): [Position, Position] | null {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  const edges: Array<[number, number]> = [
    [-dx, a[0] - box.west],
    [dx, box.east - a[0]],
    [-dy, a[1] - box.south],
    [dy, box.north - a[1]],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  return [
    [a[0] + t0 * dx, a[1] + t0 * dy],
    [a[0] + t1 * dx, a[1] + t1 * dy],
  ];
}

/** A polyline cut to the box: the runs inside it, each ending where the line leaves the box. */
export function clipLine(line: readonly Position[], box: Box): Position[][] {
  const runs: Position[][] = [];
  let run: Position[] = [];
  for (let i = 1; i < line.length; i++) {
    const cut = clipSegment(line[i - 1]!, line[i]!, box);
    if (!cut) {
      if (run.length > 1) runs.push(run);
      run = [];
      continue;
    }
    const [start, end] = cut;
    if (run.length === 0) run.push(start);
    else if (!samePoint(run[run.length - 1]!, start)) {
      runs.push(run);
      run = [start];
    }
    run.push(end);
    // The line left the box inside this segment: the run ends here.
    if (!samePoint(end, line[i]!)) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 1) runs.push(run);
  return runs;
}

/**
 * A closed ring cut to the box (Sutherland–Hodgman; exact for a rectangular window). A ring that
 * leaves and re-enters the box keeps the stretch of box edge between, which only matters for a
 * stroke, and the map strokes borders from their own lines. Empty when nothing is inside.
 */
export function clipRing(ring: readonly Position[], box: Box): Position[] {
  let out: Position[] = ring[0] && samePoint(ring[0], ring[ring.length - 1]!) ? ring.slice(0, -1) : [...ring];
  const sides: Array<{ inside: (p: Position) => boolean; cross: (a: Position, b: Position) => Position }> = [
    { inside: (p) => p[0] >= box.west, cross: (a, b) => atX(a, b, box.west) },
    { inside: (p) => p[0] <= box.east, cross: (a, b) => atX(a, b, box.east) },
    { inside: (p) => p[1] >= box.south, cross: (a, b) => atY(a, b, box.south) },
    { inside: (p) => p[1] <= box.north, cross: (a, b) => atY(a, b, box.north) },
  ];
  for (const side of sides) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const current = input[i]!;
      const previous = input[(i + input.length - 1) % input.length]!;
      if (side.inside(current)) {
        if (!side.inside(previous)) out.push(side.cross(previous, current));
        out.push(current);
      } else if (side.inside(previous)) out.push(side.cross(previous, current));
    }
    if (out.length === 0) return [];
  }
  return out.length >= 3 ? [...out, out[0]!] : [];
}

function atX(a: Position, b: Position, x: number): Position {
  return [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
}

function atY(a: Position, b: Position, y: number): Position {
  return [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
}

function samePoint(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Coordinates rounded to `decimals` (3 ≈ 100 m, finer than a pixel on a regional map), repeats dropped. */
export function roundLine(line: readonly Position[], decimals: number): Position[] {
  const f = 10 ** decimals;
  const out: Position[] = [];
  for (const p of line) {
    const q: Position = [Math.round(p[0] * f) / f, Math.round(p[1] * f) / f];
    if (out.length === 0 || !samePoint(out[out.length - 1]!, q)) out.push(q);
  }
  return out;
}

/**
 * The part of the world a regional map shows: its stations' bounding box, widened by `padding` of
 * its size on every side and to at least `minSpan` degrees each way, so a single station or a
 * row of stations on one meridian still gets a map around it.
 */
export function regionExtent(points: ReadonlyArray<{ lat: number; lon: number }>, padding = 0.2, minSpan = 0.2): Box | null {
  if (points.length === 0) return null;
  const lons = points.map((p) => p.lon);
  const lats = points.map((p) => p.lat);
  const widen = (lo: number, hi: number): [number, number] => {
    const span = Math.max(hi - lo, minSpan / (1 + 2 * padding));
    const mid = (lo + hi) / 2;
    const half = (span * (1 + 2 * padding)) / 2;
    return [mid - half, mid + half];
  };
  const [west, east] = widen(Math.min(...lons), Math.max(...lons));
  const [south, north] = widen(Math.min(...lats), Math.max(...lats));
  return { west, south: Math.max(-85, south), east, north: Math.min(85, north) };
}
