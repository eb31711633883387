import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { IngestJournal, readLeftoverSegments, recoverJournal } from "../../server/src/ingest/journal.ts";
import { Spool } from "../../server/src/ingest/spool.ts";
import { tempDirsPerTest, testLogger } from "../helpers/test-system.ts";
import { testReading } from "../helpers/catalog.ts";

const tempDir = tempDirsPerTest();
const dir = (): string => tempDir("wm-journal-");

const reading = (time: number): Reading => testReading({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", time, value: 42.5 });
const batch = (from: number, n: number): Reading[] => Array.from({ length: n }, (_, i) => reading(from + i));
const files = (d: string) => readdirSync(d).filter((n) => n.endsWith(".jsonl")).sort();

describe("ingest journal", () => {
  it("has the readings on disk when `durable` resolves, and deletes a segment once all of it is released", async () => {
    const d = dir();
    const journal = new IngestJournal(d, testLogger);
    const a = journal.append(batch(0, 3));
    const b = journal.append(batch(3, 2));
    await Promise.all([a.durable, b.durable]);
    expect(a.segment).toBe(b.segment);
    expect(readLeftoverSegments(d, testLogger).flatMap((s) => s.readings)).toEqual(batch(0, 5));

    journal.release(Array(3).fill(a.segment));
    expect(files(d)).toHaveLength(1); // two readings still only here
    journal.release(Array(2).fill(b.segment));
    expect(files(d)).toHaveLength(0);
    const next = journal.append(batch(5, 1));
    expect(next.segment).toBeGreaterThan(a.segment);
    await next.durable;
    expect(files(d)).toHaveLength(1);
    journal.release([next.segment]);
    await journal.close();
    expect(files(d)).toEqual([]);
  });

  it("keeps what is not released across close, in segments of bounded size", async () => {
    const d = dir();
    const journal = new IngestJournal(d, testLogger, 1_000);
    const appends = Array.from({ length: 6 }, (_, i) => journal.append(batch(i * 5, 5)));
    await Promise.all(appends.map((a) => a.durable));
    expect(new Set(appends.map((a) => a.segment)).size).toBeGreaterThan(1);
    // Release everything but the last append: only its segment stays, for the next start.
    journal.release(appends.slice(0, -1).flatMap((a) => Array(5).fill(a.segment)));
    await journal.close();
    expect(files(d)).toHaveLength(1);
    const leftover = readLeftoverSegments(d, testLogger).flatMap((s) => s.readings);
    expect(leftover.slice(-5)).toEqual(batch(25, 5));
    expect(leftover.length).toBeLessThan(30);
  });

  it("recovers a crashed run's segments into the spool, skipping a torn last line, and removes them", async () => {
    const d = dir();
    const journalDir = path.join(d, "journal");
    mkdirSync(journalDir);
    writeFileSync(path.join(journalDir, "000000000001.jsonl"), `${JSON.stringify(batch(0, 2))}\n${JSON.stringify(batch(2, 2))}\n`);
    writeFileSync(path.join(journalDir, "000000000002.jsonl"), `${JSON.stringify(batch(4, 1))}\n`);
    appendFileSync(path.join(journalDir, "000000000002.jsonl"), JSON.stringify(batch(5, 3)).slice(0, 40)); // torn by the crash
    const spool = new Spool(path.join(d, "spool"));
    expect(await recoverJournal(journalDir, spool, testLogger)).toBe(5);
    expect(files(journalDir)).toEqual([]);
    const spooled: Reading[] = [];
    for (let s = await spool.oldest(); s; s = await spool.oldest()) {
      spooled.push(...s.readings);
      await spool.remove(s.id);
    }
    expect(spooled).toEqual(batch(0, 5));
    // The journal starts afresh on the emptied directory.
    const journal = new IngestJournal(journalDir, testLogger);
    await journal.append(batch(9, 1)).durable;
    expect(files(journalDir)).toEqual(["000000000001.jsonl"]);
    expect(JSON.parse(readFileSync(path.join(journalDir, "000000000001.jsonl"), "utf8"))).toEqual(batch(9, 1));
    await journal.close();
  });

  it("reads readings journaled before sensors and LOQs existed as untagged <LOD readings", async () => {
    const d = dir();
    const journalDir = path.join(d, "journal");
    mkdirSync(journalDir);
    const legacy = [
      { station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", time: 1, value: 42.5, lod: null, qc: 1 },
      { station: "DE-ELBE-ZEHREN", parameter: "ethinylestradiol", time: 2, value: null, lod: 0.05, qc: 1 },
    ];
    writeFileSync(path.join(journalDir, "000000000001.jsonl"), `${JSON.stringify(legacy)}\n`);
    const readings = readLeftoverSegments(journalDir, testLogger).flatMap((seg) => seg.readings);
    expect(readings).toEqual([
      testReading({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "", time: 1, value: 42.5 }),
      testReading({ station: "DE-ELBE-ZEHREN", parameter: "ethinylestradiol", sensor: "", time: 2, value: null, qualifier: "<LOD", limit: 0.05 }),
    ]);
  });
});
