// Several instances on one Redis (REDIS_URL):
// - socket.io's Redis Streams adapter: io.emit/io.to(room).emit reach every instance's clients and
//   survive a Redis restart (the adapter reads its stream on from where it was);
// - accepted readings through the readings stream (redis-readings.ts): every instance's live clients
//   and /latest get every instance's readings, the alert engine each reading once;
// - alerts the engine raises go to the other instances (serverSideEmit), where each instance's hub
//   sends them to the clients that may see them (data review visibility is judged per connection);
//   so does a change of someone's rights (logout, a token revoked), which every instance's live
//   connections follow at once;
// - rate-limit counts in Redis (shared-limit-store.ts), so a client's limit is the same whichever
//   instance it reaches; while Redis is down requests pass (a limit is not worth an outage).
// Keys are prefixed wm:<INFLUX_DATABASE>: — instances of one installation share one database.
import { randomBytes } from "node:crypto";
import os from "node:os";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { Logger } from "../../../common/logger.ts";
import { type ClusterLink, type ClusterParts, type Drain } from "./cluster-types.ts";
import { closeRedis, connectRedis, type RedisConnection } from "./redis-connection.ts";
import { RedisReadingStream } from "./redis-readings.ts";
import { SharedLimitStore } from "./shared-limit-store.ts";

export interface RedisClusterOptions {
  /** Separates installations sharing one Redis (the InfluxDB database name). */
  namespace: string;
  drain: Drain;
  logger: Logger;
}

/** Broadcast entries the adapter's stream keeps (socket.io's default): enough for a reconnecting reader. */
const ADAPTER_STREAM_ENTRIES = 10_000;
/** The adapter's blocking read: shorter than its default 5 s, so its connection closes soon after shutdown. */
const ADAPTER_BLOCK_MS = 1_000;

export async function openRedisCluster(url: string, options: RedisClusterOptions): Promise<ClusterLink> {
  const { logger, drain } = options;
  const prefix = `wm:${options.namespace}:`;
  const instanceId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  // The first connection tells whether Redis is there at all (else start fails naming REDIS_URL).
  // Commands fail at once while Redis is down: rate limits let requests pass, the readings stream
  // keeps its batches and retries.
  const commands = await connectRedis(url, { logger, role: "commands", failFastWhenDown: true });
  const connections: RedisConnection[] = [commands];
  try {
    for (const role of ["live", "readings-fan-out", "readings-engine"]) connections.push(await connectRedis(url, { logger, role }));
  } catch (err) {
    await Promise.all(connections.map(closeRedis));
    throw err;
  }
  const [, live, fanoutReader, groupReader] = connections as [RedisConnection, RedisConnection, RedisConnection, RedisConnection];
  const socketAdapter = createAdapter(live, { streamName: `${prefix}socket.io`, channelPrefix: `${prefix}socket.io`, maxLen: ADAPTER_STREAM_ENTRIES, blockTimeInMs: ADAPTER_BLOCK_MS });
  let stream: RedisReadingStream | undefined;
  let attached: Pick<ClusterParts, "io" | "liveAccess"> | undefined;
  logger.info({ instance: instanceId }, "sharing live updates, rate limits and the readings stream through Redis");

  return {
    socketAdapter,
    limitStore: (name) => new SharedLimitStore(commands, `${prefix}rate:${name}:`, logger),
    draining: () => drain.active,
    attach: async ({ io, events, hub, latest, alerting, leadership, liveAccess, judge }) => {
      attached = { io, liveAccess };
      stream = new RedisReadingStream({
        key: `${prefix}readings`,
        instanceId,
        commands,
        fanoutReader,
        groupReader,
        logger,
        leadership,
        sinks: {
          elsewhere: (readings) => {
            latest.accepted(readings);
            hub.publish(readings);
          },
          once: async (readings) => {
            judge(readings);
            await alerting.engine.idle();
          },
        },
      });
      // Our own readings reach our clients at once, without the round trip through Redis.
      events.onAccepted((readings) => {
        latest.accepted(readings);
        hub.publish(readings);
        stream!.publish(readings);
      });
      alerting.onEvent((event) => {
        hub.publishAlert(event);
        io.serverSideEmit("alert", event);
      });
      io.on("alert", (event) => hub.publishAlert(event));
      io.on("recheckLive", (scope) => {
        liveAccess.recheck(scope).catch((err: unknown) => logger.warn({ reason: (err as Error).message }, "re-checking live connections failed"));
      });
      await stream.start();
    },
    recheckLive: async (scope) => {
      // Sent through Redis pub/sub: an instance that misses it (Redis down) catches up at its periodic re-check.
      attached?.io.serverSideEmit("recheckLive", scope);
      return attached?.liveAccess.recheck(scope);
    },
    drain: () => drain.start(),
    close: async () => {
      await stream?.close();
      // The readers are blocked in XREAD for up to a second: nothing of theirs is worth waiting for.
      fanoutReader.destroy();
      groupReader.destroy();
      await closeRedis(commands);
    },
    release: () => closeRedis(live),
  };
}
