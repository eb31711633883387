import { describe, expect, it } from "vitest";
import { ApiError } from "../../client/src/api.ts";
import { roleAtLeast } from "../../client/src/auth-api.ts";
import { tokenState } from "../../client/src/components/data-table.ts";
import { translator } from "../../client/src/i18n/index.ts";
import { loginErrorText } from "../../client/src/pages/login.ts";
import { loginHref, parseRoute } from "../../client/src/router.ts";

describe("client login and session helpers", () => {
  const t = translator("en");

  it("explains a refused login by its cause: wrong name or password (or throttled: the server says so alike), disabled, rate limited", () => {
    const wrong = "Wrong username or password. After several failed attempts, logins for this name from your address are paused for a while (at most 15 minutes): wait, then try again.";
    expect(loginErrorText(new ApiError(wrong, 401, "unauthorized"), t)).toBe(t("login.wrong"));
    expect(t("login.wrong")).toMatch(/^Wrong username or password\. .*wait, then try again\.$/);
    expect(loginErrorText(new ApiError("This account is disabled; ask an administrator to enable it", 401, "unauthorized"), t)).toBe(t("login.disabled"));
    expect(loginErrorText(new ApiError("Too many login attempts", 429, "rate_limited"), t)).toBe(t("login.rateLimited"));
    expect(loginErrorText(new TypeError("Failed to fetch"), t)).toBe("Login failed: Failed to fetch");
  });

  it("routes #/login with a way back, and never back to the login page or off the dashboard", () => {
    expect(parseRoute(loginHref("#/station/DE-ELBE-ZEHREN?range=7d"))).toEqual({ page: "login", next: "#/station/DE-ELBE-ZEHREN?range=7d" });
    expect(loginHref("#/")).toBe("#/login");
    expect(parseRoute("#/login?next=https%3A%2F%2Fevil.example")).toEqual({ page: "login", next: "#/" });
    expect(parseRoute("#/login?next=%23%2Flogin")).toEqual({ page: "login", next: "#/" });
  });

  it("routes the account and the admin sections, users by default", () => {
    expect(parseRoute("#/account")).toEqual({ page: "account" });
    expect(parseRoute("#/admin")).toEqual({ page: "admin", section: "users" });
    expect(parseRoute("#/admin/station-tokens")).toEqual({ page: "admin", section: "station-tokens" });
    expect(parseRoute("#/admin/nonsense")).toEqual({ page: "admin", section: "users" });
  });

  it("tells active, expired and revoked tokens apart", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(tokenState({ revokedAt: null, expiresAt: null }, now)).toBe("active");
    expect(tokenState({ revokedAt: null, expiresAt: "2026-11-25T11:00:00Z" }, now)).toBe("expired");
    expect(tokenState({ revokedAt: "2026-11-20T00:00:00Z", expiresAt: null }, now)).toBe("revoked");
  });

  it("orders roles like the server: admin ⊃ researcher ⊃ viewer", () => {
    expect(roleAtLeast("admin", "researcher")).toBe(true);
    expect(roleAtLeast("viewer", "researcher")).toBe(false);
    expect(roleAtLeast(null, "viewer")).toBe(false);
  });
});
