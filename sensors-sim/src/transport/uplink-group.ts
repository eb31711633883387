// Several uplinks behind the interface of one. With per-station tokens each station gets its own
// uplink, as in a network of real stations: every logger buffers, retries and authenticates on its
// own, so one station's refused token or backlog never holds up the others.
import type { SimReading } from "../reading-generator.ts";
import type { Uplink, UplinkStats } from "./uplink.ts";

export class UplinkGroup {
  private readonly uplinks = new Map<string, Uplink>();

  /** `keyOf` names the uplink a station's readings go to; `create` makes it on first use. */
  constructor(
    private readonly keyOf: (station: string) => string,
    private readonly create: (key: string) => Uplink,
  ) {}

  private uplink(key: string): Uplink {
    let uplink = this.uplinks.get(key);
    if (!uplink) this.uplinks.set(key, (uplink = this.create(key)));
    return uplink;
  }

  enqueue(readings: readonly SimReading[]): void {
    const byKey = new Map<string, SimReading[]>();
    for (const r of readings) {
      const key = this.keyOf(r.station);
      let group = byKey.get(key);
      if (!group) byKey.set(key, (group = []));
      group.push(r);
    }
    for (const [key, group] of byKey) this.uplink(key).enqueue(group);
  }

  get buffered(): number {
    let total = 0;
    for (const u of this.uplinks.values()) total += u.buffered;
    return total;
  }

  snapshot(): UplinkStats {
    const total: UplinkStats = { sent: 0, retried: 0, buffered: 0, dropped: 0, rejected: 0, flagged: { suspect: 0, fail: 0 }, requests: 0, failedRequests: 0 };
    for (const u of this.uplinks.values()) {
      const s = u.snapshot();
      total.sent += s.sent;
      total.retried += s.retried;
      total.buffered += s.buffered;
      total.dropped += s.dropped;
      total.rejected += s.rejected;
      total.flagged.suspect += s.flagged.suspect;
      total.flagged.fail += s.flagged.fail;
      total.requests += s.requests;
      total.failedRequests += s.failedRequests;
    }
    return total;
  }

  /** Resolves once every uplink holds at most `limit` readings. */
  async whenBufferedAtMost(limit: number): Promise<void> {
    await Promise.all([...this.uplinks.values()].map((u) => u.whenBufferedAtMost(limit)));
  }

  /** True when every uplink emptied its buffer within `timeoutMs`. */
  async flush(timeoutMs: number): Promise<boolean> {
    return (await Promise.all([...this.uplinks.values()].map((u) => u.flush(timeoutMs)))).every(Boolean);
  }

  async close(): Promise<void> {
    await Promise.all([...this.uplinks.values()].map((u) => u.close()));
  }
}
