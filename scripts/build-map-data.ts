// Regenerates client/src/map/map-data.json, the offline map data of the station map (issue #19):
// `npm run map-data`. Country areas and borders come from Natural Earth's Admin 0 countries at
// 1:50m (public domain) as the `world-atlas` package ships them, cut to a box around each map
// region, with the 1:110m outlines of the regions' countries for the small locator maps; river lines
// from scripts/map-rivers.ts. The result is small enough to bundle (a few kB gzipped), so the map
// needs no tile server and works without a network. See client/src/map/DATA-NOTICE.md.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { geoArea } from "d3-geo";
import type { Feature, MultiLineString, MultiPolygon, Polygon } from "geojson";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { clipLine, clipRing, roundLine, type Box, type Position } from "../client/src/map/map-geometry.ts";
import type { MapData, RegionMapData } from "../client/src/map/map-data-types.ts";
import { RIVER_PLACES } from "./map-rivers.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = `${ROOT}client/src/map/map-data.json`;

/** The shipped catalog's regions (by id) and the box of map data kept around each. */
const REGIONS: Record<string, { country: string; box: Box }> = {
  saxony: { country: "DE", box: { west: 10.8, south: 49.7, east: 16.2, north: 52.3 } },
  chongqing: { country: "CN", box: { west: 105.4, south: 28.7, east: 107.8, north: 30.7 } },
};

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

function main(): void {
  const fine = load("countries-50m.json");
  const coarse = load("countries-110m.json");
  const rivers = Object.fromEntries(Object.entries(RIVER_PLACES).map(([id, places]) => [id, places.map((p): Position => [p.lon, p.lat])]));
  const regions: MapData["regions"] = {};
  for (const [id, { box }] of Object.entries(REGIONS)) {
    const inside: Record<string, Position[][]> = {};
    for (const [river, line] of Object.entries(rivers)) {
      const runs = clipLine(line, box);
      if (runs.length > 0) inside[river] = runs;
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
    source: "Natural Earth Admin 0 countries 1:50m and 1:110m (public domain), via world-atlas 2.0.2; rivers: scripts/map-rivers.ts",
    regions,
    locators,
  };
  writeFileSync(OUT, `${JSON.stringify(data)}\n`);
  process.stdout.write(`wrote ${OUT} (${readFileSync(OUT).length} bytes)\n`);
}

main();
