// Lab import of 100,000 results (a German CSV: ";", decimal comma, DD.MM.YYYY HH:mm, µg/L) through
// POST /api/v1/lab/imports on a real server: the apply request, which reads, checks, plans and
// writes every result with its revision in one transaction. Baseline, same file, same run: csv-parse
// alone plus one prepared better-sqlite3 INSERT per row in one transaction, without any checks,
// conversions or revisions: the floor of "parse the file and store its rows".
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
// The baseline measures raw SQLite, outside the metadata store on purpose.
// eslint-disable-next-line no-restricted-imports
import Database from "better-sqlite3";
import { parse } from "csv-parse";
import { DateTime } from "luxon";
import { loadConfig } from "../../server/src/config.ts";
import { createLogger } from "../../common/logger.ts";
import { startSystem } from "../../server/src/system.ts";
import { labImport } from "../helpers/lab-client.ts";
import type { Benchmark } from "./bench-kit.ts";
import { uniqueDatabase } from "../helpers/test-system.ts";
import { hashPassword } from "../../server/src/auth/passwords.ts";

const STATIONS = ["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN", "DE-ELBE-DOMMITZSCH", "DE-ZSCHOPAU-WALDHEIM", "DE-MULDE-BADDUEBEN", "CN-JIALING-BEIBEI", "CN-YANGTZE-CHAOTIANMEN", "CN-YANGTZE-CUNTAN"];
const COMPOUNDS = ["Carbamazepin", "Diclofenac", "Ibuprofen", "Sulfamethoxazol", "Clarithromycin", "Azithromycin", "Erythromycin", "Venlafaxin", "Metoprolol", "Ciprofloxacin", "17α-Ethinylestradiol (EE2)"];
const HEADER = "Messstelle;Proben-Nr.;Probenart;Probenahme Beginn;Probenahme Ende;Parameter;Wert;BG;Einheit;Messunsicherheit;Labor;Verfahren";

/** `results` rows: 24-h composite samples, one a day per station going back, 11 compounds each. */
export function labBenchFile(results: number, lastDay = DateTime.fromISO("2026-10-31T08:00")): string {
  const lines = [HEADER];
  for (let i = 0; i < results; i++) {
    const sample = Math.floor(i / COMPOUNDS.length);
    const station = STATIONS[sample % STATIONS.length]!;
    const start = lastDay.minus({ days: Math.floor(sample / STATIONS.length) + 1 });
    const fmt = (d: DateTime) => d.toFormat("dd.MM.yyyy HH:mm");
    const below = i % 7 === 3;
    const value = below ? "<0,005" : (0.01 + (i % 997) / 1000).toFixed(3).replace(".", ",");
    lines.push(`${station};S-${sample};zeitproportionale Mischprobe;${fmt(start)};${fmt(start.plus({ days: 1 }))};${COMPOUNDS[i % COMPOUNDS.length]};${value};0,005;µg/L;15 %;BfUL Labor;LC-MS/MS, DIN 38407-47`);
  }
  return `${lines.join("\n")}\n`;
}

/** The baseline: csv-parse and a prepared INSERT per row in one transaction. */
async function parseAndInsert(text: string, file: string): Promise<{ seconds: number; parseSeconds: number; rows: number }> {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE results (station TEXT, sample TEXT, kind TEXT, start TEXT, end TEXT, compound TEXT, value TEXT, loq TEXT, unit TEXT, uncertainty TEXT, lab TEXT, method TEXT)");
  const insert = db.prepare("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const started = performance.now();
  const rows: string[][] = [];
  for await (const record of Readable.from([text]).pipe(parse({ delimiter: ";", from_line: 2 }))) rows.push(record as string[]);
  const parsed = performance.now();
  db.transaction(() => {
    for (const r of rows) insert.run(r);
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { seconds, parseSeconds: (parsed - started) / 1000, rows: rows.length };
}

export const labImportBench: Benchmark = {
  name: "Lab import: POST /api/v1/lab/imports (apply) vs csv-parse + prepared SQLite INSERT",
  async run({ influxUrl, scale }) {
    const count = Math.max(1_100, Math.round(100_000 * scale));
    const text = labBenchFile(count);
    const dir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-lab-"));
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      INFLUX_URL: influxUrl,
      INFLUX_DATABASE: uniqueDatabase(),
      SIMULATOR: "off",
      LOG_LEVEL: "warn",
    });
    const system = await startSystem({ config, logger: createLogger("warn", "bench-lab"), influxUrl, influxMode: "external", clientDir: dir });
    try {
      const user = await system.auth.users.create("bench-researcher", await hashPassword("bench-researcher-password"), "researcher");
      const { token } = await system.auth.apiTokens.create(user.id, "bench", "researcher", null);
      const headers = { authorization: `Bearer ${token}` };
      const url = `http://127.0.0.1:${system.port}`;
      const file = { name: "bench.csv", bytes: text };

      const dryStart = performance.now();
      const preview = await labImport(url, headers, file, { dryRun: true });
      const applyStart = performance.now();
      const applied = await labImport(url, headers, file, { previewToken: preview.body.previewToken });
      const applySeconds = (performance.now() - applyStart) / 1000;
      const dryRunSeconds = (applyStart - dryStart) / 1000;
      if (applied.status !== 201) throw new Error(`apply answered ${applied.status}: ${JSON.stringify(applied.body).slice(0, 500)}`);
      const added = applied.body.import.counts.results.added as number;
      if (added !== count || preview.body.counts.results.rejected !== 0) throw new Error(`imported ${added} of ${count} results`);

      const baseline = await parseAndInsert(text, path.join(dir, "baseline.sqlite"));
      if (baseline.rows !== count) throw new Error(`baseline stored ${baseline.rows} of ${count} rows`);
      const ours = count / applySeconds;
      const base = count / baseline.seconds;
      return {
        name: `${this.name}, ${count.toLocaleString("en-US")} results (${Math.ceil(count / COMPOUNDS.length).toLocaleString("en-US")} samples, ${(text.length / 1e6).toFixed(1)} MB)`,
        ours: { label: "apply (read, check, plan, write with revisions)", value: ours, unit: "results/s" },
        baseline: { label: "csv-parse + prepared INSERT, no checks", value: base, unit: "rows/s" },
        ratio: ours / base,
        higherIsBetter: true,
        extra: [
          { label: "apply", value: applySeconds, unit: "s" },
          { label: "dry run before it", value: dryRunSeconds, unit: "s" },
          { label: "baseline", value: baseline.seconds, unit: "s" },
          { label: "baseline: csv-parse alone", value: count / baseline.parseSeconds, unit: "rows/s" },
        ],
      };
    } finally {
      await system.close(2_000);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
