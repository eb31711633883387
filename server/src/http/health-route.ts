// GET /api/health: version, uptime, InfluxDB status and write-queue figures; 503 when InfluxDB is down,
// and 503 with status "draining" once shutdown has begun (a load balancer in front takes the
// instance out before it stops: deploy/haproxy.cfg tells the two 503s apart by that status).
import { Router } from "express";
import type { BatchWriter } from "../ingest/batch-writer.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { ReadGateStats } from "./read-gate.ts";
import { VERSION } from "../version.ts";

export interface HealthDeps {
  store: ReadingStore;
  writer: BatchWriter;
  influxMode: "managed" | "external";
  startedAt: number;
  now?: () => number;
  /** The read API's concurrency limit: running, waiting and refused reads. */
  reads?: () => ReadGateStats;
  /** Shutdown has begun (cluster/cluster-types.ts Drain). */
  draining?: () => boolean;
  /** This instance's part among several (cluster/leadership.ts); the single instance always leads. */
  role?: () => "leader" | "standby";
}

export function healthRouter(deps: HealthDeps): Router {
  const router = Router();
  router.get("/api/health", async (_req, res) => {
    const status = await deps.store.status();
    const now = deps.now?.() ?? Date.now();
    const draining = deps.draining?.() ?? false;
    const body = {
      status: draining ? "draining" : status.reachable ? "ok" : "unavailable",
      version: VERSION,
      role: deps.role?.() ?? "leader",
      uptimeSeconds: Math.round((now - deps.startedAt) / 1000),
      influx: {
        mode: deps.influxMode,
        database: deps.store.database,
        reachable: status.reachable,
        version: status.version,
        // Names host and port only (store.ts): this body is public.
        error: status.reachable ? undefined : (status.error ?? `InfluxDB is unreachable at ${deps.store.where}`),
      },
      writeQueue: deps.writer.stats(),
      reads: deps.reads?.(),
    };
    res.status(status.reachable && !draining ? 200 : 503).json(body);
  });
  return router;
}
