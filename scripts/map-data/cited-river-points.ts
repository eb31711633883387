// River lines that no reachable dataset has (issue #19): Natural Earth's 1:10m layers, the finest
// public-domain river data at hand, have neither the Zschopau nor the Freiberger Mulde (see
// scripts/map-data/README.md). These are drawn through documented places on the river, in flow
// direction, each with the coordinates its cited article gives (WGS 84; a town's coordinates are its
// centre, which lies on or within about 1 km of the river, so the lines are schematic).
// scripts/build-map-data.ts adds them to the Natural Earth lines.

export interface CitedPoint {
  place: string;
  lat: number;
  lon: number;
  /** The article giving the coordinates (its infobox). */
  source: string;
}

export const CITED_RIVER_POINTS: Record<string, CitedPoint[]> = {
  // The Zschopau from Wolkenstein (the map shows nothing farther upstream) to its mouth.
  zschopau: [
    { place: "Wolkenstein, on the Zschopau", lat: 50.65444, lon: 13.07472, source: "https://en.wikipedia.org/wiki/Wolkenstein,_Saxony" },
    { place: "Zschopau (town), on both banks", lat: 50.75, lon: 13.067, source: "https://en.wikipedia.org/wiki/Zschopau" },
    { place: "Flöha, confluence of Flöha and Zschopau", lat: 50.85583, lon: 13.07139, source: "https://en.wikipedia.org/wiki/Fl%C3%B6ha" },
    { place: "Frankenberg/Sa., on the Zschopau", lat: 50.917, lon: 13.033, source: "https://de.wikipedia.org/wiki/Frankenberg/Sa." },
    { place: "Mittweida, on the Zschopau", lat: 50.98556, lon: 12.98111, source: "https://en.wikipedia.org/wiki/Mittweida" },
    { place: "Kriebstein dam (Talsperre Kriebstein)", lat: 51.035, lon: 13.01361, source: "https://de.wikipedia.org/wiki/Talsperre_Kriebstein" },
    { place: "Waldheim, in the Zschopau valley", lat: 51.067, lon: 13.017, source: "https://en.wikipedia.org/wiki/Waldheim,_Saxony" },
    { place: "Mouth into the Freiberger Mulde at Schweta", lat: 51.12944, lon: 13.05194, source: "https://en.wikipedia.org/wiki/Zschopau_(river)" },
  ],
  // The Freiberger Mulde, the Mulde's eastern headstream, from Döbeln past the Zschopau's mouth to
  // where it meets the Zwickauer Mulde (Natural Earth's Mulde line) near Sermuth.
  mulde: [
    { place: "Döbeln, on both banks of the Freiberger Mulde", lat: 51.11944, lon: 13.11278, source: "https://en.wikipedia.org/wiki/D%C3%B6beln" },
    { place: "Zschopau mouth at Schweta", lat: 51.12944, lon: 13.05194, source: "https://en.wikipedia.org/wiki/Zschopau_(river)" },
    { place: "Leisnig, on the Freiberger Mulde", lat: 51.167, lon: 12.917, source: "https://en.wikipedia.org/wiki/Leisnig" },
    { place: "Confluence with the Zwickauer Mulde near Sermuth", lat: 51.16028, lon: 12.79833, source: "https://en.wikipedia.org/wiki/Freiberger_Mulde" },
  ],
};
