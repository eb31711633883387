// Simplified Chinese UI text of the lab results area. Every key of lab/en.ts must be present (the type enforces it).
import type { LabMessages } from "./en.ts";

export const labZh: LabMessages = {
  "export.includeLab": "包含实验室结果（仅 ZIP）",
  "export.includeLabHint": "将这些站点、化合物和时段的实验室结果作为第二张表加入 ZIP，并在 datapackage.json 中说明",
};
