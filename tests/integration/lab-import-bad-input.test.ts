// Bad lab files over real HTTP and SQLite: every bad row is reported with its line and reason and
// nothing is imported unless only the valid rows are asked for; files that are no lab table are
// refused whole; an apply that fails half way leaves nothing behind; roles are enforced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabImportReport } from "../../common/lab.ts";
import { authHeaders } from "../helpers/auth.ts";
import { catalogWith } from "../helpers/catalog.ts";
import { getJson, importFile, labImport } from "../helpers/lab-client.ts";
import { failInserts } from "../helpers/test-meta.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const MAX_BYTES = 64 * 1024;
let system: TestSystem;
let researcher: Record<string, string>;
let viewer: Record<string, string>;

beforeAll(async () => {
  // The server's catalog knows one more synonym than the shipped one: imports must use the server's.
  const catalog = catalogWith((d) => d.parameters.find((p) => p.code === "diclofenac")!.synonyms.push("Voltaren-Wirkstoff"));
  system = await startTestSystem({ LAB_IMPORT_MAX_BYTES: String(MAX_BYTES) }, undefined, { catalogSeed: catalog.data });
  researcher = await authHeaders(system, "researcher");
  viewer = await authHeaders(system, "viewer");
});
afterAll(async () => {
  await system?.stop();
});

const HEADER = "station;sample_id;sample_type;sampling_start;sampling_end;compound;value;qualifier;loq;unit;laboratory";
const GOOD = "DE-ELBE-ZEHREN;ZE-1;time-proportional composite;04.03.2026 08:00;05.03.2026 08:00;Carbamazepin;0,125;;0,01;µg/L;BfUL";
const file = (...rows: string[]) => [HEADER, GOOD, ...rows].join("\n") + "\n";

async function storedCounts(): Promise<number[]> {
  const count = async (table: "lab_imports" | "lab_samples" | "lab_results" | "lab_sample_revisions" | "lab_result_revisions") =>
    Number((await system.meta.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  return [await count("lab_imports"), await count("lab_samples"), await count("lab_results"), await count("lab_sample_revisions"), await count("lab_result_revisions")];
}

describe("bad rows: reported with line and reason, nothing imported", () => {
  const cases: Array<[string, string, RegExp, string[]?]> = [
    ["an unknown station", "DE-ELBE-ZEHRN;ZE-2;grab;04.03.2026 08:00;;Diclofenac;0,1;;;µg/L;BfUL", /unknown station "DE-ELBE-ZEHRN"/, ["DE-ELBE-ZEHREN"]],
    ["an unknown compound", "DE-ELBE-ZEHREN;ZE-1;time-proportional composite;04.03.2026 08:00;05.03.2026 08:00;Diclofenak;0,1;;;µg/L;BfUL", /unknown compound "Diclofenak"/, ["diclofenac"]],
    ["a value with no unit", "DE-ELBE-ZEHREN;ZE-1;time-proportional composite;04.03.2026 08:00;05.03.2026 08:00;Diclofenac;0,1;;;;BfUL", /no unit/],
    ["a negative concentration", "DE-ELBE-ZEHREN;ZE-1;time-proportional composite;04.03.2026 08:00;05.03.2026 08:00;Diclofenac;-0,1;;;µg/L;BfUL", /negative concentration/],
    ["an LOQ of 0", "DE-ELBE-ZEHREN;ZE-1;time-proportional composite;04.03.2026 08:00;05.03.2026 08:00;Diclofenac;;<;0;µg/L;BfUL", /an LOQ of 0 is not a limit of quantification/],
    ["sampling end before start", "DE-ELBE-ZEHREN;ZE-3;time-proportional composite;05.03.2026 08:00;04.03.2026 08:00;Diclofenac;0,1;;;µg/L;BfUL", /sampling end .* is before the start/],
    ["a sample in the future", "DE-ELBE-ZEHREN;ZE-4;grab;01.01.2099 08:00;;Diclofenac;0,1;;;µg/L;BfUL", /is in the future/],
    ["a duplicate row", GOOD, /duplicate of line 2/],
    ["a unit that does not convert", "DE-ELBE-ZEHREN;ZE-1;time-proportional composite;04.03.2026 08:00;05.03.2026 08:00;Diclofenac;7;;;°C;BfUL", /°C does not convert to diclofenac's unit ng\/L/],
  ];

  it.each(cases)("%s", async (_what, badRow, reason, suggestions) => {
    const before = await storedCounts();
    const bytes = file(badRow);
    const preview = await labImport(system.url, researcher, { name: "bad.csv", bytes }, { dryRun: true });
    expect(preview.status).toBe(200);
    const report = preview.body as LabImportReport;
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ line: 3, reason: expect.stringMatching(reason) });
    if (suggestions) expect(report.rejected[0]!.suggestions).toEqual(expect.arrayContaining(suggestions));
    expect(report).toMatchObject({ needsOnlyValid: true, counts: { results: { added: 1, rejected: 1 } } });

    const applied = await labImport(system.url, researcher, { name: "bad.csv", bytes }, { previewToken: report.previewToken });
    expect(applied.status).toBe(422);
    expect(applied.body.error).toMatchObject({ code: "rows_rejected", details: [{ line: 3, message: expect.stringMatching(reason) }] });
    expect(applied.body.error.message).toMatch(/nothing was imported.*onlyValid=true/);
    expect(await storedCounts()).toEqual(before);
  });

  it("applies only the valid rows when asked to, and records that it did", async () => {
    const bytes = file("DE-ELBE-ZEHREN;ZE-5;grab;01.01.2099 08:00;;Diclofenac;0,1;;;µg/L;BfUL");
    const { preview, applied } = await importFile(system.url, researcher, { name: "partly.csv", bytes }, { onlyValid: true });
    expect(preview.body.rejected.map((r) => r.line)).toEqual([3]);
    expect(applied.status).toBe(201);
    expect(applied.body.import).toMatchObject({ onlyValid: true, counts: { results: { added: 1, rejected: 1 } } });
    const { body } = await getJson(system.url, "/api/v1/lab/results?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z", viewer);
    expect(body.results.map((r: { sample: { sampleId: string }; parameter: string }) => `${r.sample.sampleId} ${r.parameter}`)).toEqual(["ZE-1 carbamazepine"]);
  });

  it("refuses to apply a file with no valid row at all", async () => {
    const bytes = `${HEADER}\nDE-ELBE-ZEHRN;ZE-9;grab;04.03.2026 08:00;;Diclofenac;0,1;;;µg/L;BfUL\n`;
    const { applied } = await importFile(system.url, researcher, { name: "none.csv", bytes }, { onlyValid: true });
    expect(applied.status).toBe(422);
    expect(applied.body.error.code).toBe("nothing_to_import");
  });
});

describe("files that are no lab table", () => {
  it.each([
    ["a binary file named .csv", "data.csv", Uint8Array.from([0x00, 0x01, 0x02, 0xff, 0x10, 0x41]), 400, /named as CSV but is a binary file/],
    ["an XLSX workbook named .csv", "data.csv", Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), 400, /named as CSV but is a ZIP archive/],
    ["a broken XLSX workbook", "data.xlsx", Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), 400, /XLSX workbook cannot be read/],
    ["a Windows-1252 file", "data.csv", Uint8Array.from([...new TextEncoder().encode("station;Wert\nGr"), 0xfc, 0x6e, 0x3b, 0xb5, 0x67]), 400, /neither UTF-8 nor GB 18030/],
    ["a file without the required columns", "data.csv", new TextEncoder().encode("Farbe;Form\nrot;rund\n"), 400, /no column for station, sampleId, start, compound, value/],
    ["an empty file", "data.csv", new Uint8Array(0), 400, /no file/],
  ])("refuses %s", async (_what, name, bytes, status, message) => {
    const before = await storedCounts();
    const res = await labImport(system.url, researcher, { name, bytes }, { dryRun: true });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
    expect(await storedCounts()).toEqual(before);
  });

  it("refuses a file over LAB_IMPORT_MAX_BYTES with 413", async () => {
    const big = file(...Array.from({ length: 2_000 }, (_, i) => `DE-ELBE-ZEHREN;BIG-${i};grab;04.03.2026 08:00;;Diclofenac;0,1;;;µg/L;BfUL`));
    expect(big.length).toBeGreaterThan(MAX_BYTES);
    const res = await labImport(system.url, researcher, { name: "big.csv", bytes: big }, { dryRun: true });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: "payload_too_large", message: expect.stringMatching(String(MAX_BYTES)) });
  });

  it("refuses a form upload, and a mapping that is not JSON", async () => {
    const form = new FormData();
    form.append("file", new Blob([file()]), "a.csv");
    const res = await fetch(`${system.url}/api/v1/lab/imports?dryRun=true`, { method: "POST", headers: researcher, body: form });
    expect(res.status).toBe(415);
    const bad = await labImport(system.url, researcher, { name: "a.csv", bytes: file() }, { dryRun: true, mapping: "{columns:" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/mapping must be JSON/);
  });
});

describe("an apply that fails half way", () => {
  it("leaves nothing behind: no import record, sample, result or revision", async () => {
    // A constraint the checks do not know fires on the TOC result, after the import record and the
    // sample were written in the same transaction.
    const restore = await failInserts(system.meta, "lab_results", "test constraint", "NEW.parameter = 'toc'");
    try {
      const before = await storedCounts();
      const bytes = [
        HEADER,
        "DE-ZSCHOPAU-WALDHEIM;WA-1;grab;06.03.2026 09:00;;Diclofenac;0,1;;;µg/L;BfUL",
        "DE-ZSCHOPAU-WALDHEIM;WA-1;grab;06.03.2026 09:00;;Ibuprofen;0,3;;;µg/L;BfUL",
        "DE-ZSCHOPAU-WALDHEIM;WA-1;grab;06.03.2026 09:00;;TOC;4,2;;;mg/L;BfUL",
      ].join("\n");
      const { preview, applied } = await importFile(system.url, researcher, { name: "half.csv", bytes });
      expect(preview.body.counts.results.added).toBe(3);
      expect(applied.status).toBe(500);
      expect(await storedCounts()).toEqual(before);
      const { body } = await getJson(system.url, "/api/v1/lab/results?stations=DE-ZSCHOPAU-WALDHEIM&from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z", viewer);
      expect(body.results).toEqual([]);
    } finally {
      await restore();
    }
  });
});

describe("the server's catalog", () => {
  it("matches compounds against the catalog the server runs with, not the shipped one", async () => {
    const bytes = `${HEADER}\nDE-ELBE-ZEHREN;ZE-40;grab;07.03.2026 09:00;;Voltaren-Wirkstoff;0,1;;;µg/L;BfUL\n`;
    const preview = await labImport(system.url, researcher, { name: "synonym.csv", bytes }, { dryRun: true });
    expect(preview.body).toMatchObject({ rejected: [], counts: { results: { added: 1 } } });
  });
});

describe("roles", () => {
  it("viewers read results and the template but may not import; anonymous visitors may not import either", async () => {
    expect((await labImport(system.url, viewer, { name: "a.csv", bytes: file() }, { dryRun: true })).status).toBe(403);
    expect((await labImport(system.url, {}, { name: "a.csv", bytes: file() }, { dryRun: true })).status).toBe(401);
    expect((await getJson(system.url, "/api/v1/lab/results", viewer)).status).toBe(200);
    expect((await getJson(system.url, "/api/v1/lab/imports", viewer)).status).toBe(403);
    expect((await getJson(system.url, "/api/v1/lab/mapping-presets", viewer)).status).toBe(403);
  });

  it("checks the read API's query", async () => {
    const res = await getJson(system.url, "/api/v1/lab/results?stations=NOWHERE&parameters=gold&limit=999999&colour=red", viewer);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Unknown query parameter: colour/);
    const bad = await getJson(system.url, "/api/v1/lab/results?stations=NOWHERE&parameters=gold", viewer);
    expect(bad.body.error.message).toMatch(/unknown station "NOWHERE".*unknown parameter "gold"/);
    expect((await getJson(system.url, "/api/v1/lab/samples/999", viewer)).status).toBe(404);
  });
});
