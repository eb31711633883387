// The station map's pure helpers (issue #19): clipping outlines and rivers to a region, the part of
// the world a regional map shows, label placement, short names; and the bundled map data against
// the shipped catalog (every region has outlines, every station lies on its river's line).
import { describe, expect, it } from "vitest";
import { clipLine, clipRing, clipSegment, inBox, regionExtent, roundLine, type Box, type Position } from "../../client/src/map/map-geometry.ts";
import { overlap, placeLabels, shortName, textWidth, type LabelInput } from "../../client/src/map/map-labels.ts";
import { MAP_HEIGHT, MAP_WIDTH, projectionFor } from "../../client/src/map/station-map.ts";
import type { MapData } from "../../client/src/map/map-data-types.ts";
import dataJson from "../../client/src/map/map-data.json" with { type: "json" };
import { seed as catalog } from "../helpers/catalog.ts";

const data = dataJson as unknown as MapData;
const BOX: Box = { west: 0, south: 0, east: 10, north: 10 };

describe("clipSegment", () => {
  it.each<[string, Position, Position, [Position, Position] | null]>([
    ["keeps a segment inside", [1, 1], [2, 2], [[1, 1], [2, 2]]],
    ["cuts one leaving through the east edge", [5, 5], [15, 5], [[5, 5], [10, 5]]],
    ["cuts one crossing the box", [-5, 5], [15, 5], [[0, 5], [10, 5]]],
    ["drops one outside", [11, 11], [12, 15], null],
    ["drops one passing a corner outside", [-1, 9], [1, 12], null],
  ])("%s", (_name, a, b, expected) => {
    expect(clipSegment(a, b, BOX)).toEqual(expected);
  });
});

describe("clipLine", () => {
  it("splits a line that leaves and re-enters the box into two runs ending at the edge", () => {
    const runs = clipLine(
      [
        [2, 2],
        [8, 2],
        [12, 5],
        [8, 8],
        [2, 8],
      ],
      BOX,
    );
    expect(runs).toHaveLength(2);
    expect(runs[0]![0]).toEqual([2, 2]);
    expect(runs[0]!.at(-1)![0]).toBeCloseTo(10);
    expect(runs[1]![0]![0]).toBeCloseTo(10);
    expect(runs[1]!.at(-1)).toEqual([2, 8]);
  });

  it("gives nothing for a line wholly outside", () => {
    expect(
      clipLine(
        [
          [20, 20],
          [30, 30],
        ],
        BOX,
      ),
    ).toEqual([]);
  });
});

describe("clipRing", () => {
  it("cuts a square overlapping the box's corner to the overlap, closed", () => {
    const ring = clipRing(
      [
        [5, 5],
        [15, 5],
        [15, 15],
        [5, 15],
        [5, 5],
      ],
      BOX,
    );
    expect(ring[0]).toEqual(ring.at(-1));
    for (const p of ring) expect(inBox(p, BOX)).toBe(true);
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([5, 10, 5, 10]);
  });

  it("gives nothing for a ring outside the box", () => {
    expect(
      clipRing(
        [
          [20, 20],
          [30, 20],
          [30, 30],
          [20, 20],
        ],
        BOX,
      ),
    ).toEqual([]);
  });
});

describe("roundLine", () => {
  it("rounds to the given decimals and drops the repeats rounding makes", () => {
    expect(
      roundLine(
        [
          [1.23449, 2.0001],
          [1.2341, 2.0004],
          [1.2361, 2],
        ],
        3,
      ),
    ).toEqual([
      [1.234, 2],
      [1.236, 2],
    ]);
  });
});

describe("regionExtent", () => {
  it("pads the stations' bounding box on every side", () => {
    const box = regionExtent(
      [
        { lat: 50, lon: 12 },
        { lat: 51, lon: 14 },
      ],
      0.25,
      0,
    )!;
    expect(box.west).toBeCloseTo(11.5);
    expect(box.east).toBeCloseTo(14.5);
    expect(box.south).toBeCloseTo(49.75);
    expect(box.north).toBeCloseTo(51.25);
  });

  it("gives a single station a map of at least the minimum span around it", () => {
    const box = regionExtent([{ lat: 29.6, lon: 106.6 }], 0.2, 0.4)!;
    expect(box.east - box.west).toBeCloseTo(0.4);
    expect(box.north - box.south).toBeCloseTo(0.4);
    expect((box.east + box.west) / 2).toBeCloseTo(106.6);
  });

  it("has no extent without stations", () => {
    expect(regionExtent([])).toBeNull();
  });
});

describe("shortName", () => {
  it.each([
    ["Schmilka (Elbe, Czech border)", "Schmilka"],
    ["施米尔卡（易北河，捷克边境）", "施米尔卡"],
    ["Bad Düben (Vereinigte Mulde)", "Bad Düben"],
    ["Magdeburg, Strombrücke", "Magdeburg"],
    ["Waldheim", "Waldheim"],
    ["(unnamed)", "(unnamed)"],
  ])("%s → %s", (name, short) => {
    expect(shortName(name)).toBe(short);
  });
});

describe("textWidth", () => {
  it("counts a Chinese character as a full em and a Latin one as about half", () => {
    expect(textWidth("北碚", 10)).toBe(20);
    expect(textWidth("ab", 10)).toBeCloseTo(11.6);
  });
});

describe("placeLabels", () => {
  const label = (x: number, y: number): LabelInput => ({ x, y, r: 8, width: 60, height: 30 });

  it("puts a lone label to the right of its marker", () => {
    expect(placeLabels([label(100, 100)], 400, 300)[0]!.side).toBe("right");
  });

  it("moves a label away from the right edge of the map", () => {
    const [p] = placeLabels([label(380, 100)], 400, 300);
    expect(p!.side).toBe("left");
    expect(p!.box.x + p!.box.width).toBeLessThanOrEqual(400);
  });

  it("keeps two neighbours' labels apart (stations a few kilometres apart)", () => {
    const placed = placeLabels([label(200, 100), label(212, 118)], 400, 300);
    expect(overlap(placed[0]!.box, placed[1]!.box)).toBe(0);
  });

  it("keeps a label off an obstacle (the locator map)", () => {
    const locator = { x: 300, y: 200, width: 90, height: 90 };
    const [p] = placeLabels([label(280, 240)], 400, 300, [locator]);
    expect(overlap(p!.box, locator)).toBe(0);
  });
});

/**
 * Distance in km from a point to a polyline, on a local equirectangular plane around the point
 * (WGS 84 mean radius 6371 km; exact to well under 1 % at a few kilometres).
 */
function kmToLine(p: Position, runs: Position[][]): number {
  const kmPerDegree = (Math.PI * 6371) / 180;
  const cosLat = Math.cos((p[1] * Math.PI) / 180);
  const xy = (q: Position): Position => [(q[0] - p[0]) * kmPerDegree * cosLat, (q[1] - p[1]) * kmPerDegree];
  let best = Infinity;
  for (const run of runs) {
    for (let i = 0; i + 1 < run.length; i++) {
      const [a, b] = [xy(run[i]!), xy(run[i + 1]!)];
      const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
      const t = Math.max(0, Math.min(1, -(a[0] * dx + a[1] * dy) / (dx * dx + dy * dy || 1)));
      best = Math.min(best, Math.hypot(a[0] + t * dx, a[1] + t * dy));
    }
  }
  return best;
}

/**
 * How far a station may lie from its river's line: the rivers are Natural Earth 1:10m lines (and
 * cited places for the Zschopau), generalised by a kilometre or two (scripts/map-data/README.md);
 * at the regional maps' scale 3 km is a few pixels, so a station still sits on its river.
 */
const STATION_TO_RIVER_KM = 3;

describe("kmToLine", () => {
  const line: Position[][] = [
    [
      [13, 51],
      [14, 51],
    ],
  ];
  it.each<[string, Position, number]>([
    ["a point on the line", [13.5, 51], 0],
    ["a point 0.01° of latitude north of it (≈ 1.11 km)", [13.5, 51.01], 1.112],
    ["a point beyond the line's end, measured to the end", [14, 51.01], 1.112],
    ["a point 0.05° of latitude away (≈ 5.6 km, too far for a station)", [13.2, 50.95], 5.56],
  ])("%s", (_name, p, km) => {
    expect(kmToLine(p, line)).toBeCloseTo(km, 2);
  });
});

describe("the bundled map data and the shipped catalog", () => {
  it.each(catalog.stations.map((s) => [s.id, s] as const))(`%s lies within ${STATION_TO_RIVER_KM} km of its river's line inside its region's map data`, (_id, s) => {
    const region = data.regions[s.region];
    expect(region, `map data for ${s.region}`).toBeDefined();
    expect(inBox([s.lon, s.lat], region!.box)).toBe(true);
    expect(region!.rivers[s.river], `a line for ${s.river}`).toBeDefined();
    expect(kmToLine([s.lon, s.lat], region!.rivers[s.river]!)).toBeLessThan(STATION_TO_RIVER_KM);
  });

  it("draws every catalog river, and the Zschopau meets the Mulde network", () => {
    const drawn = new Set(Object.values(data.regions).flatMap((r) => Object.keys(r.rivers)));
    expect([...drawn].sort()).toEqual(catalog.data.rivers.map((r) => r.id).sort());
    const zschopau = data.regions.saxony!.rivers.zschopau!;
    const mouth = zschopau.at(-1)!.at(-1)!;
    expect(kmToLine(mouth, data.regions.saxony!.rivers.mulde!)).toBeLessThan(0.2);
  });

  it("draws every region's stations inside its map", () => {
    for (const region of catalog.data.regions) {
      const stations = catalog.stations.filter((s) => s.region === region.id);
      const projection = projectionFor(regionExtent(stations, 0.22, 0.35)!);
      for (const s of stations) {
        const [x, y] = projection([s.lon, s.lat])!;
        expect(x).toBeGreaterThan(0);
        expect(x).toBeLessThan(MAP_WIDTH);
        expect(y).toBeGreaterThan(0);
        expect(y).toBeLessThan(MAP_HEIGHT);
      }
    }
  });

  it("has Germany's and China's outlines for the locators, and borders around Saxony", () => {
    expect(Object.keys(data.locators).sort()).toEqual(["CN", "DE"]);
    expect(data.regions.saxony!.countries.map((c) => c.code).sort()).toEqual(["CZ", "DE", "PL"]);
    expect(data.regions.saxony!.borders.length).toBeGreaterThan(0);
    expect(data.regions.chongqing!.countries.map((c) => c.code)).toEqual(["CN"]);
  });
});
