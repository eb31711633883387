import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { isLocalAddress, localTargetProblem, publicOnlyLookup } from "../../server/src/alerts/webhook-target.ts";

describe("webhook targets", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.255.0.9", true],
    ["10.20.30.40", true],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["192.168.1.10", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["224.0.0.1", true],
    ["::1", true],
    ["::", true],
    ["::ffff:7f00:1", true],
    ["fd12:3456::1", true],
    ["fe80::1", true],
    ["8.8.8.8", false],
    ["172.32.0.1", false],
    ["141.30.1.1", false],
    ["2a00:1450:4001::200e", false],
    ["example.org", false],
  ])("%s is local: %s", (address, local) => {
    expect(isLocalAddress(address)).toBe(local);
  });

  it.each([
    "http://127.0.0.1:8086/query?q=DROP%20DATABASE%20water_monitor",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://[::1]:9000/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://192.168.0.5/hook",
    "https://localhost/hook",
    "https://LOCALHOST./hook",
    "https://grafana.localhost/hook",
  ])("refuses %s without DNS and says how to allow it", (url) => {
    expect(localTargetProblem(new URL(url))).toMatch(/local-network address .*WEBHOOK_ALLOW_LOCAL=true/);
  });

  it.each(["https://alerts.example.org/hook", "http://141.30.1.1:8080/hook", "https://[2a00:1450:4001::200e]/"])("leaves %s to delivery", (url) => {
    expect(localTargetProblem(new URL(url))).toBeUndefined();
  });
});

describe("the delivery-time lookup", () => {
  /** Fixed answers, for the lookup's own logic (tests/integration/webhook-guard.test.ts asks a real DNS server). */
  const resolver = (answers: Record<string, LookupAddress[]>) => async (hostname: string) => answers[hostname] ?? [];
  const lookup = publicOnlyLookup(
    resolver({
      "rebind.example.org": [{ address: "127.0.0.1", family: 4 }],
      "mixed.example.org": [{ address: "93.184.215.14", family: 4 }, { address: "10.0.0.7", family: 4 }],
      "public.example.org": [{ address: "93.184.215.14", family: 4 }, { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 }],
    }),
  );
  const run = (host: string, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      lookup(host, { all }, (err, address, family) => resolve({ err, address, family })),
    );

  it("refuses a name that resolves to a local address, even when one of several is", async () => {
    expect((await run("rebind.example.org", false)).err?.message).toMatch(/rebind\.example\.org resolves to a local-network address \(127\.0\.0\.1\)/);
    expect((await run("mixed.example.org", true)).err?.code).toBe("EWEBHOOKREFUSED");
  });

  it("passes public addresses through in the form the caller asked for", async () => {
    expect(await run("public.example.org", false)).toEqual({ err: null, address: "93.184.215.14", family: 4 });
    const all = await run("public.example.org", true);
    expect(all.err).toBeNull();
    expect(all.address).toHaveLength(2);
  });
});
