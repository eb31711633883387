// Lab results end to end over real HTTP, SQLite and socket.io: German and Chinese (GB 18030) CSV
// files and an XLSX workbook, dry run before apply, revisions on re-import, identical re-imports,
// undo, the read API, mapping presets, the template and the live event.
import iconv from "iconv-lite";
import writeXlsxFile from "write-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabImportReport, LabResultInfo, LabResultsChanged, LabSampleResponse } from "../../common/lab.ts";
import { authHeaders, createUser, type TestUser } from "../helpers/auth.ts";
import { getJson, importFile, labImport, sendJson } from "../helpers/lab-client.ts";
import { connectLive, type LiveClient } from "../helpers/live-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem;
let researcher: Record<string, string>;
let viewer: Record<string, string>;
let socket: LiveClient;
const events: LabResultsChanged[] = [];

beforeAll(async () => {
  system = await startTestSystem();
  researcher = await authHeaders(system, "researcher");
  viewer = await authHeaders(system, "viewer");
  socket = await connectLive(system.url);
  socket.on("labResults", (e) => events.push(e));
});
afterAll(async () => {
  socket?.close();
  await system?.stop();
});

async function tokenHeaders(user: TestUser): Promise<Record<string, string>> {
  const { token } = await system.auth.apiTokens.create(user.id, "test", user.role, null);
  return { authorization: `Bearer ${token}` };
}

async function nextEvent(): Promise<LabResultsChanged> {
  const seen = events.length;
  const deadline = Date.now() + 5_000;
  while (events.length === seen) {
    if (Date.now() > deadline) throw new Error("no labResults event");
    await new Promise((r) => setTimeout(r, 10));
  }
  return events[seen]!;
}

async function results(query: string): Promise<LabResultInfo[]> {
  const { status, body } = await getJson(system.url, `/api/v1/lab/results?${query}`, viewer);
  expect(status).toBe(200);
  return body.results;
}

const GERMAN_HEADER = "Messstelle;Proben-Nr.;Probenart;Probenahme Beginn;Probenahme Ende;Parameter;Wert;BG;Einheit;Messunsicherheit;Labor;Verfahren;Analysendatum";
const germanCsv = (carbamazepine: string) =>
  [
    GERMAN_HEADER,
    `Zehren;ZE-2026-031;zeitproportionale Mischprobe;04.03.2026 08:00;05.03.2026 08:00;Carbamazepin;${carbamazepine};0,01;µg/L;15 %;BfUL Labor;LC-MS/MS, DIN 38407-47;10.03.2026`,
    "Zehren;ZE-2026-031;zeitproportionale Mischprobe;04.03.2026 08:00;05.03.2026 08:00;15307-86-5;0,082;0,01;µg/L;20 %;BfUL Labor;LC-MS/MS, DIN 38407-47;10.03.2026",
    "Zehren;ZE-2026-031;zeitproportionale Mischprobe;04.03.2026 08:00;05.03.2026 08:00;Sulfamethoxazol;<0,01;0,01;µg/L;;BfUL Labor;LC-MS/MS, DIN 38407-47;10.03.2026",
    "DE-ELBE-SCHMILKA;SCH-2026-007;Stichprobe;05.03.2026 10:15;;298-46-4;0,064;0,01;µg/L;15 %;BfUL Labor;LC-MS/MS, DIN 38407-47;11.03.2026",
  ].join("\r\n") + "\r\n";
const MARCH = "from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z";

describe("a German lab file: dry run, apply, revisions and undo", () => {
  let sampleId = 0;

  it("the dry run reports what would be added and stores nothing", async () => {
    const preview = await labImport(system.url, researcher, { name: "BfUL-März-2026.csv", bytes: germanCsv("0,125") }, { dryRun: true });
    expect(preview.status).toBe(200);
    const report = preview.body as LabImportReport;
    expect(report).toMatchObject({
      dryRun: true,
      file: { name: "BfUL-März-2026.csv", format: "csv", encoding: "utf-8", delimiter: ";", rows: 4 },
      counts: { samples: { added: 2, changed: 0, unchanged: 0 }, results: { added: 4, changed: 0, unchanged: 0, rejected: 0 } },
      rejected: [],
      needsOnlyValid: false,
    });
    expect(report.columns).toMatchObject({ station: "Messstelle", sampleId: "Proben-Nr.", loq: "BG", uncertainty: "Messunsicherheit" });
    expect(await results(MARCH)).toEqual([]);
    expect((await getJson(system.url, "/api/v1/lab/imports", researcher)).body.imports).toEqual([]);
  });

  it("applying needs the dry run's token", async () => {
    const res = await labImport(system.url, researcher, { name: "a.csv", bytes: germanCsv("0,125") }, { dryRun: false });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/needs the previewToken of its dry run/);
    const forged = await labImport(system.url, researcher, { name: "a.csv", bytes: germanCsv("0,125") }, { previewToken: "A".repeat(43) });
    expect(forged.status).toBe(409);
  });

  it("applies: values in the parameter's unit, <LOQ with its LOQ, times at the station, and a live event", async () => {
    const eventSeen = nextEvent();
    const { applied } = await importFile(system.url, researcher, { name: "BfUL-März-2026.csv", bytes: germanCsv("0,125") });
    expect(applied.status).toBe(201);
    expect(applied.body.import).toMatchObject({ id: 1, fileName: "BfUL-März-2026.csv", importedBy: expect.stringMatching(/^researcher-/), counts: { results: { added: 4 } } });
    expect(applied.body.import.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await eventSeen).toEqual({
      importId: 1,
      action: "applied",
      stations: ["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN"],
      parameters: ["carbamazepine", "diclofenac", "sulfamethoxazole"],
      from: Date.parse("2026-03-04T07:00:00Z"),
      to: Date.parse("2026-03-05T09:15:00Z"),
    });

    const all = await results(`stations=DE-ELBE-ZEHREN,DE-ELBE-SCHMILKA&${MARCH}`);
    const byKey = Object.fromEntries(all.map((r) => [`${r.sample.sampleId} ${r.parameter}`, r]));
    expect(byKey["ZE-2026-031 carbamazepine"]).toMatchObject({
      value: 125,
      qualifier: null,
      loq: 10,
      unit: "ng/L",
      uncertainty: { kind: "relative", value: 15 },
      reported: { value: 0.125, loq: 0.01, unit: "µg/L" },
      analysedAt: Date.parse("2026-03-09T23:00:00Z"),
      revision: 1,
      importId: 1,
      sample: {
        laboratory: "BfUL Labor",
        station: "DE-ELBE-ZEHREN",
        kind: "time-proportional composite",
        start: Date.parse("2026-03-04T07:00:00Z"),
        end: Date.parse("2026-03-05T07:00:00Z"),
        method: "LC-MS/MS, DIN 38407-47",
      },
    });
    expect(byKey["ZE-2026-031 diclofenac"]).toMatchObject({ value: 82 });
    expect(byKey["ZE-2026-031 sulfamethoxazole"]).toMatchObject({ value: null, qualifier: "<LOQ", loq: 10 });
    expect(byKey["SCH-2026-007 carbamazepine"]).toMatchObject({ value: 64, sample: { kind: "grab", start: Date.parse("2026-03-05T09:15:00Z"), end: Date.parse("2026-03-05T09:15:00Z") } });
    sampleId = byKey["ZE-2026-031 carbamazepine"]!.sample.id;

    // Filters: station, parameter, period.
    expect((await results(`stations=DE-ELBE-SCHMILKA&${MARCH}`)).map((r) => r.sample.sampleId)).toEqual(["SCH-2026-007"]);
    expect((await results(`parameters=diclofenac&${MARCH}`)).map((r) => r.parameter)).toEqual(["diclofenac"]);
    expect(await results("from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z")).toEqual([]);
    const limited = await getJson(system.url, `/api/v1/lab/results?limit=2&${MARCH}`, viewer);
    expect(limited.body).toMatchObject({ truncated: true, results: [{}, {}] });
  });

  it("a re-import with a different value makes a new revision; the old one stays in the history", async () => {
    const { preview, applied } = await importFile(system.url, researcher, { name: "BfUL-März-2026-korrigiert.csv", bytes: germanCsv("0,130") }, { note: "Nachmessung" });
    expect(preview.body.counts).toEqual({ samples: { added: 0, changed: 0, unchanged: 2 }, results: { added: 0, changed: 1, unchanged: 3, rejected: 0 } });
    expect(preview.body.resultChanges).toEqual([
      { line: 2, laboratory: "BfUL Labor", sampleId: "ZE-2026-031", parameter: "carbamazepine", changes: { value: { old: 125, new: 130 }, reportedValue: { old: 0.125, new: 0.13 } } },
    ]);
    expect(applied.status).toBe(201);
    expect(applied.body.import.id).toBe(2);

    const current = (await results(`parameters=carbamazepine&stations=DE-ELBE-ZEHREN&${MARCH}`))[0]!;
    expect(current).toMatchObject({ value: 130, revision: 2, importId: 2 });
    const { body } = await getJson(system.url, `/api/v1/lab/samples/${sampleId}`, viewer);
    const history = (body as LabSampleResponse).results.find((r) => r.parameter === "carbamazepine")!.history;
    expect(history.map((h) => [h.revision, h.value, h.action, h.importId, h.reason])).toEqual([
      [1, 125, "import", 1, "import #1 of BfUL-März-2026.csv"],
      [2, 130, "import", 2, "import #2 of BfUL-März-2026-korrigiert.csv: Nachmessung"],
    ]);
    expect(history[1]!.recordedBy).toMatch(/^researcher-/);
  });

  it("an identical re-import changes nothing, and the dry run says so", async () => {
    const before = await results(MARCH);
    const { preview, applied } = await importFile(system.url, researcher, { name: "again.csv", bytes: germanCsv("0,130") });
    expect(preview.body.counts).toEqual({ samples: { added: 0, changed: 0, unchanged: 2 }, results: { added: 0, changed: 0, unchanged: 4, rejected: 0 } });
    expect(applied.status).toBe(201);
    expect(applied.body.import.counts.results.unchanged).toBe(4);
    expect(await results(MARCH)).toEqual(before);
  });

  it("undo refuses an import whose results were revised later, and undoes newest first", async () => {
    const blocked = await sendJson(system.url, "POST", "/api/v1/lab/imports/1/undo", researcher, {});
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toMatch(/revised since by import #2.*undo that import first/);

    const eventSeen = nextEvent();
    const undo2 = await sendJson(system.url, "POST", "/api/v1/lab/imports/2/undo", researcher, { reason: "Nachmessung war falsch" });
    expect(undo2.status).toBe(200);
    expect(undo2.body).toMatchObject({ retracted: { samples: 0, results: 0 }, restored: { samples: 0, results: 1 }, import: { id: 2, undoReason: "Nachmessung war falsch" } });
    expect(await eventSeen).toMatchObject({ importId: 2, action: "undone", stations: ["DE-ELBE-ZEHREN"], parameters: ["carbamazepine"] });
    expect((await results(`parameters=carbamazepine&stations=DE-ELBE-ZEHREN&${MARCH}`))[0]).toMatchObject({ value: 125, revision: 3, importId: 1 });

    const undo1 = await sendJson(system.url, "POST", "/api/v1/lab/imports/1/undo", researcher, {});
    expect(undo1.status).toBe(200);
    expect(undo1.body).toMatchObject({ retracted: { samples: 2, results: 4 }, restored: { samples: 0, results: 0 } });
    expect(await results(MARCH)).toEqual([]);

    // History is never deleted: every state is still there, the retraction last.
    const { body } = await getJson(system.url, `/api/v1/lab/samples/${sampleId}`, viewer);
    const sample = body as LabSampleResponse;
    expect(sample.sample).toMatchObject({ retracted: true, revision: 2 });
    const history = sample.results.find((r) => r.parameter === "carbamazepine")!.history;
    expect(history.map((h) => [h.revision, h.value, h.retracted, h.action, h.importId])).toEqual([
      [1, 125, false, "import", 1],
      [2, 130, false, "import", 2],
      [3, 125, false, "undo", 2],
      [4, 125, true, "undo", 1],
    ]);
    expect(history[2]!.reason).toBe("undo of import #2: Nachmessung war falsch");

    const again = await sendJson(system.url, "POST", "/api/v1/lab/imports/1/undo", researcher, {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already undone/);
    const list = (await getJson(system.url, "/api/v1/lab/imports", researcher)).body.imports;
    expect(list.map((i: { id: number; undoneAt: number | null }) => [i.id, i.undoneAt !== null])).toEqual([[3, false], [2, true], [1, true]]);
  });

  it("importing the file again after the undo adds its results back as new revisions", async () => {
    const { preview, applied } = await importFile(system.url, researcher, { name: "BfUL-März-2026.csv", bytes: germanCsv("0,125") });
    expect(preview.body.counts.results).toMatchObject({ added: 4, changed: 0 });
    expect(applied.status).toBe(201);
    expect((await results(`parameters=carbamazepine&stations=DE-ELBE-ZEHREN&${MARCH}`))[0]).toMatchObject({ value: 125, revision: 5 });
  });

  it("only the importer or an admin may undo", async () => {
    const other = await authHeaders(system, "researcher");
    const res = await sendJson(system.url, "POST", "/api/v1/lab/imports/4/undo", other, {});
    expect(res.status).toBe(403);
  });

  it("an account deleted and re-created under the same name may not undo the old account's imports", async () => {
    const first = await createUser(system, "researcher", "lab-rotation");
    const firstHeaders = await tokenHeaders(first);
    const csv = "station;sample_id;sampling_start;compound;value;unit;laboratory\nDE-ELBE-ZEHREN;ROT-1;21.03.2026 10:00;Ibuprofen;0,2;µg/L;BfUL Labor\n";
    const id = (await importFile(system.url, firstHeaders, { name: "rotation.csv", bytes: csv })).applied.body.import.id as number;
    expect(await system.auth.users.delete(first.id)).toBe(true);

    const namesake = await createUser(system, "researcher", "lab-rotation");
    const res = await sendJson(system.url, "POST", `/api/v1/lab/imports/${id}/undo`, await tokenHeaders(namesake), {});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/only that account or an admin/);
    // The import stands; an admin may still undo it.
    expect((await sendJson(system.url, "POST", `/api/v1/lab/imports/${id}/undo`, await authHeaders(system, "admin"), {})).status).toBe(200);
  });
});

describe("undo of an import whose sample has gained results from a later import", () => {
  const csv = (compound: string) => `station;sample_id;sampling_start;compound;value;unit;laboratory\nDE-ELBE-DOMMITZSCH;DO-77;20.03.2026 10:00;${compound};0,5;µg/L;BfUL Labor\n`;

  it("refuses until the later import is undone, then retracts the sample", async () => {
    const first = (await importFile(system.url, researcher, { name: "do-77-a.csv", bytes: csv("Ibuprofen") })).applied.body.import.id as number;
    const second = await importFile(system.url, researcher, { name: "do-77-b.csv", bytes: csv("Metoprolol") });
    expect(second.preview.body.counts).toMatchObject({ samples: { unchanged: 1 }, results: { added: 1 } });
    const secondId = second.applied.body.import.id as number;

    const blocked = await sendJson(system.url, "POST", `/api/v1/lab/imports/${first}/undo`, researcher, {});
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toContain(`import #${secondId}`);
    expect((await sendJson(system.url, "POST", `/api/v1/lab/imports/${secondId}/undo`, researcher, {})).body).toMatchObject({ retracted: { samples: 0, results: 1 } });
    expect((await sendJson(system.url, "POST", `/api/v1/lab/imports/${first}/undo`, researcher, {})).body).toMatchObject({ retracted: { samples: 1, results: 1 } });
    expect(await results(`stations=DE-ELBE-DOMMITZSCH&from=2026-03-20T00:00:00Z&to=2026-03-21T00:00:00Z`)).toEqual([]);
  });
});

describe("other formats", () => {
  it("imports a GB 18030 file with Chinese headers and compound names, at the station's time zone", async () => {
    const text = [
      "站点,样品编号,采样类型,采样时间,化合物,结果,单位,实验室",
      "CN-JIALING-BEIBEI,CQ-0315-07,瞬时水样,2026/03/15 09:30,卡马西平,35.2,ng/L,重庆大学实验室",
      "CN-JIALING-BEIBEI,CQ-0315-07,瞬时水样,2026/03/15 09:30,磺胺甲噁唑,12,ng/L,重庆大学实验室",
      "北碚,CQ-0315-08,瞬时水样,2026/03/16 10:00,双氯芬酸,<5,ng/L,重庆大学实验室",
    ].join("\n");
    const bytes = iconv.encode(text, "gb18030");
    const { preview, applied } = await importFile(system.url, researcher, { name: "重庆-2026-03.csv", bytes });
    expect(preview.body.file).toMatchObject({ encoding: "gb18030", delimiter: ",", rows: 3 });
    expect(applied.status).toBe(201);
    const found = await results(`stations=CN-JIALING-BEIBEI&${MARCH}`);
    expect(found.map((r) => [r.sample.sampleId, r.parameter, r.value, r.qualifier, r.loq, r.sample.laboratory, r.sample.start])).toEqual([
      ["CQ-0315-07", "carbamazepine", 35.2, null, null, "重庆大学实验室", Date.parse("2026-03-15T01:30:00Z")],
      ["CQ-0315-07", "sulfamethoxazole", 12, null, null, "重庆大学实验室", Date.parse("2026-03-15T01:30:00Z")],
      ["CQ-0315-08", "diclofenac", null, "<LOQ", 5, "重庆大学实验室", Date.parse("2026-03-16T02:00:00Z")],
    ]);
  });

  it("imports an XLSX workbook with date and number cells from a named sheet", async () => {
    const head = ["station", "sample_id", "sample_type", "sampling_start", "sampling_end", "compound", "value", "qualifier", "loq", "unit", "laboratory"].map((value) => ({ value }));
    const date = (iso: string) => ({ value: new Date(iso), format: "dd.mm.yyyy hh:mm" });
    const row = (compound: string, value: number | null, qualifier: string | null) => [
      { value: "DE-MULDE-BADDUEBEN" }, { value: "BD-11" }, { value: "flow-proportional composite" },
      // Wall-clock times as the sheet shows them (a date cell has no zone).
      date("2026-03-10T06:00:00Z"), date("2026-03-11T06:00:00Z"),
      { value: compound }, { value }, { value: qualifier }, { value: 0.005 }, { value: "µg/L" }, { value: "KSI Meinsberg" },
    ];
    const bytes = await writeXlsxFile([{ sheet: "Info", data: [[{ value: "nothing here" }]] }, { sheet: "Ergebnisse", data: [head, row("Ibuprofen", 0.21, null), row("Diclofenac", null, "<")] }] as never).toBuffer();
    const { preview, applied } = await importFile(system.url, researcher, { name: "Mulde.xlsx", bytes }, { mapping: { sheet: "Ergebnisse" } });
    expect(preview.body.file).toMatchObject({ format: "xlsx", encoding: null, rows: 2 });
    expect(applied.status).toBe(201);
    const found = await results(`stations=DE-MULDE-BADDUEBEN&${MARCH}`);
    expect(found.map((r) => [r.parameter, r.value, r.qualifier, r.loq, r.sample.kind, r.sample.start, r.sample.end])).toEqual([
      ["diclofenac", null, "<LOQ", 5, "flow-proportional composite", Date.parse("2026-03-10T05:00:00Z"), Date.parse("2026-03-11T05:00:00Z")],
      ["ibuprofen", 210, null, 5, "flow-proportional composite", Date.parse("2026-03-10T05:00:00Z"), Date.parse("2026-03-11T05:00:00Z")],
    ]);
  });
});

describe("mapping presets and the template", () => {
  it("saves a mapping as a named preset, imports with it, renames and deletes it", async () => {
    const mapping = { columns: { station: "Ort", sampleId: "Nr", start: "Datum", compound: "Analyt", value: "Ergebnis" }, defaults: { laboratory: "Labor Dresden", unit: "ng/L" } };
    const created = await sendJson(system.url, "POST", "/api/v1/lab/mapping-presets", researcher, { name: "Labor Dresden", mapping });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Labor Dresden", mapping: { ...mapping, delimiter: "auto", decimal: "auto" } });
    const duplicate = await sendJson(system.url, "POST", "/api/v1/lab/mapping-presets", researcher, { name: "labor dresden", mapping });
    expect(duplicate.status).toBe(409);
    const bad = await sendJson(system.url, "POST", "/api/v1/lab/mapping-presets", researcher, { name: "x", mapping: { columns: { colour: "Farbe" } } });
    expect(bad.status).toBe(400);

    const file = "Ort;Nr;Datum;Analyt;Ergebnis\nDommitzsch;DO-1;12.03.2026 09:00;Venlafaxin;41\n";
    const { applied } = await importFile(system.url, researcher, { name: "dresden.csv", bytes: file }, { preset: "Labor Dresden" });
    expect(applied.status).toBe(201);
    expect(applied.body.import).toMatchObject({ preset: "Labor Dresden", mapping: { defaults: { laboratory: "Labor Dresden" } } });
    expect((await results(`stations=DE-ELBE-DOMMITZSCH&${MARCH}`))[0]).toMatchObject({ parameter: "venlafaxine", value: 41, sample: { laboratory: "Labor Dresden", kind: "grab" } });

    const renamed = await sendJson(system.url, "PATCH", `/api/v1/lab/mapping-presets/${created.body.id}`, researcher, { name: "Labor Dresden (alt)" });
    expect(renamed.body.name).toBe("Labor Dresden (alt)");
    expect((await getJson(system.url, "/api/v1/lab/mapping-presets", researcher)).body.presets.map((p: { name: string }) => p.name)).toEqual(["Labor Dresden (alt)"]);
    expect((await sendJson(system.url, "DELETE", `/api/v1/lab/mapping-presets/${created.body.id}`, researcher)).status).toBe(204);
    const gone = await labImport(system.url, researcher, { name: "dresden.csv", bytes: file }, { preset: "Labor Dresden" });
    expect(gone.status).toBe(404);
  });

  it("serves a template whose comments explain the columns and whose header imports as is", async () => {
    const res = await fetch(`${system.url}/api/v1/lab/template`, { headers: viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const text = await res.text();
    expect(text).toMatch(/A time WITHOUT an offset is the station's local time/);
    expect(text).toMatch(/DE-ELBE-ZEHREN \(Europe\/Berlin\)/);
    const header = text.split("\r\n").find((line) => !line.startsWith("#") && !line.startsWith("\uFEFF#"));
    expect(header).toBe("station,sample_id,sample_type,sampling_start,sampling_end,compound,value,qualifier,loq,unit,uncertainty,laboratory,method,analysis_date,remarks,lab_flag");
    // Its examples are comments: uncommented, they import; as shipped, nothing does.
    const preview = await labImport(system.url, researcher, { name: "template.csv", bytes: text }, { dryRun: true });
    expect(preview.body).toMatchObject({ file: { rows: 0 }, counts: { results: { added: 0, rejected: 0 } } });
    expect(Object.keys(preview.body.columns)).toHaveLength(16);
    const examples = text.replace(/^# (DE-|CN-)/gm, "$1");
    const filled = await labImport(system.url, researcher, { name: "template.csv", bytes: examples }, { dryRun: true });
    expect(filled.body.counts.results).toMatchObject({ added: 3, rejected: 0 });

    const german = await fetch(`${system.url}/api/v1/lab/template?delimiter=semicolon`, { headers: viewer });
    const germanText = (await german.text()).replace(/^# (DE-|CN-)/gm, "$1");
    const germanPreview = await labImport(system.url, researcher, { name: "vorlage.csv", bytes: germanText }, { dryRun: true });
    expect(germanPreview.body).toMatchObject({ file: { delimiter: ";" }, counts: { results: { added: 3, rejected: 0 } } });
  });
});
