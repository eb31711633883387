// One region's station map as plain SVG (issue #19): country areas and borders (Natural Earth via
// world-atlas, cut to the region at build time), the rivers, a small locator of the country, and
// the stations as links, each marker with its status icon (not colour alone) and a label with the
// station's name and the chosen compound's latest value. Loaded on demand (dynamic import) with its
// data, so the dashboard's first load does not carry it. Offline: nothing is fetched.
import { geoMercator, geoPath, type GeoProjection } from "d3-geo";
import type { Feature, MultiLineString, MultiPolygon } from "geojson";
import { svg } from "../dom.ts";
import type { StationStatus } from "../status.ts";
import type { MapData } from "./map-data-types.ts";
import dataJson from "./map-data.json" with { type: "json" };
import { regionExtent, type Box, type Position } from "./map-geometry.ts";
import { overlap, placeLabels, textWidth, type Rect } from "./map-labels.ts";

const data = dataJson as unknown as MapData;

export const MAP_WIDTH = 420;
export const MAP_HEIGHT = 340;
const FONT = 13;
const LINE = 15;
const MARKER_R = 9;
const LOCATOR = 78;

/** The icon inside a marker, the same as the status badges'. */
export const STATUS_ICON: Record<StationStatus, string> = { ok: "✓", above: "▲", "early-warning": "△", sensor: "!", offline: "○" };

export interface MapStation {
  id: string;
  lat: number;
  lon: number;
  /** Short name on the map. */
  label: string;
  /** Second line: the chosen compound's latest value. */
  value: string;
  /** Unknown until the latest readings have loaded. */
  status: StationStatus | null;
  href: string;
  /** Accessible name: full name, status in words, value. */
  description: string;
}

export interface RegionMapInput {
  region: string;
  /** The region's country (ISO alpha-2), for the locator and the home-country shading. */
  country: string;
  title: string;
  stations: readonly MapStation[];
  riverName(id: string): string;
  countryName(code: string): string;
}

function boxFeature(box: Box): Feature<MultiLineString> {
  const { west, south, east, north } = box;
  return { type: "Feature", properties: {}, geometry: { type: "MultiLineString", coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] } };
}

/** A Mercator projection showing `box` in the map, with room for labels at the edges. */
export function projectionFor(box: Box, width = MAP_WIDTH, height = MAP_HEIGHT, margin = 24): GeoProjection {
  return geoMercator().fitExtent(
    [
      [margin, margin],
      [width - margin, height - margin],
    ],
    boxFeature(box),
  );
}

/** Whether the bundled map data has anything for the region (else only stations and rivers are drawn). */
export function hasMapData(region: string): boolean {
  return region in data.regions;
}

export function regionMap(input: RegionMapInput): SVGSVGElement {
  const extent = regionExtent(input.stations, 0.22, 0.35)!;
  const projection = projectionFor(extent);
  const path = geoPath(projection);
  const region = data.regions[input.region];
  const root = svg("svg", {
    viewBox: `0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`,
    class: "station-map",
    role: "group",
    "aria-label": input.title,
    "data-region": input.region,
  });
  const clipId = `map-clip-${input.region}`;
  root.append(svg("defs", {}, svg("clipPath", { id: clipId }, svg("rect", { x: 0, y: 0, width: MAP_WIDTH, height: MAP_HEIGHT }))));
  const base = svg("g", { "clip-path": `url(#${clipId})`, "aria-hidden": "true" }, svg("rect", { class: "map-bg", x: 0, y: 0, width: MAP_WIDTH, height: MAP_HEIGHT }));
  root.append(base);

  const locatorBox: Rect = { x: MAP_WIDTH - LOCATOR - 6, y: MAP_HEIGHT - LOCATOR - 6, width: LOCATOR, height: LOCATOR };
  const { layer, taken } = stationLayer(input.stations, projection, data.locators[input.country] ? [locatorBox] : []);
  if (region) {
    const labels: Array<[string, number, number]> = [];
    for (const c of region.countries) {
      const shape: MultiPolygon = { type: "MultiPolygon", coordinates: c.polygons };
      base.append(svg("path", { class: c.code === input.country ? "map-country map-home" : "map-country", d: path(shape) ?? "" }));
      labels.push([c.code, ...labelPoint(c.polygons, projection)]);
    }
    base.append(svg("path", { class: "map-border", d: path({ type: "MultiLineString", coordinates: region.borders }) ?? "" }));
    for (const [code, x, y] of labels) {
      // A country's name only where it is clear of the stations and their labels.
      const name = input.countryName(code).toUpperCase();
      const box: Rect = { x: x - textWidth(name, 12) / 2, y: y - 11, width: textWidth(name, 12), height: 13 };
      if (box.x < 4 || box.x + box.width > MAP_WIDTH - 4 || box.y < 4 || box.y + box.height > MAP_HEIGHT - 4 || taken.some((r) => overlap(box, r) > 0)) continue;
      taken.push(box);
      base.append(svg("text", { class: "map-country-label", x, y, "text-anchor": "middle" }, name));
    }
    for (const [river, runs] of Object.entries(region.rivers)) {
      base.append(svg("path", { class: "map-river", "data-river": river, d: path({ type: "MultiLineString", coordinates: runs }) ?? "" }));
    }
    for (const [river, runs] of Object.entries(region.rivers)) {
      const name = input.riverName(river);
      const at = riverLabelPoint(runs, projection, { width: textWidth(name, 11), height: 13 }, taken);
      if (!at) continue;
      taken.push(at);
      base.append(svg("text", { class: "map-river-label", x: at.x + at.width / 2, y: at.y + at.height - 2, "text-anchor": "middle" }, name));
    }
  }
  base.append(locator(input.country, extent, locatorBox));
  root.append(layer);
  return root;
}

/** Where a country's name goes: the projected centre of its largest visible area. */
function labelPoint(polygons: Position[][][], projection: GeoProjection): [number, number] {
  const path = geoPath(projection);
  let best: [number, number] = [-1, -1];
  let bestArea = -1;
  for (const polygon of polygons) {
    const shape = { type: "Polygon" as const, coordinates: polygon };
    const area = path.area(shape);
    if (area > bestArea) {
      bestArea = area;
      best = path.centroid(shape);
    }
  }
  return best;
}

/**
 * Where a river's name goes: beside the middle of one of its visible segments, clear of the
 * stations, their labels, the locator and names placed before, as far from them as it can be.
 * Undefined when the river shows no such place (the name is in the table below the map anyway).
 */
function riverLabelPoint(runs: Position[][], projection: GeoProjection, size: { width: number; height: number }, taken: readonly Rect[]): Rect | undefined {
  let best: Rect | undefined;
  let bestDistance = 0;
  for (const run of runs) {
    for (let i = 0; i + 1 < run.length; i++) {
      const a = projection(run[i]!)!;
      const b = projection(run[i + 1]!)!;
      const box: Rect = { x: (a[0] + b[0]) / 2 - size.width / 2 - 8, y: (a[1] + b[1]) / 2 - size.height - 2, width: size.width, height: size.height };
      if (box.x < 4 || box.x + box.width > MAP_WIDTH - 4 || box.y < 4 || box.y + box.height > MAP_HEIGHT - 4) continue;
      if (taken.some((r) => overlap(box, r) > 0)) continue;
      const distance = Math.min(...taken.map((r) => Math.hypot(r.x + r.width / 2 - box.x - box.width / 2, r.y + r.height / 2 - box.y - box.height / 2)));
      if (distance > bestDistance) {
        bestDistance = distance;
        best = box;
      }
    }
  }
  return best;
}

/** The country's outline in a corner, with the part the map shows outlined. */
function locator(country: string, extent: Box, at: Rect): SVGGElement {
  const group = svg("g", { class: "map-locator" });
  const outline = data.locators[country];
  if (!outline) return group;
  const shape: MultiPolygon = { type: "MultiPolygon", coordinates: outline };
  const { x: x0, y: y0 } = at;
  const projection = geoMercator().fitExtent(
    [
      [x0 + 4, y0 + 4],
      [x0 + LOCATOR - 4, y0 + LOCATOR - 4],
    ],
    { type: "Feature", properties: {}, geometry: shape },
  );
  const path = geoPath(projection);
  const [[ax, ay], [bx, by]] = [projection([extent.west, extent.north])!, projection([extent.east, extent.south])!];
  const cx = (ax + bx) / 2;
  const cy = (ay + by) / 2;
  // The region is a few pixels on the locator: a ring marks it where the box would vanish.
  const w = Math.max(bx - ax, 8);
  const h = Math.max(by - ay, 8);
  group.append(
    svg("rect", { class: "map-locator-bg", x: x0, y: y0, width: LOCATOR, height: LOCATOR, rx: 4 }),
    svg("path", { class: "map-locator-land", d: path(shape) ?? "" }),
    svg("rect", { class: "map-locator-box", x: cx - w / 2, y: cy - h / 2, width: w, height: h }),
  );
  return group;
}

/** The stations as links, and the map area their markers and labels take. */
function stationLayer(stations: readonly MapStation[], projection: GeoProjection, obstacles: readonly Rect[]): { layer: SVGGElement; taken: Rect[] } {
  const layer = svg("g", { class: "map-stations" });
  const points = stations.map((s) => projection([s.lon, s.lat])!);
  const placements = placeLabels(
    stations.map((s, i) => ({
      x: points[i]![0],
      y: points[i]![1],
      r: MARKER_R,
      width: Math.max(textWidth(s.label, FONT), textWidth(s.value, FONT - 1)) + 4,
      height: 2 * LINE,
    })),
    MAP_WIDTH,
    MAP_HEIGHT,
    obstacles,
  );
  stations.forEach((s, i) => {
    const [x, y] = points[i]!;
    const box = placements[i]!.box;
    const status = s.status ?? "unknown";
    const link = svg(
      "a",
      { href: s.href, class: "map-station", "data-station": s.id, "data-status": status, "aria-label": s.description },
      svg("title", {}, s.description),
      svg("circle", { class: "map-marker", cx: x, cy: y, r: MARKER_R }),
      svg("text", { class: "map-marker-icon", x, y: y + 4.5, "text-anchor": "middle", "aria-hidden": "true" }, s.status ? STATUS_ICON[s.status] : "…"),
      svg("rect", { class: "map-label-bg", x: box.x - 2, y: box.y, width: box.width, height: box.height, rx: 3 }),
      svg(
        "text",
        { class: "map-label", x: box.x, y: box.y + LINE - 3, "aria-hidden": "true" },
        svg("tspan", { class: "map-label-name" }, s.label),
        svg("tspan", { class: "map-label-value", x: box.x, dy: LINE }, s.value),
      ),
    );
    layer.append(link);
  });
  const markers = points.map(([x, y]): Rect => ({ x: x - MARKER_R, y: y - MARKER_R, width: 2 * MARKER_R, height: 2 * MARKER_R }));
  return { layer, taken: [...markers, ...placements.map((p) => p.box), ...obstacles] };
}
