// include=lab on GET /api/v1/export: the lab results of the exported stations, parameters and range as
// a second table in the bundle, described in datapackage.json, parsing back to what the read API
// answers; refused (400, saying to use the bundle) without metadata=1.
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabResultInfo } from "../../common/lab.ts";
import { authHeaders } from "../helpers/auth.ts";
import { testReading } from "../helpers/catalog.ts";
import { getJson, importFile } from "../helpers/lab-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const DAY = 86_400_000;
const ZEHREN = "DE-ELBE-ZEHREN";
const CUNTAN = "CN-YANGTZE-CUNTAN";
const FROM = Date.UTC(2026, 9, 1);
const TO = Date.UTC(2026, 10, 1);

let system: TestSystem;
let researcher: Record<string, string>;
let stored: LabResultInfo[];

const LAB_FILE = [
  "station;sample_id;sample_type;sampling_start;sampling_end;compound;value;qualifier;loq;unit;uncertainty;laboratory;method;analysis_date;remarks",
  "DE-ELBE-ZEHREN;ZE-10;time-proportional composite;06.10.2026 08:00;07.10.2026 08:00;carbamazepine;0,131;;0,001;µg/L;15 %;BfUL Labor;LC-MS/MS, DIN 38407-47;12.10.2026;",
  "DE-ELBE-ZEHREN;ZE-10;time-proportional composite;06.10.2026 08:00;07.10.2026 08:00;ethinylestradiol;;<;0,05;ng/L;;BfUL Labor;LC-MS/MS, DIN 38407-47;12.10.2026;",
  "DE-ELBE-ZEHREN;ZE-11;grab;20.10.2026 10:30;;carbamazepine;118;;1;ng/L;12;BfUL Labor;LC-MS/MS, DIN 38407-47;;nach Regen",
  "CN-YANGTZE-CUNTAN;CT-3;grab;15.10.2026 09:00;;carbamazepine;44;;5;ng/L;20 %;Chongqing University lab;LC-MS/MS;;",
  // Outside the exported range, and a compound that is not exported: neither is in the bundle.
  "DE-ELBE-ZEHREN;ZE-12;grab;05.11.2026 10:00;;carbamazepine;99;;1;ng/L;;BfUL Labor;LC-MS/MS;;",
  "DE-ELBE-ZEHREN;ZE-10;time-proportional composite;06.10.2026 08:00;07.10.2026 08:00;diclofenac;0,082;;0,01;µg/L;20 %;BfUL Labor;LC-MS/MS, DIN 38407-47;12.10.2026;",
].join("\r\n");

beforeAll(async () => {
  system = await startTestSystem();
  researcher = await authHeaders(system, "researcher");
  await system.store.writeReadings(
    Array.from({ length: 48 }, (_, i) => testReading({ station: ZEHREN, parameter: "carbamazepine", time: FROM + 5 * DAY + i * 600_000, value: 120 + i })),
  );
  const { applied } = await importFile(system.url, researcher, { name: "oktober.csv", bytes: LAB_FILE });
  expect(applied.status).toBe(201);
  const res = await getJson(system.url, `/api/v1/lab/results?stations=${ZEHREN},${CUNTAN}&parameters=carbamazepine,ethinylestradiol&from=${FROM}&to=${TO}`, researcher);
  stored = res.body.results;
  expect(stored).toHaveLength(4);
});
afterAll(async () => {
  await system?.stop();
});

function exportUrl(params: Record<string, string>): string {
  const q = new URLSearchParams({ stations: `${ZEHREN},${CUNTAN}`, parameters: "carbamazepine,ethinylestradiol", from: String(FROM), to: String(TO), ...params });
  return `${system.url}/api/v1/export?${q}`;
}

async function bundle(params: Record<string, string>): Promise<Record<string, Uint8Array>> {
  const res = await fetch(exportUrl({ metadata: "1", include: "lab", ...params }), { headers: researcher });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/zip");
  return unzipSync(new Uint8Array(await res.arrayBuffer()));
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes!);

describe("include=lab in the bundle", () => {
  it("adds the lab results as their own CSV file and resource, round-tripping the read API", async () => {
    const files = await bundle({});
    const names = Object.keys(files).sort();
    expect(names).toHaveLength(3);
    const labName = names.find((n) => n.endsWith("_lab-results.csv"))!;
    expect(labName).toBeDefined();
    const pkg = JSON.parse(text(files["datapackage.json"]));
    expect(pkg.resources.map((r: { name: string }) => r.name)).toEqual(["readings", "lab_results"]);
    const resource = pkg.resources[1];
    expect(resource).toMatchObject({ path: labName, profile: "tabular-data-resource", format: "csv", mediatype: "text/csv", water_monitor_rows: 4 });
    expect(resource.bytes).toBe(files[labName]!.length);
    expect(resource.hash).toBe(`sha256:${createHash("sha256").update(files[labName]!).digest("hex")}`);
    const fields = resource.schema.fields as Array<{ name: string; description: string; constraints?: unknown }>;
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(["sample_id", "sampling_start", "sampling_end", "value", "unit", "qualifier", "loq", "uncertainty", "uncertainty_kind"]));
    expect(fields.find((f) => f.name === "qualifier")!.constraints).toEqual({ enum: ["<LOQ"] });
    expect(fields.find((f) => f.name === "uncertainty")!.description).toMatch(/k = 2/);
    expect(pkg.water_monitor.lab_results).toMatchObject({
      resource: "lab_results",
      loq: expect.stringMatching(/limit of quantification/),
      uncertainty: expect.stringMatching(/k = 2/),
      laboratories: ["BfUL Labor", "Chongqing University lab"],
    });
    expect(pkg.water_monitor.query.include).toEqual(["lab"]);

    const rows = parse(text(files[labName]), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(stored.length);
    rows.forEach((row, i) => {
      const r = stored[i]!;
      expect(row).toMatchObject({
        station: r.sample.station,
        laboratory: r.sample.laboratory,
        sample_id: r.sample.sampleId,
        sample_type: r.sample.kind,
        parameter: r.parameter,
        unit: "ng/L",
        value: r.value === null ? "" : String(r.value),
        qualifier: r.qualifier ?? "",
        loq: r.loq === null ? "" : String(r.loq),
        reported_unit: r.reported.unit,
        revision: "1",
        import_id: String(r.importId),
      });
      expect(Date.parse(row.sampling_start!)).toBe(r.sample.start);
      expect(Date.parse(row.sampling_end!)).toBe(r.sample.end);
    });
    const cbz = rows.find((r) => r.sample_id === "ZE-10" && r.parameter === "carbamazepine")!;
    // 0,131 µg/L becomes 131 ng/L; "15 %" and a bare 12 (relative by the mapping's default) stay relative.
    expect(cbz).toMatchObject({ value: "131", reported_value: "0.131", reported_unit: "µg/L", uncertainty: "15", uncertainty_kind: "relative", sampling_start: "2026-10-06T06:00:00.000Z" });
    expect(rows.find((r) => r.sample_id === "ZE-11")).toMatchObject({ uncertainty: "12", uncertainty_kind: "relative", remarks: "nach Regen" });
    expect(rows.find((r) => r.parameter === "ethinylestradiol")).toMatchObject({ value: "", qualifier: "<LOQ", loq: "0.05" });
  });

  it("writes the lab times in each station's zone with tz=station, and the lab file in the export's format", async () => {
    const files = await bundle({ tz: "station", format: "ndjson" });
    const labName = Object.keys(files).find((n) => n.endsWith("_lab-results.ndjson"))!;
    const rows = text(files[labName]).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.find((r) => r.sample_id === "ZE-10")!.sampling_start).toBe("2026-10-06T08:00:00.000+02:00");
    expect(rows.find((r) => r.sample_id === "CT-3")!.sampling_start).toBe("2026-10-15T09:00:00.000+08:00");
    expect(rows.find((r) => r.qualifier === "<LOQ")!.value).toBeNull();
    const pkg = JSON.parse(text(files["datapackage.json"]));
    expect(pkg.resources[1]).toMatchObject({ format: "ndjson", profile: "data-resource", mediatype: "application/x-ndjson" });
  });

  it("is refused without the bundle, saying to add metadata=1", async () => {
    for (const format of ["csv", "ndjson", "json"]) {
      const res = await fetch(exportUrl({ include: "lab", format }), { headers: researcher });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { details: Array<{ path: string; message: string }> } };
      expect(body.error.details).toContainEqual({ path: "include", message: expect.stringMatching(/add metadata=1/) });
    }
    const unknown = await fetch(exportUrl({ metadata: "1", include: "alerts" }), { headers: researcher });
    expect(unknown.status).toBe(400);
  });

  it("without include=lab the bundle holds no lab file", async () => {
    const res = await fetch(exportUrl({ metadata: "1" }), { headers: researcher });
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files)).toHaveLength(2);
    expect(JSON.parse(text(files["datapackage.json"])).resources).toHaveLength(1);
  });
});
