// REDIS_URL at the edge: a URL that is not Redis is refused by the settings, one that leads nowhere
// stops the start with a message naming REDIS_URL (never its password), and the server process
// exits non-zero with it.
import { describe, expect, inject, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/src/config.ts";
import { connectRedis, RedisUnreachableError } from "../../server/src/cluster/redis-connection.ts";
import { runMainUntilExit } from "../helpers/main-process.ts";
import { freePort } from "../helpers/ports.ts";
import { tempDirsPerTest, testLogger } from "../helpers/test-system.ts";

const tempDir = tempDirsPerTest();

describe("REDIS_URL", () => {
  it.each([
    ["http://127.0.0.1:6379", /REDIS_URL="http:\/\/127\.0\.0\.1:6379": must be a redis:\/\/ or rediss:\/\/ URL/],
    ["redis-host:6379", /REDIS_URL=.*must be a redis:\/\/ or rediss:\/\/ URL/],
  ])("refuses %s as a setting", (value, message) => {
    expect(() => loadConfig({ REDIS_URL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: value })).toThrow(message);
  });

  it("takes redis:// and rediss:// URLs; without one there is no Redis", () => {
    expect(loadConfig({ REDIS_URL: "rediss://:pw@cache.example.org:6380/2" }).redisUrl).toBe("rediss://:pw@cache.example.org:6380/2");
    expect(loadConfig({}).redisUrl).toBeUndefined();
  });

  it("stops the start with a message naming REDIS_URL, without its password, when nothing answers there", async () => {
    const url = `redis://:s3cret-pw@127.0.0.1:${await freePort()}`;
    const refused = await connectRedis(url, { logger: testLogger, role: "test" }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RedisUnreachableError);
    expect((refused as Error).message).toMatch(/^REDIS_URL redis:\/\/127\.0\.0\.1:\d+: cannot reach Redis \(.*ECONNREFUSED/);
    expect((refused as Error).message).not.toContain("s3cret-pw");
  });

  it("makes the server process exit non-zero with that message", async () => {
    const port = await freePort();
    const { code, stderr } = await runMainUntilExit({ DATA_DIR: tempDir("wm-redis-main-"), INFLUX_URL: inject("influxUrl"), REDIS_URL: `redis://:s3cret-pw@127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(stderr).toContain(`Water Monitor failed to start: REDIS_URL redis://127.0.0.1:${port}: cannot reach Redis`);
    expect(stderr).not.toContain("s3cret-pw");
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
