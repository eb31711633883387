import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/src/config.ts";
import { tempDirsPerTest } from "../helpers/test-system.ts";

const tempDir = tempDirsPerTest();
const configDir = (): string => tempDir("wm-config-");

describe("loadConfig", () => {
  it("applies documented defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe("127.0.0.1");
    expect(config.influx).toMatchObject({ url: undefined, port: 8086, database: "water_monitor" });
    expect(config.simulator.enabled).toBe(true);
    expect(config.ingest.maxReadings).toBe(10_000);
    expect(config.heapGrowingPercent).toBe(100);
    expect(config.heapSlackMb).toBe(96);
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  it("returns a deeply frozen object", () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.influx)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it.each([
    ["PORT", "seventy", /PORT="seventy"/],
    ["PORT", "70000", /PORT="70000"/],
    ["INFLUX_URL", "ftp://db", /INFLUX_URL="ftp:\/\/db": must be an http\(s\) URL/],
    ["DATABASE_URL", "mysql://db/water", /DATABASE_URL="mysql:\/\/db": must be a postgres:\/\/ URL/],
    ["DATABASE_URL", "water_monitor", /DATABASE_URL=.*must be a postgres:\/\/ URL/],
    ["LOG_LEVEL", "loud", /LOG_LEVEL="loud"/],
    ["SIMULATOR", "maybe", /SIMULATOR="maybe"/],
    ["INFLUX_DATABASE", "drop;measurement", /INFLUX_DATABASE=.*letters, digits and underscores/],
    ["ADMIN_PASSWORD", "short", /ADMIN_PASSWORD=.*at least 10 characters/],
    ["SESSION_TTL_HOURS", "-1", /SESSION_TTL_HOURS="-1"/],
    ["INFLUX_WRITE_CONSISTENCY", "majority", /INFLUX_WRITE_CONSISTENCY="majority": must be any, one, quorum or all/],
    ["INFLUX_ROLLUPS", "tasks", /INFLUX_ROLLUPS="tasks": must be auto, continuous-queries or scheduler/],
    ["TRUST_PROXY", "10.0.0.0/33", /TRUST_PROXY="10.0.0.0\/33": a hop count/],
    ["TRUST_PROXY", "loopback, proxy.example.org", /TRUST_PROXY=.*comma-separated addresses and CIDR ranges/],
    ["TRUST_PROXY", "true", /TRUST_PROXY="true"/],
    ["INGEST_ACK", "fsync", /INGEST_ACK="fsync": must be journal or stored/],
    ["HEAP_GROWING_PERCENT", "-5", /HEAP_GROWING_PERCENT="-5"/],
    ["HEAP_GROWING_PERCENT", "2.5", /HEAP_GROWING_PERCENT="2.5"/],
    ["HEAP_SLACK_MB", "-1", /HEAP_SLACK_MB="-1"/],
  ])("rejects %s=%s with a message naming the variable", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it.each([
    ["INFLUX_URL", "ftp://monitor:s3cret-pw@db.example.org:8086/?token=t0ken", /INFLUX_URL="ftp:\/\/db.example.org:8086"/],
    ["SMTP_URL", "http://mailer:s3cret-pw@mail.example.org/?token=t0ken", /SMTP_URL="http:\/\/mail.example.org:80"/],
    ["DATABASE_URL", "mysql://water:s3cret-pw@db.example.org:3306/wm?token=t0ken", /DATABASE_URL="mysql:\/\/db.example.org:3306"/],
    ["ADMIN_PASSWORD", "s3cret-pw", /ADMIN_PASSWORD=\(hidden\): at least 10 characters/],
  ])("names a bad %s without echoing its secrets", (name, value, message) => {
    let text = "";
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      text = (err as Error).message;
    }
    expect(text).toMatch(message);
    expect(text).not.toContain("s3cret-pw");
    expect(text).not.toContain("t0ken");
  });

  it.each([
    [undefined, "loopback"],
    ["2", 2],
    ["loopback, 10.0.0.0/8 ,fd00::/8", "loopback,10.0.0.0/8,fd00::/8"],
    ["192.168.1.7", "192.168.1.7"],
  ])("reads TRUST_PROXY=%s as express's trust proxy %j", (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it("sends no write consistency and lets auto choose who builds rollups, unless told", () => {
    expect(loadConfig({}).influx).toMatchObject({ rollups: "auto", writeConsistency: undefined });
    expect(loadConfig({ INFLUX_WRITE_CONSISTENCY: "quorum", INFLUX_ROLLUPS: "scheduler" }).influx).toMatchObject({ rollups: "scheduler", writeConsistency: "quorum" });
  });

  it("keeps the metadata in SQLite unless DATABASE_URL names a PostgreSQL", () => {
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    for (const url of ["postgres://water:pw@127.0.0.1:5432/water_monitor", "postgresql://db.example.org/wm"]) {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    }
  });

  const PG = "postgres://water:pw@127.0.0.1:5432/water_monitor";
  it.each([
    ["nothing set", {}, "journal", true],
    ["DATABASE_URL (several instances)", { DATABASE_URL: PG }, "stored", false],
    ["INGEST_ACK=journal with DATABASE_URL", { DATABASE_URL: PG, INGEST_ACK: "journal" }, "journal", true],
    ["INGEST_ACK=stored on SQLite", { INGEST_ACK: "stored" }, "stored", false],
    ["INGEST_ACK=stored with INGEST_JOURNAL=on", { DATABASE_URL: PG, INGEST_JOURNAL: "on" }, "stored", true],
    ["INGEST_JOURNAL=off", { INGEST_JOURNAL: "off" }, "journal", false],
  ])("answers ingest when INGEST_ACK says, journaling when INGEST_JOURNAL says: %s", (_name, env, ack, journal) => {
    expect(loadConfig(env).ingest).toMatchObject({ ack, journal });
  });

  it("reads a JSON config file and lets the environment override it", () => {
    const dir = configDir();
    const file = path.join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ PORT: 4000, INFLUX_DATABASE: "from_file", SIMULATOR: "off" }));
    const config = loadConfig({ CONFIG_FILE: file, PORT: "5000" });
    expect(config.port).toBe(5000);
    expect(config.influx.database).toBe("from_file");
    expect(config.simulator.enabled).toBe(false);
  });

  it("names the file when the config file is not valid JSON", () => {
    const dir = configDir();
    const file = path.join(dir, "bad.json");
    writeFileSync(file, "{ not json");
    expect(() => loadConfig({ CONFIG_FILE: file })).toThrow(/CONFIG_FILE .*bad\.json/);
  });
});
