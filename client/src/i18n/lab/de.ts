// German UI text of the lab results area. Every key of lab/en.ts must be present (the type enforces it).
import type { LabMessages } from "./en.ts";

export const labDe: LabMessages = {
  "export.includeLab": "Laborergebnisse beifügen (nur ZIP)",
  "export.includeLabHint": "Fügt die Laborergebnisse dieser Messstellen, Stoffe und Zeiten als zweite Tabelle in die ZIP-Datei ein, beschrieben in datapackage.json",
};
