// English UI text of the lab results area (import, history, chart overlays, sensor validation),
// spread into en.ts; lab/de.ts and lab/zh.ts must define every key.
export const labEn = {
  "export.includeLab": "Include lab results (zip only)",
  "export.includeLabHint": "Adds the lab results of these stations, compounds and times as a second table in the zip, described in datapackage.json",
} as const;

export type LabMessages = Record<keyof typeof labEn, string>;
