// What only the leader does (leadership.ts): the alert engine with its validity watch, the outbox
// sender and the rollup rebuilds. They start when this instance becomes leader and stop when it no
// longer is, one change at a time, in order. The single instance of the embedded mode always leads,
// so there they run from the start, as they always did.
import type { Reading } from "../../../common/reading.ts";
import type { Logger } from "../../../common/logger.ts";
import type { Alerting } from "../alerts/alerting.ts";
import type { MetaStore } from "../meta/store.ts";
import type { RollupScheduler } from "../query/rollup-scheduler.ts";
import type { Clock, Scheduler } from "../util/clock.ts";
import { PostgresLeadership, SoleLeadership, type Leadership, type PostgresLeadershipOptions } from "./leadership.ts";

export type { Leadership };

export interface LeaderDuty {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface LeaderDuties {
  /** Resolves once the duties for the role now (after the latest change) are started or stopped. */
  settled(): Promise<void>;
  /** Stops following leadership and stops the duties if they run. */
  close(): Promise<void>;
}

/** The leadership the configuration asks for: on PostgreSQL (DATABASE_URL) elected, else sole. */
export function openLeadership(
  meta: MetaStore,
  databaseUrl: string | undefined,
  deps: { clock: Clock; scheduler: Scheduler; logger: Logger; options?: Partial<PostgresLeadershipOptions> },
): Promise<Leadership> {
  if (meta.dialect !== "postgres" || !databaseUrl) return Promise.resolve(new SoleLeadership());
  return PostgresLeadership.start(databaseUrl, deps.clock, deps.scheduler, deps.logger.child({ module: "leadership" }), deps.options);
}

/** Starts and stops `duties` with this instance's leadership; resolves once they follow the role it has now. */
export async function followLeadership(leadership: Leadership, duties: readonly LeaderDuty[], logger: Logger): Promise<LeaderDuties> {
  let running = false;
  let chain: Promise<void> = Promise.resolve();
  const startAll = async () => {
    if (running) return;
    running = true;
    for (const duty of duties) {
      await duty.start().catch((err: unknown) => logger.error({ err, duty: duty.name }, "a leader's duty failed to start"));
    }
  };
  const stopAll = async () => {
    if (!running) return;
    running = false;
    for (const duty of [...duties].reverse()) {
      await duty.stop().catch((err: unknown) => logger.error({ err, duty: duty.name }, "a leader's duty failed to stop"));
    }
  };
  const follow = (leader: boolean) => {
    chain = chain.then(leader ? startAll : stopAll);
  };
  const unsubscribe = leadership.onChange(follow);
  if (leadership.isLeader()) follow(true);
  await chain;
  return {
    settled: () => chain,
    close: async () => {
      unsubscribe();
      follow(false);
      await chain;
    },
  };
}

/** The leader's duties of a Water Monitor server, in the order they start. */
export function serverDuties(alerting: Alerting, rollups: RollupScheduler): LeaderDuty[] {
  return [
    { name: "rollup rebuilds", start: () => rollups.lead(), stop: async () => rollups.standBy() },
    { name: "alert engine and outbox sender", start: () => alerting.lead(), stop: () => alerting.stepDown() },
  ];
}

/**
 * The alert engine's input: readings this instance accepted, judged here while it leads. A reading
 * stream shared by the instances (REDIS_URL) replaces this with a producer on every instance and a
 * consumer on the leader (following `leadership.onChange`).
 */
export function feedAlertEngine(leadership: Leadership, alerting: Alerting): (readings: readonly Reading[]) => void {
  return (readings) => {
    if (leadership.isLeader()) alerting.engine.ingest(readings);
  };
}
