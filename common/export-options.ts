// The choices GET /api/v1/export offers: one list for the server's validation and the client's dialog.
export const EXPORT_FORMATS = ["csv", "ndjson", "json"] as const;
export const EXPORT_RESOLUTIONS = ["raw", "1m", "1h", "1d"] as const;
export const EXPORT_LAYOUTS = ["long", "wide"] as const;
export const EXPORT_TIME_ZONES = ["UTC", "station"] as const;
export const EXPORT_QC = ["all", "pass"] as const;
/** Further tables: "lab" adds the lab results of the stations, parameters and range (zip bundle only). */
export const EXPORT_INCLUDES = ["lab"] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportResolution = (typeof EXPORT_RESOLUTIONS)[number];
export type ExportLayout = (typeof EXPORT_LAYOUTS)[number];
export type ExportTimeZone = (typeof EXPORT_TIME_ZONES)[number];
export type ExportQcFilter = (typeof EXPORT_QC)[number];
export type ExportInclude = (typeof EXPORT_INCLUDES)[number];

/** How an export is written: the choices the dialog offers and the server validates. */
export interface ExportOptions {
  format: ExportFormat;
  resolution: ExportResolution;
  layout: ExportLayout;
  tz: ExportTimeZone;
  /** "pass": only readings flagged 1 (QARTOD pass); "all": every reading with its flag. */
  qc: ExportQcFilter;
  /** A zip with the data file and a Frictionless datapackage.json. */
  metadata: boolean;
  /** CSV only: a UTF-8 byte order mark, so Excel reads µ and umlauts right. */
  bom: boolean;
  /** Further tables in the bundle ("lab": the lab results); needs `metadata`. */
  include: readonly ExportInclude[];
}
