// River lines for the station map (issue #19), drawn through places on each river in flow
// direction. No river dataset is installable from npm here (Natural Earth's rivers_lake_centerlines
// is not packaged there, and its 1:50m edition has no Mulde, Zschopau or Jialing), so each line
// runs through the monitoring stations' own coordinates (the shipped catalog) and the towns, dams,
// gorges and confluences named below, at their approximate centre on the river (WGS 84, about
// ±1 km). The lines are schematic: they show which way a river runs past the stations, not its
// bends. Keyed by the catalog's river ids; scripts/build-map-data.ts cuts them to the map regions.

export interface RiverPlace {
  place: string;
  lat: number;
  lon: number;
}

export const RIVER_PLACES: Record<string, RiverPlace[]> = {
  // The Elbe from Děčín (CZ) across Saxony to the Mulde mouth at Dessau-Roßlau.
  elbe: [
    { place: "Děčín (CZ)", lat: 50.78, lon: 14.21 },
    { place: "Hřensko (CZ), border", lat: 50.874, lon: 14.232 },
    { place: "station DE-ELBE-SCHMILKA (catalog)", lat: 50.896, lon: 14.26 },
    { place: "Bad Schandau", lat: 50.918, lon: 14.154 },
    { place: "Königstein", lat: 50.919, lon: 14.071 },
    { place: "Kurort Rathen", lat: 50.958, lon: 14.081 },
    { place: "Stadt Wehlen", lat: 50.958, lon: 14.031 },
    { place: "Pirna", lat: 50.962, lon: 13.941 },
    { place: "Dresden-Pillnitz", lat: 51.009, lon: 13.869 },
    { place: "Dresden-Blasewitz", lat: 51.05, lon: 13.8 },
    { place: "Dresden, Augustusbrücke", lat: 51.055, lon: 13.741 },
    { place: "Radebeul", lat: 51.095, lon: 13.65 },
    { place: "Coswig (Sachsen) / Niederwartha", lat: 51.115, lon: 13.58 },
    { place: "Meißen", lat: 51.163, lon: 13.475 },
    { place: "station DE-ELBE-ZEHREN (catalog)", lat: 51.2, lon: 13.43 },
    { place: "Riesa", lat: 51.308, lon: 13.29 },
    { place: "Strehla", lat: 51.35, lon: 13.23 },
    { place: "Mühlberg/Elbe", lat: 51.435, lon: 13.22 },
    { place: "Belgern", lat: 51.483, lon: 13.125 },
    { place: "Torgau", lat: 51.56, lon: 13.01 },
    { place: "station DE-ELBE-DOMMITZSCH (catalog)", lat: 51.65, lon: 12.88 },
    { place: "Pretzsch", lat: 51.71, lon: 12.81 },
    { place: "Lutherstadt Wittenberg", lat: 51.865, lon: 12.65 },
    { place: "Coswig (Anhalt)", lat: 51.885, lon: 12.45 },
    { place: "Dessau-Roßlau, Mulde mouth", lat: 51.87, lon: 12.24 },
  ],
  // The Freiberger Mulde from Döbeln, past the Zschopau's mouth, and from Sermuth on the Mulde.
  mulde: [
    { place: "Döbeln", lat: 51.122, lon: 13.12 },
    { place: "Technitz, Zschopau mouth", lat: 51.14, lon: 13.06 },
    { place: "Leisnig", lat: 51.158, lon: 12.93 },
    { place: "Sermuth, confluence of the two Mulden", lat: 51.166, lon: 12.8 },
    { place: "Grimma", lat: 51.238, lon: 12.725 },
    { place: "Trebsen", lat: 51.29, lon: 12.755 },
    { place: "Wurzen", lat: 51.37, lon: 12.74 },
    { place: "Eilenburg", lat: 51.46, lon: 12.635 },
    { place: "station DE-MULDE-BADDUEBEN (catalog)", lat: 51.59, lon: 12.59 },
    { place: "Muldestausee (Pouch)", lat: 51.63, lon: 12.4 },
    { place: "Jeßnitz", lat: 51.69, lon: 12.3 },
    { place: "Raguhn", lat: 51.71, lon: 12.27 },
    { place: "Dessau", lat: 51.83, lon: 12.25 },
    { place: "Dessau-Roßlau, Mulde mouth", lat: 51.87, lon: 12.24 },
  ],
  zschopau: [
    { place: "Wolkenstein", lat: 50.655, lon: 13.07 },
    { place: "Zschopau", lat: 50.75, lon: 13.07 },
    { place: "Flöha, Flöha mouth", lat: 50.856, lon: 13.07 },
    { place: "Frankenberg/Sa.", lat: 50.91, lon: 13.04 },
    { place: "Mittweida", lat: 50.985, lon: 12.98 },
    { place: "Kriebstein dam", lat: 51.04, lon: 13.01 },
    { place: "station DE-ZSCHOPAU-WALDHEIM (catalog)", lat: 51.067, lon: 13.017 },
    { place: "Technitz, mouth into the Freiberger Mulde", lat: 51.14, lon: 13.06 },
  ],
  // The Yangtze through central Chongqing, from Jiangjin to Changshou.
  yangtze: [
    { place: "Jiangjin", lat: 29.29, lon: 106.26 },
    { place: "Dadukou", lat: 29.48, lon: 106.48 },
    { place: "Lijiatuo bridge", lat: 29.5, lon: 106.53 },
    { place: "Caiyuanba bridge", lat: 29.55, lon: 106.56 },
    { place: "station CN-YANGTZE-CHAOTIANMEN (catalog), Jialing mouth", lat: 29.564, lon: 106.589 },
    { place: "station CN-YANGTZE-CUNTAN (catalog)", lat: 29.617, lon: 106.6 },
    { place: "Tangjiatuo", lat: 29.63, lon: 106.66 },
    { place: "Guojiatuo", lat: 29.6, lon: 106.73 },
    { place: "Mudong", lat: 29.58, lon: 106.84 },
    { place: "Luoqi", lat: 29.72, lon: 106.97 },
    { place: "Changshou", lat: 29.83, lon: 107.07 },
  ],
  // The Jialing from Hechuan through its lesser three gorges to its mouth at Chaotianmen.
  jialing: [
    { place: "Hechuan", lat: 29.99, lon: 106.27 },
    { place: "Caojie", lat: 29.98, lon: 106.36 },
    { place: "Wentang gorge", lat: 29.86, lon: 106.43 },
    { place: "station CN-JIALING-BEIBEI (catalog)", lat: 29.826, lon: 106.433 },
    { place: "Guanyin gorge", lat: 29.78, lon: 106.45 },
    { place: "Jingkou", lat: 29.66, lon: 106.43 },
    { place: "Ciqikou", lat: 29.58, lon: 106.45 },
    { place: "Qiansimen bridge", lat: 29.567, lon: 106.575 },
    { place: "station CN-YANGTZE-CHAOTIANMEN (catalog), Jialing mouth", lat: 29.564, lon: 106.589 },
  ],
};
