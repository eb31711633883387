// Logging in and out in a real browser on a login-only installation (PUBLIC_DASHBOARD=off): the
// login page instead of broken pages, clear errors, back to where one came from, the old cookie
// refused after logout, "log out everywhere", personal API tokens shown once, and changing one's
// password (which revokes one's API tokens unless the box is unticked).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type TestUser } from "../helpers/auth.ts";
import type { TestSystem } from "../helpers/test-system.ts";
import { ARTIFACTS, failOnPageErrors } from "./e2e-kit.ts";
import { logInThroughForm, newWatchedPage, sessionCookie, startLoginOnlySystem, type WatchedPage } from "./auth-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

describe("login and logout in Chromium (login-only installation)", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let researcher: TestUser;
  let w: WatchedPage;

  beforeAll(async () => {
    // The default first delay (1 s after the fourth failure) is shorter than a browser login on a
    // loaded test machine; a minute keeps the throttled-login test inside it.
    system = await startLoginOnlySystem({ loginThrottle: { baseDelayMs: 60_000 } });
    researcher = await createUser(system, "researcher");
    w = await newWatchedPage(browser());
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => w?.problems);

  const api = (p: string, headers: Record<string, string> = {}) => fetch(`${system!.url}${p}`, { headers });

  it("shows the login page, not a broken dashboard, to an anonymous visitor", async () => {
    await w.page.goto(`${system!.url}/`);
    await w.page.waitForSelector(".login-form");
    expect(new URL(w.page.url()).hash).toBe("#/login");
    expect(await w.page.locator(".login").textContent()).toContain("visible to logged-in users only");
    expect(await w.page.locator(".card").count()).toBe(0);
    expect(await w.page.locator(".state-error").count()).toBe(0);
    // Nothing to navigate to yet, and no "Log in" link pointing at the page one is on.
    expect(await w.page.locator("nav .nav-link").count()).toBe(0);
    expect(await w.page.locator("[data-testid=login-link]").count()).toBe(0);
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-login.png"), fullPage: true });
  });

  it("says so when the password is wrong, and stays on the login page", async () => {
    await logInThroughForm(w.page, researcher.username, "not-the-password");
    const error = w.page.locator("[data-testid=login-error]");
    await error.waitFor({ state: "visible" });
    expect(await error.textContent()).toMatch(/^Wrong username or password\. After several failed attempts, .*wait, then try again\.$/);
    expect(await w.page.inputValue(".login-form input[name=password]")).toBe("");
    expect(new URL(w.page.url()).hash).toBe("#/login");
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-login-wrong-password.png"), fullPage: true });
  });

  it("logs a researcher in to the overview with data, and shows who is logged in", async () => {
    await logInThroughForm(w.page, researcher.username, researcher.password);
    await w.page.waitForSelector(".card[data-status]");
    expect(new URL(w.page.url()).hash).toBe("#/");
    await w.page.waitForFunction(() => document.querySelectorAll(".card .sparkline path[d^='M']").length >= 8);
    expect(await w.page.locator(".card[data-station='DE-ELBE-ZEHREN'] tr[data-parameter='carbamazepine'] .num").textContent()).toBe("120 ng/L");
    expect(await w.page.locator("[data-testid=session-username]").textContent()).toBe(researcher.username);
    expect(await w.page.locator("[data-testid=session-role]").textContent()).toBe("Researcher");
    // Live data needs a session too: the socket reconnects with the new cookie.
    await expect.poll(() => w.page.locator("[data-testid=connection]").getAttribute("data-state"), { timeout: 10_000 }).toBe("connected");
    // Not an admin: no administration link.
    expect(await w.page.locator("header nav a[href^='#/admin']").count()).toBe(0);
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-overview-researcher.png"), fullPage: true });
  });

  it("logs out to the login page, after which the API refuses the old cookie (401)", async () => {
    const cookie = await sessionCookie(w.context);
    expect((await api("/api/v1/latest", { cookie })).status).toBe(200);
    await w.page.click("[data-testid=logout]");
    await w.page.waitForSelector(".login-form");
    expect(await w.page.locator("[data-testid=session]").getAttribute("data-state")).toBe("anonymous");
    expect((await api("/api/v1/latest", { cookie })).status).toBe(401);
    expect((await api("/api/v1/auth/session", { cookie }).then((r) => r.json())).user).toBeNull();
  });

  it("comes back to the page asked for after logging in", async () => {
    await w.page.goto(`${system!.url}/#/station/DE-ELBE-ZEHREN?range=24h`);
    await w.page.waitForSelector(".login-form");
    expect(new URLSearchParams(new URL(w.page.url()).hash.split("?")[1]).get("next")).toBe("#/station/DE-ELBE-ZEHREN?range=24h");
    await logInThroughForm(w.page, researcher.username, researcher.password);
    await w.page.waitForSelector(".station[data-station='DE-ELBE-ZEHREN']");
    expect(new URL(w.page.url()).hash).toBe("#/station/DE-ELBE-ZEHREN?range=24h");
  });

  it("creates a personal API token shown once, which works until it is revoked", async () => {
    await w.page.click(".session-user");
    await w.page.waitForSelector("[data-testid=token-form]");
    expect(await w.page.locator("[data-testid=account-username]").textContent()).toBe(researcher.username);
    await w.page.fill("[data-testid=token-form] input[name=label]", "nightly export");
    await w.page.fill("[data-testid=token-form] input[name=expiresInDays]", "30");
    await w.page.click("[data-testid=token-form] button[type=submit]");
    const secret = w.page.locator("[data-testid=secret-value]");
    await secret.waitFor();
    const token = await secret.inputValue();
    expect(token).toMatch(/^wmpt_/);
    expect(await w.page.locator("[data-testid=secret-once]").textContent()).toContain("shown only this once");
    await w.page.click("[data-testid=secret-copy]");
    await expect.poll(() => w.page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    const row = w.page.locator("[data-testid=my-tokens] tr[data-state=active]");
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain("nightly export");
    // Listed by its public prefix only (wmpt_<prefix>_<secret>).
    expect(await row.locator("code").textContent()).toBe(`${token.split("_").slice(0, 2).join("_")}_…`);
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-account-token.png"), fullPage: true });
    expect((await api("/api/v1/latest", { authorization: `Bearer ${token}` })).status).toBe(200);

    // Once stored, the secret is gone from the page for good.
    await w.page.click(".secret-done");
    expect(await w.page.locator("[data-testid=secret-once]").count()).toBe(0);
    const revoke = row.locator("button.danger");
    await revoke.click();
    expect(await revoke.getAttribute("data-armed")).toBe("true");
    await revoke.click();
    await w.page.waitForSelector("[data-testid=my-tokens] tr[data-state=revoked]");
    expect((await api("/api/v1/latest", { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it("changes the password on the account page: API tokens revoked (the box is ticked by default), other sessions ended, this one kept", async () => {
    const { token } = await system!.auth.apiTokens.create(researcher.id, "cron job", "researcher", null);
    const other = await fetch(`${system!.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: researcher.username, password: researcher.password }),
    });
    const otherCookie = (other.headers.get("set-cookie") ?? "").split(";")[0]!;
    await w.page.goto(`${system!.url}/#/account`);
    const form = w.page.locator("[data-testid=password-form]");
    await form.waitFor();
    expect(await form.locator("input[name=revokeTokens]").isChecked()).toBe(true);
    const newPassword = "a fresh researcher password";
    await form.locator("input[name=currentPassword]").fill(researcher.password);
    await form.locator("input[name=newPassword]").fill(newPassword);
    await form.locator("button[type=submit]").click();
    const done = w.page.locator("[data-testid=notice][data-kind=ok]", { hasText: "Password changed" });
    await done.waitFor();
    expect(await done.textContent()).toMatch(/^Password changed: [1-9]\d* other sessions ended, 1 API tokens revoked\.$/);
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-account-password.png"), fullPage: true });
    researcher.password = newPassword;
    expect((await api("/api/v1/latest", { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await api("/api/v1/latest", { cookie: otherCookie })).status).toBe(401);
    expect((await api("/api/v1/latest", { cookie: await sessionCookie(w.context) })).status).toBe(200);
  });

  it("logs out everywhere: the browser and the user's other sessions are refused", async () => {
    const other = await fetch(`${system!.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: researcher.username, password: researcher.password }),
    });
    const otherCookie = (other.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect((await api("/api/v1/latest", { cookie: otherCookie })).status).toBe(200);
    const cookie = await sessionCookie(w.context);
    await w.page.click("[data-testid=logout-all]");
    await w.page.waitForSelector(".login-form");
    expect((await api("/api/v1/latest", { cookie })).status).toBe(401);
    expect((await api("/api/v1/latest", { cookie: otherCookie })).status).toBe(401);
  });

  it("answers a throttled login like a wrong password, in the user's language, and never locks the account", async () => {
    const victim = await createUser(system!, "viewer");
    // Guesses from this machine's address throttle the victim's name from this address only.
    for (let i = 0; i < 6; i++) {
      await fetch(`${system!.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: victim.username, password: "wrong-password" }),
      });
    }
    await w.page.selectOption("select[name=lang]", "de");
    await logInThroughForm(w.page, victim.username, victim.password);
    const error = w.page.locator("[data-testid=login-error]");
    await error.waitFor({ state: "visible" });
    expect(await error.textContent()).toMatch(/^Benutzername oder Passwort falsch\. Nach mehreren Fehlversuchen .*\(höchstens 15 Minuten\)/);
    await w.page.screenshot({ path: path.join(ARTIFACTS, "auth-login-throttled-de.png"), fullPage: true });
    await w.page.selectOption("select[name=lang]", "en");
    // From another address (through a proxy on this machine) the right password works at once.
    const elsewhere = await fetch(`${system!.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.200" },
      body: JSON.stringify({ username: victim.username, password: victim.password }),
    });
    expect(elsewhere.status).toBe(200);
  });
});
