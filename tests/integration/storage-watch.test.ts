import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageHealth } from "../../common/events.ts";
import type { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { startOwnInfluxd, startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let influxd: ManagedInfluxd;
let system: TestSystem;
let socket: Socket;

beforeAll(async () => {
  influxd = await startOwnInfluxd();
  system = await startTestSystem({ STORAGE_WATCH_MS: "200" }, influxd.url);
  socket = connect(system.url, { transports: ["websocket"], forceNew: true });
  await new Promise<void>((r) => socket.once("connect", () => r()));
});
afterAll(async () => {
  socket?.close();
  await system?.stop();
  await influxd?.stop();
});

function nextStorageEvent(): Promise<StorageHealth> {
  return new Promise((resolve) => socket.once("storage", resolve));
}

describe("live storage status", () => {
  it("tells connected clients when InfluxDB goes down and when it is back", async () => {
    const down = nextStorageEvent();
    await influxd.crash();
    expect(await down).toMatchObject({ reachable: false, error: expect.stringMatching(/.+/) });
    const up = nextStorageEvent();
    await influxd.restart();
    expect(await up).toEqual({ reachable: true });
  });
});
