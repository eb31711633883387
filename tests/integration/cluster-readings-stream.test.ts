// The readings stream between instances (server/src/cluster/redis-readings.ts) on a real Redis: every
// instance hears the others' readings; only the leader's engine judges them, each once; a new leader
// takes over what a leader that died had read but never acknowledged.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { QC } from "../../common/reading.ts";
import { connectRedis, type RedisConnection } from "../../server/src/cluster/redis-connection.ts";
import { CLAIM_IDLE_MS, RedisReadingStream, type Leadership } from "../../server/src/cluster/redis-readings.ts";
import { TestRedisServer } from "../helpers/redis-server.ts";
import { testLogger, uniqueDatabase } from "../helpers/test-system.ts";

class LeaderFlag implements Leadership {
  private readonly listeners = new Set<(leader: boolean) => void>();
  constructor(private leader: boolean) {}
  isLeader(): boolean {
    return this.leader;
  }
  onChange(listener: (leader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(leader: boolean): void {
    this.leader = leader;
    for (const l of this.listeners) l(leader);
  }
}

interface Instance {
  stream: RedisReadingStream;
  leadership: LeaderFlag;
  judged: number[];
  heard: number[];
  connections: RedisConnection[];
}

let redis: TestRedisServer;
let key: string;
const running: Instance[] = [];

beforeAll(async () => {
  redis = await TestRedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  for (const i of running.splice(0)) {
    await i.stream.close(500);
    for (const c of i.connections) if (c.isOpen) c.destroy();
  }
});

async function instance(id: string, leader: boolean, judge: (values: number[]) => Promise<void> = async () => undefined): Promise<Instance> {
  const connections = await Promise.all(["commands", "fan-out", "engine"].map((role) => connectRedis(redis.url, { logger: testLogger, role, failFastWhenDown: role === "commands" })));
  const [commands, fanoutReader, groupReader] = connections as [RedisConnection, RedisConnection, RedisConnection];
  const leadership = new LeaderFlag(leader);
  const judged: number[] = [];
  const heard: number[] = [];
  const stream = new RedisReadingStream({
    key,
    instanceId: id,
    commands,
    fanoutReader,
    groupReader,
    leadership,
    logger: testLogger,
    sinks: {
      elsewhere: (readings) => heard.push(...readings.map((r) => r.value!)),
      once: async (readings) => {
        await judge(readings.map((r) => r.value!));
        judged.push(...readings.map((r) => r.value!));
      },
    },
  });
  await stream.start();
  const made = { stream, leadership, judged, heard, connections };
  running.push(made);
  return made;
}

const reading = (value: number): Reading => ({
  station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "S1", time: 1_795_000_000_000 + value, value,
  qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, qc: QC.pass,
});

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("the readings stream", () => {
  it("gives every instance the others' readings, and the leader's engine each reading once", async () => {
    key = `wm:${uniqueDatabase()}:readings`;
    const x = await instance("x", true);
    const y = await instance("y", false);
    x.stream.publish([reading(1), reading(2)]);
    y.stream.publish([reading(3)]);
    y.stream.publish([reading(4)]);
    await until("the leader judged all four", () => x.judged.length >= 4);
    await until("each heard the other's", () => x.heard.length >= 2 && y.heard.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(x.judged.sort()).toEqual([1, 2, 3, 4]);
    expect(y.judged).toEqual([]);
    expect(x.heard.sort()).toEqual([3, 4]);
    expect(y.heard.sort()).toEqual([1, 2]);
  });

  it("judges nothing while no instance leads, and everything once one does", async () => {
    key = `wm:${uniqueDatabase()}:readings`;
    const x = await instance("x", false);
    x.stream.publish([reading(5)]);
    await new Promise((r) => setTimeout(r, 500));
    expect(x.judged).toEqual([]);
    x.leadership.set(true);
    await until("the new leader judged it", () => x.judged.length === 1);
    expect(x.judged).toEqual([5]);
  });

  it("lets a new leader take over what a leader read and never acknowledged (it died mid-batch)", async () => {
    key = `wm:${uniqueDatabase()}:readings`;
    // x reads the entry, then hangs for ever inside the engine: what a process killed mid-batch leaves.
    const x = await instance("x", true, () => new Promise<void>(() => undefined));
    const y = await instance("y", false);
    y.stream.publish([reading(6)]);
    await new Promise((r) => setTimeout(r, 500));
    for (const c of x.connections) c.destroy();
    const tookOver = Date.now();
    y.leadership.set(true);
    await until("y judged the abandoned entry", () => y.judged.length === 1, CLAIM_IDLE_MS + 5_000);
    expect(y.judged).toEqual([6]);
    expect(Date.now() - tookOver).toBeLessThan(CLAIM_IDLE_MS + 3_000);
  }, 20_000);
});
