// The shape of client/src/map/map-data.json (written by scripts/build-map-data.ts).
import type { Box, Position } from "./map-geometry.ts";

export interface RegionMapData {
  /** The box the data was cut to; a map of the region shows part of it. */
  box: Box;
  /** Country areas in the box (ISO 3166-1 alpha-2), as GeoJSON polygon coordinates. */
  countries: Array<{ code: string; polygons: Position[][][] }>;
  /** Borders between countries, as lines (the box's edges are no border). */
  borders: Position[][];
  /** River lines by catalog river id, in flow direction. */
  rivers: Record<string, Position[][]>;
}

export interface MapData {
  source: string;
  /** By catalog region id. */
  regions: Record<string, RegionMapData>;
  /** Small outlines of the regions' countries (ISO alpha-2) for the locator maps. */
  locators: Record<string, Position[][][]>;
}
