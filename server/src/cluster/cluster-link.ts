// What makes one Water Monitor instance part of several, or not: where accepted readings go (live
// clients, /latest, the alert engine), where rate-limit counts are kept, how live messages reach
// other instances' clients, and draining on shutdown. Without REDIS_URL everything stays in this
// process (one instance); with it, redis-cluster.ts shares it through Redis.
import type { Config } from "../config.ts";
import type { Logger } from "../../../common/logger.ts";
import { Drain, type ClusterLink, type ClusterParts } from "./cluster-types.ts";
import { openRedisCluster } from "./redis-cluster.ts";

export type { ClusterLink, ClusterParts, Leadership } from "./cluster-types.ts";

/** One instance, everything in this process: today's wiring. */
export function localLink(drain: Drain): ClusterLink {
  let liveAccess: ClusterParts["liveAccess"] | undefined;
  return {
    socketAdapter: undefined,
    limitStore: () => undefined,
    draining: () => drain.active,
    attach: async (parts) => {
      const { events, hub, latest, alerting, judge } = parts;
      liveAccess = parts.liveAccess;
      events.onAccepted((readings) => latest.accepted(readings));
      events.onAccepted((readings) => hub.publish(readings));
      // Every sensor's readings: the engine keys series by station × parameter × sensor.
      events.onAccepted(judge);
      alerting.onEvent((event) => hub.publishAlert(event));
    },
    recheckLive: async (scope) => liveAccess?.recheck(scope),
    drain: () => drain.start(),
    close: async () => undefined,
    release: async () => undefined,
  };
}

/** The link `config` asks for; with REDIS_URL it connects first (RedisUnreachableError when it cannot). */
export async function openClusterLink(config: Readonly<Config>, logger: Logger): Promise<ClusterLink> {
  const drain = new Drain(config.shutdownDrainMs);
  if (!config.redisUrl) return localLink(drain);
  return openRedisCluster(config.redisUrl, { namespace: config.influx.database, drain, logger: logger.child({ module: "cluster" }) });
}
