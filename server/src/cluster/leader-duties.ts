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

/** Readings held for an engine that is starting: at most this many (a minute of a large network). */
const STARTING_BACKLOG_MAX = 200_000;

/**
 * The alert engine's input: readings judged while this instance leads. Between becoming leader and
 * the engine having loaded its states and windows, readings are held and judged once it has; before
 * and after leading they are not this instance's to judge.
 */
class AlertFeed {
  private state: "off" | "starting" | "on" = "off";
  private held: Array<readonly Reading[]> = [];
  private heldCount = 0;

  constructor(
    private readonly alerting: Alerting,
    private readonly logger: Logger,
  ) {}

  readonly ingest = (readings: readonly Reading[]): void => {
    if (this.state === "on") this.alerting.engine.ingest(readings);
    else if (this.state === "starting") {
      if (this.heldCount + readings.length > STARTING_BACKLOG_MAX) {
        this.logger.warn({ readings: readings.length }, "alert engine still starting and its backlog is full: readings not judged");
        return;
      }
      this.held.push(readings);
      this.heldCount += readings.length;
    }
  };

  starting(): void {
    this.state = "starting";
  }

  started(): void {
    this.state = "on";
    const held = this.held.splice(0);
    this.heldCount = 0;
    for (const readings of held) this.alerting.engine.ingest(readings);
  }

  stopped(): void {
    this.state = "off";
    this.held = [];
    this.heldCount = 0;
  }
}

export interface ServerLeaderDuties extends LeaderDuties {
  /**
   * Where every accepted reading goes for the alert engine (system.ts: the readings this instance
   * accepts). A reading stream shared by the instances (REDIS_URL) feeds this on the leader instead,
   * from its consumer, and this instance's own accepted readings go to the stream.
   */
  feedAlertEngine(readings: readonly Reading[]): void;
}

/**
 * How often the leader's engine reads the rules again when instances share the database: a rule
 * made, edited or deleted at another instance is heard of there only (rule-repository.ts onChange).
 */
const RULE_SYNC_MS = 5_000;

/** The leader's duties of a Water Monitor server, following `leadership` from now on. */
export async function startLeaderDuties(
  leadership: Leadership,
  alerting: Alerting,
  rollups: RollupScheduler,
  { logger, scheduler }: { logger: Logger; scheduler: Scheduler },
): Promise<ServerLeaderDuties> {
  const feed = new AlertFeed(alerting, logger);
  let stopRuleSync: (() => void) | undefined;
  let stopRollupSync: (() => void) | undefined;
  const duties: LeaderDuty[] = [
    {
      name: "rollup rebuilds",
      start: async () => {
        await rollups.lead();
        // Other instances store readings too: the hours they mark dirty are rebuilt here.
        if (leadership.shared) stopRollupSync = scheduler.every(RULE_SYNC_MS, () => void rollups.refreshDirty().catch((err: unknown) => logger.warn({ err }, "reading other instances' dirty rollup hours failed")));
      },
      stop: async () => {
        stopRollupSync?.();
        rollups.standBy();
      },
    },
    {
      name: "alert engine and outbox sender",
      start: async () => {
        feed.starting();
        await alerting.lead();
        feed.started();
        if (leadership.shared) stopRuleSync = scheduler.every(RULE_SYNC_MS, () => void alerting.engine.rulesChangedElsewhere());
      },
      stop: async () => {
        stopRuleSync?.();
        feed.stopped();
        await alerting.stepDown();
      },
    },
  ];
  const following = await followLeadership(leadership, duties, logger);
  return { ...following, feedAlertEngine: feed.ingest };
}
