// Administration in a real browser: users, station tokens, the public-dashboard switch and the
// audit log; names and labels an attacker chose are shown as text and never run.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, loginSession, type LoginSession, type TestUser } from "../helpers/auth.ts";
import type { TestSystem } from "../helpers/test-system.ts";
import { ARTIFACTS, failOnPageErrors } from "./e2e-kit.ts";
import { XSS, logInThroughForm, newWatchedPage, startLoginOnlySystem, type WatchedPage } from "./auth-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

describe("administration in Chromium", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let admin: TestUser;
  let otherAdmin: LoginSession;
  let w: WatchedPage;

  beforeAll(async () => {
    system = await startLoginOnlySystem();
    admin = await createUser(system, "admin");
    otherAdmin = await loginSession(system, "admin");
    w = await newWatchedPage(browser());
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => w?.problems);

  const post = (p: string, body: unknown) =>
    fetch(`${system!.url}${p}`, { method: "POST", headers: otherAdmin.headers, body: JSON.stringify(body) });
  const xssRan = () => w.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);

  it("shows an admin the administration link and the users", async () => {
    await w.page.goto(`${system!.url}/#/admin/users`);
    await logInThroughForm(w.page, admin.username, admin.password);
    await w.page.waitForSelector(`[data-testid=users] tr[data-user-id='${admin.id}']`);
    expect(new URL(w.page.url()).hash).toBe("#/admin/users");
    expect(await w.page.locator("header nav a[href='#/admin/users']").count()).toBe(1);
    expect(await w.page.locator(`tr[data-user-id='${admin.id}']`).textContent()).toContain("(you)");
    // One cannot delete oneself.
    expect(await w.page.locator(`tr[data-user-id='${admin.id}'] [data-action=delete]`).count()).toBe(0);
  });

  it("creates a user, changes the role, disables, resets the password and deletes", async () => {
    const form = "[data-testid=user-form]";
    await w.page.fill(`${form} input[name=username]`, "lab.assistant");
    await w.page.fill(`${form} input[name=password]`, "correct horse battery");
    await w.page.selectOption(`${form} select[name=role]`, "viewer");
    await w.page.click(`${form} button[type=submit]`);
    await w.page.waitForSelector("[data-testid=notice][data-kind=ok]");
    const user = (await system!.auth.users.credentials("lab.assistant"))!.user;
    const row = w.page.locator(`tr[data-user-id='${user.id}']`);
    await row.waitFor();
    expect(user.role).toBe("viewer");

    await row.locator("select[data-action=role]").selectOption("researcher");
    await expect.poll(async () => (await system!.auth.users.byId(user.id))?.role).toBe("researcher");

    await row.locator("[data-action=toggle-disabled]").click();
    await expect.poll(async () => (await system!.auth.users.byId(user.id))?.disabled).toBe(true);
    await w.page.waitForSelector(`tr[data-user-id='${user.id}'][data-disabled=true]`);
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-admin-users.png"), fullPage: true });
    await row.locator("[data-action=toggle-disabled]").click();
    await w.page.waitForSelector(`tr[data-user-id='${user.id}'][data-disabled=false]`);

    // A password reset revokes the user's API tokens unless the admin unticks the box.
    const { token } = await system!.auth.apiTokens.create(user.id, "script", "researcher", null);
    await row.locator("[data-action=reset-password]").click();
    expect(await row.locator(".row-form input[name=revokeTokens]").isChecked()).toBe(true);
    await row.locator(".row-form input[type=password]").fill("a brand new password");
    await row.locator(".row-form button[type=submit]").click();
    await w.page.waitForSelector("[data-testid=notice][data-kind=ok]");
    expect((await fetch(`${system!.url}/api/v1/latest`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const login = await fetch(`${system!.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "lab.assistant", password: "a brand new password" }),
    });
    expect(login.status).toBe(200);

    const del = row.locator("[data-action=delete]");
    await del.click();
    await del.click();
    await w.page.waitForSelector(`tr[data-user-id='${user.id}']`, { state: "detached" });
    expect(await system!.auth.users.byId(user.id)).toBeUndefined();
  });

  it("shows the server's refusal of a bad new user", async () => {
    const form = "[data-testid=user-form]";
    await w.page.fill(`${form} input[name=username]`, admin.username);
    await w.page.fill(`${form} input[name=password]`, "long enough password");
    await w.page.click(`${form} button[type=submit]`);
    const notice = w.page.locator("[data-testid=notice][data-kind=error]");
    await notice.waitFor();
    expect(await notice.textContent()).toContain("exists already");
  });

  it("creates a station token for chosen stations, shows it once, lists it by prefix and revokes it", async () => {
    await w.page.click("a.tab[data-section=station-tokens]");
    const form = "[data-testid=station-token-form]";
    await w.page.waitForSelector(form);
    await w.page.fill(`${form} input[name=label]`, "Zehren gateway");
    await w.page.check(`${form} input[value=DE-ELBE-ZEHREN]`);
    await w.page.check(`${form} input[value=DE-ELBE-SCHMILKA]`);
    await w.page.click(`${form} button[type=submit]`);
    const token = await w.page.locator("[data-testid=secret-value]").inputValue();
    expect(token).toMatch(/^wmst_/);
    const info = system!.auth && (await fetch(`${system!.url}/api/v1/admin/station-tokens`, { headers: otherAdmin.headers }).then((r) => r.json()));
    const created = (info as { tokens: Array<{ id: number; label: string; stations: string[] }> }).tokens.find((t) => t.label === "Zehren gateway")!;
    expect(created.stations.sort()).toEqual(["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN"]);
    const row = w.page.locator(`[data-testid=station-tokens] tr[data-token-id='${created.id}']`);
    await row.waitFor();
    expect(await row.locator("code").textContent()).toBe(`${token.split("_").slice(0, 2).join("_")}_…`);
    expect(await row.textContent()).toContain("Zehren (Elbe, below Dresden)");
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-admin-station-token.png"), fullPage: true });

    const write = () =>
      fetch(`${system!.url}/api/v1/readings`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ readings: [{ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", time: Date.now(), value: 101 }] }),
      });
    expect((await write()).status).toBeLessThan(300);
    const revoke = row.locator("button.danger");
    await revoke.click();
    await revoke.click();
    await w.page.waitForSelector(`[data-testid=station-tokens] tr[data-token-id='${created.id}'][data-state=revoked]`);
    expect((await write()).status).toBe(401);
  });

  it("switches the public dashboard on and off", async () => {
    await w.page.click("a.tab[data-section=settings]");
    const toggle = w.page.locator("[data-testid=public-dashboard]");
    await expect.poll(() => toggle.isEnabled()).toBe(true);
    expect(await toggle.isChecked()).toBe(false);
    const anonymousRead = () => fetch(`${system!.url}/api/v1/stations`).then((r) => r.status);
    expect(await anonymousRead()).toBe(401);
    await w.page.click(".switch");
    await w.page.waitForSelector("[data-testid=notice][data-kind=ok]");
    expect(await anonymousRead()).toBe(200);
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-admin-settings.png"), fullPage: true });
    await w.page.click(".switch");
    await expect.poll(anonymousRead).toBe(401);
  });

  it("shows hostile user names and token labels as text, and runs none of it", async () => {
    await createUser(system!, "viewer", XSS); // the admin API refuses such names; older data may hold them
    expect((await post("/api/v1/admin/station-tokens", { label: XSS, stations: ["*"] })).status).toBe(201);
    await w.page.click("a.tab[data-section=users]");
    const name = w.page.locator("[data-testid=users] .user-name", { hasText: XSS });
    await name.waitFor();
    expect(await name.textContent()).toBe(XSS);
    expect(await w.page.locator("main img").count()).toBe(0);
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-admin-xss-users.png"), fullPage: true });

    await w.page.click("a.tab[data-section=station-tokens]");
    const label = w.page.locator("[data-testid=station-tokens] .token-label", { hasText: XSS });
    await label.waitFor();
    expect(await label.textContent()).toBe(XSS);
    expect(await w.page.locator("main img").count()).toBe(0);

    await w.page.click("a.tab[data-section=audit]");
    await w.page.waitForSelector("[data-testid=audit] tr[data-action='station-token.create']");
    expect(await w.page.locator("[data-testid=audit]").textContent()).toContain(`label: ${XSS}`);
    expect(await w.page.locator("main img").count()).toBe(0);
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-admin-audit.png"), fullPage: true });
    expect(await xssRan()).toBeUndefined();
  });

  it("keeps the administration from non-admins (and the server refuses them anyway)", async () => {
    const researcher = await createUser(system!, "researcher");
    const other = await newWatchedPage(browser());
    try {
      await other.page.goto(`${system!.url}/#/admin/users`);
      await logInThroughForm(other.page, researcher.username, researcher.password);
      await other.page.waitForSelector(".admin .state-error");
      expect(await other.page.locator(".admin").textContent()).toContain("for administrators");
      expect(await other.page.locator("header nav a[href^='#/admin']").count()).toBe(0);
      expect(other.problems).toEqual([]);
    } finally {
      await other.context.close();
    }
  });
});
