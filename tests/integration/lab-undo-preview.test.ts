// What the Lab results page shows before it acts: the undo preview (what undoing an import would
// retract and restore, refused like the undo itself), and a refused file's columns as error details,
// so the mapping editor can offer them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabUndoPreview } from "../../common/lab.ts";
import { LAB_FILE_COLUMNS_PATH } from "../../common/lab.ts";
import { authHeaders } from "../helpers/auth.ts";
import { getJson, importFile, labImport, sendJson } from "../helpers/lab-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem;
let researcher: Record<string, string>;

const HEADER = "station,sample_id,sample_type,sampling_start,sampling_end,compound,value,qualifier,loq,unit,uncertainty,laboratory";
const file = (cbz: string) =>
  [
    HEADER,
    `DE-ELBE-ZEHREN,U-1,grab,2026-09-01T10:00Z,,carbamazepine,${cbz},,1,ng/L,,Testlabor`,
    "DE-ELBE-ZEHREN,U-1,grab,2026-09-01T10:00Z,,ethinylestradiol,,<,0.05,ng/L,,Testlabor",
  ].join("\n");

beforeAll(async () => {
  system = await startTestSystem();
  researcher = await authHeaders(system, "researcher");
});
afterAll(async () => {
  await system?.stop();
});

const preview = (id: number) => getJson(system.url, `/api/v1/lab/imports/${id}/undo-preview`, researcher);

describe("undo preview", () => {
  it("lists what undoing would retract (an import that added) and restore (one that changed), changing nothing", async () => {
    const first = await importFile(system.url, researcher, { name: "a.csv", bytes: file("100") });
    const second = await importFile(system.url, researcher, { name: "b.csv", bytes: file("120") });
    const firstId = first.applied.body.import.id as number;
    const secondId = second.applied.body.import.id as number;

    const ofSecond = await preview(secondId);
    expect(ofSecond.status).toBe(200);
    expect(ofSecond.body as LabUndoPreview).toMatchObject({
      import: { id: secondId, fileName: "b.csv" },
      retracted: { samples: 0, results: 0 },
      restored: { samples: 0, results: 1 },
      results: [{ laboratory: "Testlabor", sampleId: "U-1", station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", unit: "ng/L", current: { value: 120, qualifier: null }, after: { value: 100, qualifier: null } }],
    });
    // The preview is the undo's plan: it is refused where the undo would be.
    const blocked = await preview(firstId);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toMatch(/revised since by import #\d+.*undo that import first/);

    // Nothing changed: the undo does what the preview said.
    const undo = await sendJson(system.url, "POST", `/api/v1/lab/imports/${secondId}/undo`, researcher, {});
    expect(undo.body).toMatchObject({ retracted: ofSecond.body.retracted, restored: ofSecond.body.restored });

    const ofFirst = await preview(firstId);
    expect(ofFirst.body).toMatchObject({
      retracted: { samples: 1, results: 2 },
      restored: { samples: 0, results: 0 },
      results: [
        { parameter: "carbamazepine", current: { value: 100 }, after: null },
        { parameter: "ethinylestradiol", current: { value: null, qualifier: "<LOQ", loq: 0.05 }, after: null },
      ],
    });
    expect((await preview(secondId)).status).toBe(409);
    expect((await preview(999_999)).status).toBe(404);
  });
});

describe("a file without the columns the import needs", () => {
  it("is refused with its own columns listed as details, for the mapping editor", async () => {
    const res = await labImport(system.url, researcher, { name: "eigen.csv", bytes: "Ort;Nr;Datum;Stoff;Ergebnis\nZehren;1;01.09.2026;CBZ;5\n" }, { dryRun: true });
    expect(res.status).toBe(400);
    const details = res.body.error.details as Array<{ path: string; index?: number; message: string }>;
    expect(details.filter((d) => d.path === LAB_FILE_COLUMNS_PATH)).toEqual([
      { path: LAB_FILE_COLUMNS_PATH, index: 0, message: "Ort" },
      { path: LAB_FILE_COLUMNS_PATH, index: 1, message: "Nr" },
      { path: LAB_FILE_COLUMNS_PATH, index: 2, message: "Datum" },
      { path: LAB_FILE_COLUMNS_PATH, index: 3, message: "Stoff" },
      { path: LAB_FILE_COLUMNS_PATH, index: 4, message: "Ergebnis" },
    ]);
    // "Stoff" and "Ergebnis" are known German headers; the others are not.
    expect(details.find((d) => d.path === "mapping")!.message).toMatch(/no column for station, sampleId, start, laboratory/);
    // With a mapping naming those columns the same file is read.
    const mapping = { columns: { station: "Ort", sampleId: "Nr", start: "Datum", compound: "Stoff", value: "Ergebnis" }, defaults: { laboratory: "L", unit: "ng/L", kind: "grab" } };
    const mapped = await labImport(system.url, researcher, { name: "eigen.csv", bytes: "Ort;Nr;Datum;Stoff;Ergebnis\nZehren;1;01.09.2026;CBZ;5\n" }, { dryRun: true, mapping });
    expect(mapped.status).toBe(200);
    expect(mapped.body.counts.results.added).toBe(1);
  });
});
