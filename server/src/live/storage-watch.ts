// Tells live clients at once when InfluxDB becomes unreachable or comes back, so dashboards can
// explain missing data instead of waiting for their next /api/health poll.
import type { ReadingStore } from "../influx/store.ts";
import type { LiveServer } from "./live-hub.ts";

export function watchStorage(store: ReadingStore, io: LiveServer, intervalMs = 5_000): () => void {
  let reachable: boolean | undefined;
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const status = await store.status(Math.min(2_000, intervalMs));
      if (status.reachable !== reachable) {
        reachable = status.reachable;
        io.emit("storage", status.reachable ? { reachable: true } : { reachable: false, error: status.error });
      }
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  void check();
  return () => clearInterval(timer);
}
