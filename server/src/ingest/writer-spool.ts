// The batch writer's spool as INGEST_ACK chooses it: on this instance's disk ("journal"), or shared
// in the metadata database ("stored", sql-spool.ts). What an earlier run left on disk — spooled
// batches, readings in the journal — goes into it before the writer starts.
import path from "node:path";
import type { Logger } from "../../../common/logger.ts";
import type { Config } from "../config.ts";
import type { MetaStore } from "../meta/store.ts";
import { recoverJournal } from "./journal.ts";
import { Spool, type ReadingSpool } from "./spool.ts";
import { SqlSpool } from "./sql-spool.ts";

/** How often an instance looks for batches another (dead) instance left in the shared spool. */
export const SHARED_SPOOL_POLL_MS = 5_000;

export async function openWriterSpool(config: Readonly<Config>, meta: MetaStore, instance: string, now: () => number, logger: Logger): Promise<ReadingSpool> {
  const disk = new Spool(path.join(config.dataDir, "spool"));
  const spool = config.ingest.ack === "stored" ? await SqlSpool.open(meta, instance, now) : disk;
  if (spool !== disk && !disk.isEmpty) {
    // Switched from "journal" to "stored": the batches waiting on disk join the shared spool.
    let moved = 0;
    for (let segment = await disk.oldest(); segment; segment = await disk.oldest()) {
      await spool.append(segment.readings);
      await disk.remove(segment.id);
      moved += segment.readings.length;
    }
    logger.info({ readings: moved }, "moved the readings spooled on disk into the shared spool");
  }
  await recoverJournal(path.join(config.dataDir, "journal"), spool, logger.child({ module: "journal" }));
  return spool;
}
