// The map regions of the station map (issue #19): the shipped catalog's regions (by id) and the box
// of map data kept around each. Shared by the generator (scripts/build-map-data.ts) and the river
// extract (scripts/extract-natural-earth-rivers.ts), so both cut to the same boxes.
import type { Box } from "../../client/src/map/map-geometry.ts";

export interface MapRegion {
  /** ISO 3166-1 alpha-2 of the country the locator map shows. */
  country: string;
  box: Box;
  /**
   * How far (degrees) a simplified river line may stray from its source line: about a pixel on the
   * region's map (Saxony's stations span about 2° on 420 px, Chongqing's about 0.6°), well below the
   * accuracy of a 1:10m line.
   */
  riverTolerance: number;
}

export const REGIONS: Record<string, MapRegion> = {
  saxony: { country: "DE", box: { west: 10.8, south: 49.7, east: 16.2, north: 52.3 }, riverTolerance: 0.005 },
  chongqing: { country: "CN", box: { west: 105.4, south: 28.7, east: 107.8, north: 30.7 }, riverTolerance: 0.0015 },
};
