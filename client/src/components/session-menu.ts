// Who is logged in, in the header: username and role with "My account", "Log out" and "Log out
// everywhere"; or a "Log in" link that comes back to the current page.
import type { SessionInfo } from "../auth-api.ts";
import { h } from "../dom.ts";
import type { MessageKey, Translate } from "../i18n/index.ts";
import { loginHref } from "../router.ts";
import { errorText } from "./notice.ts";

export interface SessionMenuOptions {
  session: Readonly<SessionInfo>;
  t: Translate;
  /** Hide the "Log in" link (on the login page itself). */
  onLoginPage: boolean;
  logout(everywhere: boolean): Promise<void>;
}

export function roleName(role: string, t: Translate): string {
  return t(`role.${role}` as MessageKey);
}

export function sessionMenu(options: SessionMenuOptions): HTMLElement {
  const { session, t } = options;
  const element = h("div", { class: "session", role: "group", "aria-label": t("session.label"), "data-testid": "session" });
  const user = session.user;
  if (!user) {
    element.dataset.state = "anonymous";
    if (!options.onLoginPage) {
      element.append(h("a", { class: "session-login", href: loginHref(location.hash || "#/"), "data-testid": "login-link" }, t("session.login")));
    }
    return element;
  }
  element.dataset.state = "user";
  const error = h("span", { class: "session-error", role: "alert", hidden: true });
  const out = (everywhere: boolean) => async (e: Event) => {
    const button = e.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
      await options.logout(everywhere);
    } catch (err) {
      button.disabled = false;
      error.hidden = false;
      error.textContent = t("session.logoutFailed", { error: errorText(err) });
    }
  };
  element.append(
    h(
      "a",
      { class: "session-user", href: "#/account", title: t("nav.account") },
      h("span", { "data-testid": "session-username" }, user.username),
      h("span", { class: `role-badge role-${user.role}`, "data-testid": "session-role" }, roleName(user.role, t)),
    ),
    h("button", { type: "button", onclick: out(false), "data-testid": "logout" }, t("session.logout")),
    h("button", { type: "button", class: "quiet", onclick: out(true), title: t("session.logoutAllHint"), "data-testid": "logout-all" }, t("session.logoutAll")),
    error,
  );
  return element;
}
