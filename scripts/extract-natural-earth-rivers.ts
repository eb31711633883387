// Cuts the river lines of the station map (issue #19) out of Natural Earth's 1:10m river data into
// scripts/map-data/natural-earth-rivers.json, the committed extract that scripts/build-map-data.ts
// reads. Natural Earth's river files are 3–12 MB and not on npm, so the generator works from this
// small extract; run this only to refresh it from a new Natural Earth release:
//
//   tsx scripts/extract-natural-earth-rivers.ts <ne_10m_rivers_lake_centerlines.geojson> <ne_10m_rivers_europe.geojson>
//
// Both files as GeoJSON (e.g. the CC0 conversion github.com/martynafford/natural-earth-geojson,
// 10m/physical/). Natural Earth is in the public domain; see scripts/map-data/README.md.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Feature, FeatureCollection, LineString, MultiLineString } from "geojson";
import { clipLine, roundLine, type Position } from "../client/src/map/map-geometry.ts";
import { REGIONS } from "./map-data/regions.ts";

const OUT = fileURLToPath(new URL("./map-data/natural-earth-rivers.json", import.meta.url));

/**
 * Which Natural Earth features draw which catalog river. The Mulde is Natural Earth's "Zwickauer
 * Mulde" (alt name "Mulde"): the supplementary European layer runs it on as the Vereinigte Mulde to
 * the Elbe, past Bad Düben. The Zschopau and the Freiberger Mulde are in no Natural Earth layer
 * (scripts/map-data/cited-river-points.ts draws them).
 */
const WANTED: ReadonlyArray<{ river: string; layer: "centerlines" | "europe"; name: string }> = [
  { river: "elbe", layer: "centerlines", name: "Elbe" },
  { river: "mulde", layer: "europe", name: "Zwickauer Mulde" },
  { river: "yangtze", layer: "centerlines", name: "Chang Jiang" },
  { river: "jialing", layer: "centerlines", name: "Jialing" },
];

const LAYER_FILE = { centerlines: "ne_10m_rivers_lake_centerlines", europe: "ne_10m_rivers_europe" } as const;

type RiverFeature = Feature<LineString | MultiLineString, { name?: string | null; name_alt?: string | null; rivernum?: number }>;

function partsOf(geometry: LineString | MultiLineString): Position[][] {
  return (geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates) as Position[][];
}

/** Joins parts where one ends where another starts (Natural Earth splits a river at lakes and confluences). */
export function chain(parts: Position[][]): Position[][] {
  const out = parts.filter((p) => p.length > 1).map((p) => [...p]);
  const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];
  for (let joined = true; joined; ) {
    joined = false;
    for (let i = 0; i < out.length && !joined; i++) {
      const j = out.findIndex((q, k) => k !== i && same(out[i]!.at(-1)!, q[0]!));
      if (j < 0) continue;
      out[i] = [...out[i]!, ...out[j]!.slice(1)];
      out.splice(j, 1);
      joined = true;
    }
  }
  return out;
}

function main(): void {
  const [centerlines, europe] = process.argv.slice(2);
  if (!centerlines || !europe) throw new Error("usage: tsx scripts/extract-natural-earth-rivers.ts <ne_10m_rivers_lake_centerlines.geojson> <ne_10m_rivers_europe.geojson>");
  const layers = {
    centerlines: JSON.parse(readFileSync(centerlines, "utf8")) as FeatureCollection,
    europe: JSON.parse(readFileSync(europe, "utf8")) as FeatureCollection,
  };
  const features: FeatureCollection<MultiLineString>["features"] = [];
  for (const want of WANTED) {
    const found = (layers[want.layer].features as RiverFeature[]).filter((f) => f.geometry && f.properties?.name === want.name);
    if (found.length === 0) throw new Error(`${LAYER_FILE[want.layer]} has no river named ${want.name}`);
    const lines = chain(found.flatMap((f) => partsOf(f.geometry)));
    const runs = Object.values(REGIONS).flatMap(({ box }) => lines.flatMap((line) => clipLine(line, box)));
    features.push({
      type: "Feature",
      properties: {
        river: want.river,
        dataset: LAYER_FILE[want.layer],
        name: want.name,
        name_alt: found[0]!.properties?.name_alt ?? null,
        rivernum: [...new Set(found.map((f) => f.properties?.rivernum))],
      },
      geometry: { type: "MultiLineString", coordinates: runs.map((r) => roundLine(r, 6)) },
    });
  }
  const extract = {
    type: "FeatureCollection",
    source: "Natural Earth 1:10m Physical: rivers_lake_centerlines and rivers_europe, version 4.0.0 (public domain), cut to the map regions",
    features,
  };
  writeFileSync(OUT, `${JSON.stringify(extract)}\n`);
  process.stdout.write(`wrote ${OUT} (${readFileSync(OUT).length} bytes)\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
