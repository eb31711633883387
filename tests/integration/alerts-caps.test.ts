// Per-user caps: every subscription is matched against every alert event and every rule against
// every reading, so one user cannot create them without bound. Beyond the cap: 409 with a message
// that names the cap and says what to do, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders } from "../helpers/auth.ts";
import { api, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";

let system: AlertTestSystem;
beforeAll(async () => {
  system = await startAlertSystem({ MAX_SUBSCRIPTIONS_PER_USER: "2", MAX_ALERT_RULES_PER_USER: "2" });
});
afterAll(async () => {
  await system?.stop();
});

const rule = (name: string) => ({ name, kind: "max", parameter: "ph", threshold: 9 });
const subscription = { channel: "in-app", stations: ["DE-ELBE-ZEHREN"] };

describe("per-user caps", () => {
  it("refuses a third alert rule of the same user with 409, names the cap, stores nothing; others are unaffected", async () => {
    const researcher = await authHeaders(system, "researcher");
    for (const name of ["one", "two"]) expect((await api(system, "POST", "/api/v1/alert-rules", researcher, rule(name))).status).toBe(201);
    const before = (await api(system, "GET", "/api/v1/alert-rules", researcher)).body.rules.length;
    const refused = await api(system, "POST", "/api/v1/alert-rules", researcher, rule("three"));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("limit_reached");
    expect(refused.body.error.message).toMatch(/created 2 alert rules, the most one user may have \(2\): delete one/);
    expect((await api(system, "GET", "/api/v1/alert-rules", researcher)).body.rules.length).toBe(before);
    const other = await authHeaders(system, "researcher");
    expect((await api(system, "POST", "/api/v1/alert-rules", other, rule("someone else's"))).status).toBe(201);
  });

  it("refuses a third subscription of the same user with 409, and allows one again after a delete", async () => {
    const researcher = await authHeaders(system, "researcher");
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await api(system, "POST", "/api/v1/subscriptions", researcher, subscription);
      expect(created.status).toBe(201);
      ids.push(created.body.subscription.id as number);
    }
    const refused = await api(system, "POST", "/api/v1/subscriptions", researcher, subscription);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/You have 2 subscriptions, the most one user may have \(2\): delete one/);
    expect((await api(system, "GET", "/api/v1/subscriptions", researcher)).body.subscriptions).toHaveLength(2);
    expect((await api(system, "DELETE", `/api/v1/subscriptions/${ids[0]}`, researcher)).status).toBe(204);
    expect((await api(system, "POST", "/api/v1/subscriptions", researcher, subscription)).status).toBe(201);
  });
});
