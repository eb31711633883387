import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../client/src/api.ts";
import { estimateText, exportErrorText, formatBytes, progressText } from "../../client/src/components/export-text.ts";
import { countLineFeeds, ExportApi, exportQuery, fileNameFromDisposition, rowCounting, type ExportChoices } from "../../client/src/export-api.ts";
import { translator } from "../../client/src/i18n/index.ts";

const choices: ExportChoices = {
  stations: ["DE-ELBE-ZEHREN", "DE-ELBE-SCHMILKA"],
  parameters: ["carbamazepine"],
  from: 1_700_000_000_000.4,
  to: 1_700_086_400_000.2,
  format: "csv",
  resolution: "raw",
  layout: "long",
  tz: "UTC",
  qc: "all",
  metadata: false,
  bom: false,
  include: [],
};

describe("client export helpers", () => {
  const t = translator("en");

  it("asks for whole milliseconds covering the range, and sends metadata and bom only when chosen", () => {
    const q = exportQuery(choices);
    expect(Object.fromEntries(q)).toEqual({
      stations: "DE-ELBE-ZEHREN,DE-ELBE-SCHMILKA",
      parameters: "carbamazepine",
      from: "1700000000000",
      to: "1700086400001",
      format: "csv",
      resolution: "raw",
      layout: "long",
      tz: "UTC",
      qc: "all",
    });
    expect(exportQuery({ ...choices, metadata: true, bom: true }).get("metadata")).toBe("1");
    expect(exportQuery({ ...choices, bom: true }).get("bom")).toBe("1");
    // A byte order mark belongs to CSV only.
    expect(exportQuery({ ...choices, format: "ndjson", bom: true }).has("bom")).toBe(false);
  });

  it("counts rows from line feeds for CSV (minus the header) and NDJSON, not for JSON or zips", () => {
    expect(rowCounting(choices)).toEqual({ headerLines: 1 });
    expect(rowCounting({ format: "ndjson", metadata: false })).toEqual({ headerLines: 0 });
    expect(rowCounting({ format: "json", metadata: false })).toBeNull();
    expect(rowCounting({ format: "csv", metadata: true })).toBeNull();
    expect(countLineFeeds(new TextEncoder().encode("time,value\r\n1,2\r\n3,4\r\n"))).toBe(3);
    expect(countLineFeeds(new Uint8Array())).toBe(0);
  });

  it("takes the file name from Content-Disposition, preferring filename*, and never a path", () => {
    const name = "water-monitor_DE-ELBE-ZEHREN_carbamazepine_20260101T000000Z-20260102T000000Z_raw.csv";
    expect(fileNameFromDisposition(`attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`, "x.csv")).toBe(name);
    expect(fileNameFromDisposition(`attachment; filename="a.csv"`, "x.csv")).toBe("a.csv");
    expect(fileNameFromDisposition(`attachment; filename*=UTF-8''b%20c.zip`, "x.csv")).toBe("b-c.zip");
    expect(fileNameFromDisposition(`attachment; filename="../../etc/passwd"`, "x.csv")).toBe("passwd");
    expect(fileNameFromDisposition(`attachment; filename=".."`, "x.csv")).toBe("x.csv");
    expect(fileNameFromDisposition(null, "x.csv")).toBe("x.csv");
  });

  it("writes sizes in decimal units in the user's locale", () => {
    expect(formatBytes(0, "en-GB")).toBe("0 B");
    expect(formatBytes(999, "en-GB")).toBe("999 B");
    expect(formatBytes(1_450, "en-GB")).toBe("1.5 kB");
    expect(formatBytes(1_450, "de-DE")).toBe("1,5 kB");
    expect(formatBytes(123_456_789, "en-GB")).toBe("123 MB");
  });

  it("states the estimate, and says so when nothing matches", () => {
    expect(estimateText({ rows: 12_345, bytes: 1_200_000 }, false, t, "en-GB")).toBe("About 12,345 rows, 1.2 MB");
    expect(estimateText({ rows: 10, bytes: 900 }, true, t, "en-GB")).toBe("About 10 rows, 900 B before compression");
    expect(estimateText({ rows: 0, bytes: 120 }, false, t, "en-GB")).toBe("No readings match these choices.");
    expect(progressText({ bytes: 2_000, rows: 20 }, t, "en-GB")).toBe("Downloaded 2 kB, 20 rows");
    expect(progressText({ bytes: 2_000, rows: null }, t, "en-GB")).toBe("Downloaded 2 kB");
  });

  describe("ExportApi.download", () => {
    afterEach(() => vi.unstubAllGlobals());

    function serve(chunks: string[], headers: Record<string, string>, status = 200): void {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
          controller.close();
        },
      });
      vi.stubGlobal("fetch", vi.fn(async () => new Response(body, { status, headers })));
    }

    it("reports bytes and CSV rows per chunk, and names the file as the server does", async () => {
      serve(["time,value\r\n1,", "2\r\n3,4\r", "\n"], { "content-type": "text/csv", "content-disposition": `attachment; filename="wm.csv"` });
      const seen: Array<[number, number | null]> = [];
      const file = await new ExportApi().download(choices, new AbortController().signal, (p) => seen.push([p.bytes, p.rows]));
      expect(seen).toEqual([
        [14, 0],
        [21, 1],
        [22, 2],
      ]);
      expect(file).toMatchObject({ fileName: "wm.csv", bytes: 22, rows: 2 });
      expect(await file.blob.text()).toBe("time,value\r\n1,2\r\n3,4\r\n");
    });

    it("turns a refusal into an ApiError with the server's status", async () => {
      serve([JSON.stringify({ error: { code: "too_many_exports", message: "2 exports running" } })], { "content-type": "application/json" }, 429);
      await expect(new ExportApi().download(choices, new AbortController().signal, () => undefined)).rejects.toMatchObject({ status: 429 });
    });
  });

  it("explains refusals: log in (401), researcher role (403), one export at a time (429), the server's reason (400)", () => {
    expect(exportErrorText(new ApiError("Login required", 401, "unauthorized"), t)).toBe(t("export.error.401"));
    expect(exportErrorText(new ApiError("Forbidden", 403, "forbidden"), t)).toBe(t("export.error.403"));
    expect(exportErrorText(new ApiError("Too many exports", 429, "too_many_exports"), t)).toBe(t("export.error.429"));
    expect(exportErrorText(new ApiError("Invalid query: from must be before to", 400, "validation_failed"), t)).toBe(
      "The server refused these choices: from must be before to",
    );
    expect(exportErrorText(new TypeError("Failed to fetch"), t)).toBe("The export failed: Failed to fetch");
    expect(translator("de")("export.error.429")).toMatch(/bereits ein Export/);
  });
});
