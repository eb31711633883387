// The maintenance windows in memory, by station, for the hot paths: ingest marks every reading taken
// inside one, the alert engine holds the series they cover. Reloaded from the store after each change
// (windows change a few times a day; readings arrive thousands of times a second). Held breaches are
// collected here from the engine's synchronous path and written in the background.
import { windowAt, type MaintenanceWindow } from "../../../common/maintenance.ts";
import type { Logger } from "../../../common/logger.ts";
import { SerialQueue } from "../util/serial-queue.ts";
import type { HeldAlert, MaintenanceRepository } from "./maintenance-repository.ts";

export class MaintenanceCalendar {
  private byStation = new Map<string, MaintenanceWindow[]>();
  private pending = new Map<string, HeldAlert>();
  private readonly writes: SerialQueue;

  constructor(
    private readonly repo: MaintenanceRepository,
    private readonly logger: Logger,
  ) {
    this.writes = new SerialQueue((err) => logger.error({ err }, "could not record alerts held by maintenance"));
  }

  /** Reads every window again (after a change, and at start). */
  async reload(): Promise<void> {
    const next = new Map<string, MaintenanceWindow[]>();
    for (const w of await this.repo.list()) {
      if (w.to <= w.from) continue; // cancelled before it began
      let list = next.get(w.station);
      if (!list) next.set(w.station, (list = []));
      list.push(w);
    }
    this.byStation = next;
  }

  /** The window covering a station's parameter (null: the station as a whole) at `at`. */
  readonly windowAt = (station: string, parameter: string | null, at: number): MaintenanceWindow | undefined => {
    const list = this.byStation.get(station);
    return list === undefined ? undefined : windowAt(list, station, parameter, at);
  };

  inMaintenance(station: string, parameter: string, at: number): boolean {
    return this.windowAt(station, parameter, at) !== undefined;
  }

  /** A breach the window kept from being sent: recorded (merged per rule × series) in the background. */
  noteHeld(window: MaintenanceWindow, ruleId: number, seriesKey: string, at: number): void {
    const key = `${window.id}\t${ruleId}\t${seriesKey}`;
    const held = this.pending.get(key);
    if (held) {
      held.firstAt = Math.min(held.firstAt, at);
      held.lastAt = Math.max(held.lastAt, at);
      held.count++;
      return;
    }
    this.pending.set(key, { windowId: window.id, ruleId, seriesKey, firstAt: at, lastAt: at, count: 1 });
    if (this.pending.size === 1) {
      this.logger.info({ window: window.id, station: window.station, parameter: window.parameter, rule: ruleId }, "alert held: the series is in maintenance");
      this.writes.push(() => this.flush());
    }
  }

  /** Resolves once every held breach noted so far is written. */
  idle(): Promise<void> {
    return this.writes.idle();
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length > 0) await this.repo.addHeld(batch);
  }
}
