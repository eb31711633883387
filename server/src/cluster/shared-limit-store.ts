// A rate limit's counts in Redis, shared by every instance (rate-limit-redis), so a client's limit is
// the same whichever instance the load balancer picks. While Redis is down a request passes
// uncounted — a limit is not worth an outage of ingest or the dashboard — and the log says so once
// per outage (express-rate-limit's own fallback would write to stderr on every request).
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from "express-rate-limit";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import type { Logger } from "../../../common/logger.ts";
import { scrubUrls } from "../util/safe-url.ts";
import type { RedisConnection } from "./redis-connection.ts";

export class SharedLimitStore implements Store {
  readonly localKeys = false;
  private readonly redis: RedisStore;
  private windowMs = 60_000;
  private failing = false;

  constructor(
    commands: RedisConnection,
    readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.redis = new RedisStore({ sendCommand: (...args: string[]) => commands.sendCommand(args) as Promise<RedisReply>, prefix });
  }

  /** Loads the counting scripts (Redis answered a moment ago: the start checked it). */
  async init(options: Options): Promise<void> {
    this.windowMs = options.windowMs;
    await this.guard(() => this.redis.init(options), undefined);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.guard(() => this.redis.get(key), undefined);
  }

  async increment(key: string): Promise<IncrementResponse> {
    return this.guard(() => this.redis.increment(key), { totalHits: 1, resetTime: new Date(Date.now() + this.windowMs) });
  }

  async decrement(key: string): Promise<void> {
    await this.guard(() => this.redis.decrement(key), undefined);
  }

  async resetKey(key: string): Promise<void> {
    await this.guard(() => this.redis.resetKey(key), undefined);
  }

  private async guard<T>(call: () => Promise<T>, meanwhile: T): Promise<T> {
    try {
      const result = await call();
      if (this.failing) this.logger.info({ limit: this.prefix }, "rate limit counts in Redis again");
      this.failing = false;
      return result;
    } catch (err) {
      if (!this.failing) this.logger.warn({ limit: this.prefix, reason: scrubUrls((err as Error).message) }, "rate limit store (Redis) failed: requests pass uncounted until it answers");
      this.failing = true;
      return meanwhile;
    }
  }
}
