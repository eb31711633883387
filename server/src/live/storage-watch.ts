// Tells live clients at once when InfluxDB becomes unreachable or comes back, so dashboards can
// explain missing data instead of waiting for their next /api/health poll. A client that connects
// while InfluxDB is down hears it on connecting. Each check also sets up the schema once InfluxDB
// answers after a start without it (store.status). Messages name host and port only (store.ts).
import type { StorageHealth } from "../../../common/events.ts";
import type { Logger } from "../../../common/logger.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { LiveServer } from "./live-hub.ts";

export function watchStorage(store: ReadingStore, io: LiveServer, intervalMs = 5_000, logger?: Logger): () => void {
  let current: StorageHealth | undefined;
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      // At least a second to answer, however often we ask: a busy machine is not an outage.
      const status = await store.status(Math.max(1_000, Math.min(2_000, intervalMs)));
      if (status.reachable !== current?.reachable) {
        current = status.reachable ? { reachable: true } : { reachable: false, error: status.error };
        if (status.reachable) logger?.info({ influx: store.where }, "InfluxDB is reachable");
        else logger?.warn({ influx: store.where, reason: status.error }, "InfluxDB is unavailable; readings are kept in the spool");
        io.emit("storage", current);
      }
    } finally {
      checking = false;
    }
  };
  const onConnection = (socket: { emit: LiveServer["emit"] }) => {
    if (current && !current.reachable) socket.emit("storage", current);
  };
  io.on("connection", onConnection);
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  void check();
  return () => {
    clearInterval(timer);
    io.off("connection", onConnection);
  };
}
