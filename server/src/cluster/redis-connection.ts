// Connections to the Redis that several Water Monitor instances share (REDIS_URL). The first
// connection must succeed at start (else a message naming REDIS_URL, and main exits non-zero);
// afterwards a lost connection is retried for ever with a capped backoff, and each user of a
// connection decides what happens meanwhile (the readings stream keeps its batches, rate limits
// let requests through, see redis-cluster.ts).
import { createClient, type RedisClientType } from "@redis/client";
import type { Logger } from "../../../common/logger.ts";
import { backoffDelay } from "../util/backoff.ts";
import { displayUrl, scrubUrls } from "../util/safe-url.ts";

export type RedisConnection = RedisClientType;

/** How long the first connection may take before start gives up. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Reconnect delays: 100 ms, 200 ms, … at most 2 s (a restarted Redis is back within a second or two). */
const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 2_000;

export class RedisUnreachableError extends Error {
  override readonly name = "RedisUnreachableError";
  constructor(url: string, cause: unknown) {
    const reason = scrubUrls((cause as Error)?.message || String(cause));
    super(
      `REDIS_URL ${displayUrl(url, { withScheme: true })}: cannot reach Redis (${reason}). ` +
        "Check that redis-server runs there and that the password is right, or unset REDIS_URL to run a single instance.",
      { cause },
    );
  }
}

export interface RedisConnectOptions {
  logger: Logger;
  /** Its role in log lines ("commands", "live", "readings"). */
  role: string;
  /**
   * Commands sent while disconnected fail at once instead of waiting for the reconnect (rate limits:
   * a request must not hang on Redis). Default: they wait, in order.
   */
  failFastWhenDown?: boolean;
}

/** Connects to `url`; rejects with RedisUnreachableError if the first connection fails. */
export async function connectRedis(url: string, options: RedisConnectOptions): Promise<RedisConnection> {
  const logger = options.logger.child({ redis: displayUrl(url), connection: options.role });
  let connectedOnce = false;
  let down = false;
  const client: RedisConnection = createClient({
    url,
    disableOfflineQueue: options.failFastWhenDown ?? false,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Before the first connection: give up (start fails with a message); after it: retry for ever.
      reconnectStrategy: (retries: number, cause: Error) => (connectedOnce ? backoffDelay(retries, RECONNECT_BASE_MS, RECONNECT_MAX_MS) : cause),
    },
  });
  client.on("error", (err: Error) => {
    if (!connectedOnce || down) return;
    down = true;
    logger.warn({ reason: scrubUrls(err.message) }, "lost the connection to Redis; reconnecting");
  });
  client.on("ready", () => {
    if (down) logger.info("connected to Redis again");
    down = false;
    connectedOnce = true;
  });
  try {
    await client.connect();
  } catch (err) {
    client.destroy();
    throw new RedisUnreachableError(url, err);
  }
  connectedOnce = true;
  return client;
}

/** Closes a connection, waiting for replies in flight but not for a Redis that is down. */
export async function closeRedis(client: RedisConnection): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) {
    client.destroy();
    return;
  }
  await client.close().catch(() => client.destroy());
}
