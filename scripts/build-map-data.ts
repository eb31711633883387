// Regenerates client/src/map/map-data.json, the offline map data of the station map (issue #19):
// `npm run map-data`. Country areas and borders come from Natural Earth's Admin 0 countries at
// 1:50m (public domain) as the `world-atlas` package ships them, cut to a box around each map
// region, with the 1:110m outlines of the regions' countries for the small locator maps. River
// lines come from Natural Earth's 1:10m river layers (public domain; the committed extract
// scripts/map-data/natural-earth-rivers.json) and, for the rivers no dataset has, from the cited
// places in scripts/map-data/cited-river-points.ts; they are simplified (Douglas–Peucker, simplify-js)
// to about a pixel of the regional maps. The result is small enough to bundle (a few kB gzipped), so
// the map needs no tile server and works without a network. Sources and licences:
// scripts/map-data/README.md and client/src/map/DATA-NOTICE.md.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { geoArea } from "d3-geo";
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Polygon } from "geojson";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { clipLine, clipRing, roundLine, type Box, type Position } from "../client/src/map/map-geometry.ts";
import type { MapData, RegionMapData } from "../client/src/map/map-data-types.ts";
import simplify from "simplify-js";
import { CITED_RIVER_POINTS } from "./map-data/cited-river-points.ts";
import { REGIONS } from "./map-data/regions.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = `${ROOT}client/src/map/map-data.json`;

/** ISO 3166-1 numeric (world-atlas ids) → alpha-2 (Intl.DisplayNames names them in the UI language). */
const ALPHA2: Record<string, string> = { "276": "DE", "203": "CZ", "616": "PL", "040": "AT", "156": "CN" };

type Countries = Topology<{ countries: GeometryCollection<{ name?: string }> }>;

function load(file: string): Countries {
  return JSON.parse(readFileSync(`${ROOT}node_modules/world-atlas/${file}`, "utf8")) as Countries;
}

function polygonsOf(geometry: Polygon | MultiPolygon): Position[][][] {
  return (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates) as Position[][][];
}

/**
 * d3-geo reads a ring's winding on the sphere (clockwise = the area inside); a ring clipped or
 * rounded the other way round would fill the whole globe, so each polygon is checked once here.
 */
function wound(polygon: Position[][]): Position[][] {
  return geoArea({ type: "Polygon", coordinates: polygon }) > 2 * Math.PI ? polygon.map((r) => [...r].reverse()) : polygon;
}

function region(fine: Countries, box: Box, rivers: Record<string, Position[][]>): RegionMapData {
  const countries: RegionMapData["countries"] = [];
  for (const geometry of fine.objects.countries.geometries) {
    const shape = (feature(fine, geometry) as Feature).geometry;
    if (!shape || (shape.type !== "Polygon" && shape.type !== "MultiPolygon")) continue;
    const polygons = polygonsOf(shape)
      .map((polygon) => polygon.map((ring) => roundLine(clipRing(ring, box), 3)).filter((ring) => ring.length >= 4))
      .filter((polygon) => polygon.length > 0)
      .map(wound);
    if (polygons.length === 0) continue;
    const code = ALPHA2[String(geometry.id)];
    if (!code) throw new Error(`country ${String(geometry.id)} (${(geometry.properties as { name?: string } | undefined)?.name ?? "?"}) lies in a map box: add its ISO alpha-2 code to ALPHA2`);
    countries.push({ code, polygons });
  }
  const borderLines = mesh(fine, fine.objects.countries, (a, b) => a !== b) as MultiLineString;
  const borders = (borderLines.coordinates as Position[][]).flatMap((line) => clipLine(line, box)).map((l) => roundLine(l, 3));
  return { box, countries, borders, rivers };
}

interface RiverLine {
  river: string;
  line: Position[];
  /** Natural Earth's dense lines are simplified; the few cited places are kept as they are. */
  dense: boolean;
}

/** River lines: Natural Earth's, plus the cited places' for the rivers it lacks. */
function riverLines(): RiverLine[] {
  const extract = JSON.parse(readFileSync(`${ROOT}scripts/map-data/natural-earth-rivers.json`, "utf8")) as FeatureCollection<MultiLineString, { river: string }>;
  return [
    ...extract.features.flatMap((f) => (f.geometry.coordinates as Position[][]).map((line) => ({ river: f.properties.river, line, dense: true }))),
    ...Object.entries(CITED_RIVER_POINTS).map(([river, points]) => ({ river, line: points.map((p): Position => [p.lon, p.lat]), dense: false })),
  ];
}

/** A line simplified so it strays at most `tolerance` degrees from the source (Douglas–Peucker). */
function simplified(line: Position[], tolerance: number): Position[] {
  return simplify(line.map(([x, y]) => ({ x, y })), tolerance, true).map((p): Position => [p.x, p.y]);
}

function main(): void {
  const fine = load("countries-50m.json");
  const coarse = load("countries-110m.json");
  const rivers = riverLines();
  const regions: MapData["regions"] = {};
  for (const [id, { box, riverTolerance }] of Object.entries(REGIONS)) {
    const inside: Record<string, Position[][]> = {};
    for (const { river, line, dense } of rivers) {
      const runs = clipLine(line, box).map((run) => roundLine(dense ? simplified(run, riverTolerance) : run, 3));
      if (runs.length > 0) (inside[river] ??= []).push(...runs);
    }
    regions[id] = region(fine, box, inside);
  }
  const locators: MapData["locators"] = {};
  const wanted = new Set(Object.values(REGIONS).map((r) => r.country));
  for (const geometry of coarse.objects.countries.geometries) {
    const code = ALPHA2[String(geometry.id)];
    const shape = (feature(coarse, geometry) as Feature).geometry;
    if (!code || !wanted.has(code) || !shape || (shape.type !== "Polygon" && shape.type !== "MultiPolygon")) continue;
    locators[code] = polygonsOf(shape).map((polygon) => wound(polygon.map((ring) => roundLine(ring, 2))));
  }
  const data: MapData = {
    source:
      "Natural Earth Admin 0 countries 1:50m and 1:110m (public domain), via world-atlas 2.0.2; rivers: Natural Earth 1:10m rivers 4.0.0 (public domain) and the cited places in scripts/map-data/cited-river-points.ts",
    regions,
    locators,
  };
  writeFileSync(OUT, `${JSON.stringify(data)}\n`);
  process.stdout.write(`wrote ${OUT} (${readFileSync(OUT).length} bytes)\n`);
}

main();
