// Slows down password guessing without handing anyone a way to lock others out. Failed logins are
// counted per (name as typed, client address): after a few, further attempts for that name from that
// address wait a delay that doubles with every failure, up to a cap (OWASP Authentication Cheat
// Sheet, "Login Throttling"; capped exponential backoff). The real user, from their own address, is
// never held up by a stranger's guesses; unknown names are counted exactly like real ones, so a
// throttle reveals nothing about which names exist.
//
// Counting is one SQL statement (an upsert), so parallel failures all count; a successful login
// forgets the failures only if none arrived since it looked (compare-and-delete), so a throttle is
// never wiped while it still lies in the future.
import { ipKeyGenerator } from "express-rate-limit";
import type { MetaExecutor } from "../meta/store.ts";
import { backoffDelay } from "../util/backoff.ts";
import type { Clock } from "../util/clock.ts";

export interface LoginThrottlePolicy {
  /** Failures that cost nothing (typos). */
  freeFailures: number;
  /** Delay after the first failure beyond the free ones; doubles with each further one. */
  baseDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
  /** Failures this long after the last one are forgotten (never shorter than maxDelayMs). */
  forgetAfterMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  freeFailures: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 24 * 3_600_000,
};

/** Failures recorded for one name from one address. */
export interface ThrottleRecord {
  failures: number;
  lastFailureAt: number;
}

/** How long logins wait after `failures` failures in a row: 0, …, 0, base, 2·base, 4·base, … ≤ max. */
export function throttleDelayMs(failures: number, policy: LoginThrottlePolicy): number {
  const beyond = failures - policy.freeFailures;
  return beyond <= 0 ? 0 : backoffDelay(beyond - 1, policy.baseDelayMs, policy.maxDelayMs);
}

/** Epoch ms until which attempts are refused (in the past or undefined: not throttled). */
export function throttledUntil(record: ThrottleRecord | undefined, policy: LoginThrottlePolicy): number | undefined {
  return record ? record.lastFailureAt + throttleDelayMs(record.failures, policy) : undefined;
}

/** The key part for a client address: IPv6 clients are counted per /56, as the rate limits do. */
export function throttleAddress(ip: string | undefined): string {
  return ipKeyGenerator(ip ?? "unknown");
}

export interface LoginThrottleRepository {
  /** The failures recorded for this name from this address; undefined when there are none. */
  get(username: string, address: string): Promise<ThrottleRecord | undefined>;
  /** Counts one failure at `at`, in one statement; failures older than `forgetBefore` start afresh. */
  recordFailure(username: string, address: string, at: number, forgetBefore: number): Promise<void>;
  /** Forgets the failures if they are still exactly `seen` (none arrived since). */
  clearIfUnchanged(username: string, address: string, seen: ThrottleRecord): Promise<void>;
  /** Removes records whose last failure is before `before`; returns how many. */
  prune(before: number): Promise<number>;
}

export class SqlLoginThrottleRepository implements LoginThrottleRepository {
  constructor(private readonly db: MetaExecutor) {}

  async get(username: string, address: string): Promise<ThrottleRecord | undefined> {
    const row = await this.db
      .selectFrom("login_throttle")
      .select(["failures", "last_failure_at"])
      .where("username", "=", username)
      .where("address", "=", address)
      .executeTakeFirst();
    return row ? { failures: row.failures, lastFailureAt: row.last_failure_at } : undefined;
  }

  async recordFailure(username: string, address: string, at: number, forgetBefore: number): Promise<void> {
    await this.db
      .insertInto("login_throttle")
      .values({ username, address, failures: 1, last_failure_at: at })
      .onConflict((oc) =>
        oc.columns(["username", "address"]).doUpdateSet((eb) => ({
          failures: eb.case().when("login_throttle.last_failure_at", "<", forgetBefore).then(1).else(eb("login_throttle.failures", "+", 1)).end(),
          // The later of the two: clocks of parallel requests may interleave.
          last_failure_at: eb.case().when("login_throttle.last_failure_at", ">", at).then(eb.ref("login_throttle.last_failure_at")).else(at).end(),
        })),
      )
      .execute();
  }

  async clearIfUnchanged(username: string, address: string, seen: ThrottleRecord): Promise<void> {
    await this.db
      .deleteFrom("login_throttle")
      .where("username", "=", username)
      .where("address", "=", address)
      .where("failures", "=", seen.failures)
      .where("last_failure_at", "=", seen.lastFailureAt)
      .execute();
  }

  async prune(before: number): Promise<number> {
    const result = await this.db.deleteFrom("login_throttle").where("last_failure_at", "<", before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** One login attempt's view of the throttle: look once, then report how it ended. */
export interface ThrottledAttempt {
  /** Attempts for this name from this address must wait: refuse, whatever the password. */
  readonly throttled: boolean;
  failed(): Promise<void>;
  succeeded(): Promise<void>;
}

const PRUNE_EVERY_MS = 3_600_000;

export class LoginThrottle {
  readonly policy: LoginThrottlePolicy;
  private lastPrune = 0;

  constructor(
    private readonly repo: LoginThrottleRepository,
    private readonly clock: Clock,
    policy: Partial<LoginThrottlePolicy> = {},
  ) {
    const merged = { ...DEFAULT_LOGIN_THROTTLE, ...policy };
    // A record must outlive the throttle it stands for.
    this.policy = { ...merged, forgetAfterMs: Math.max(merged.forgetAfterMs, merged.maxDelayMs) };
  }

  async begin(username: string, address: string): Promise<ThrottledAttempt> {
    const now = this.clock.now();
    const stored = await this.repo.get(username, address);
    const record = stored && stored.lastFailureAt >= now - this.policy.forgetAfterMs ? stored : undefined;
    const until = throttledUntil(record, this.policy);
    return {
      throttled: until !== undefined && until > now,
      // Attempts refused by the throttle are not counted: a user who retries too early waits the
      // same delay again, not a longer one.
      failed: async () => {
        const at = this.clock.now();
        await this.repo.recordFailure(username, address, at, at - this.policy.forgetAfterMs);
        await this.pruneNowAndThen(at);
      },
      succeeded: async () => {
        if (stored) await this.repo.clearIfUnchanged(username, address, stored);
      },
    };
  }

  /** Names typed by anyone pile up otherwise; what is older than forgetAfterMs counts for nothing. */
  private async pruneNowAndThen(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.repo.prune(now - this.policy.forgetAfterMs);
  }
}
