// The login page (#/login?next=…): username and password, with an error that says what went
// wrong (wrong name or password — which the server answers alike for a throttled attempt —,
// disabled, rate limited), then back to where the user came from.
import { ApiError } from "../api.ts";
import type { SessionInfo } from "../auth-api.ts";
import { errorText } from "../components/notice.ts";
import type { Page } from "../context.ts";
import { h } from "../dom.ts";
import type { Translate } from "../i18n/index.ts";

export interface LoginPageDeps {
  t: Translate;
  session: Readonly<SessionInfo>;
  next: string;
  login(username: string, password: string): Promise<void>;
}

/** The user-facing reason for a refused login (the server's messages are English, for logs). */
export function loginErrorText(err: unknown, t: Translate): string {
  if (!(err instanceof ApiError)) return t("login.failed", { error: errorText(err) });
  if (err.status === 429) return t("login.rateLimited");
  if (err.status === 401) {
    if (/disabled/i.test(err.message)) return t("login.disabled");
    return t("login.wrong");
  }
  return t("login.failed", { error: err.message });
}

export function loginPage(deps: LoginPageDeps): Page {
  const { t } = deps;
  const heading = h("h1", { id: "login-h" }, t("login.heading"));
  const element = h("section", { class: "login", "aria-labelledby": "login-h" }, heading);
  const user = deps.session.user;
  if (user) {
    element.append(
      h("p", {}, t("login.already", { username: user.username })),
      h("p", {}, h("a", { href: deps.next }, t("login.continue"))),
    );
    return { element, stations: [], destroy: () => undefined };
  }

  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "login-error", role: "alert", hidden: true, "data-testid": "login-error" });
  const submit = h("button", { type: "submit", class: "primary" }, t("login.submit"));
  const form = h(
    "form",
    {
      class: "login-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.hidden = true;
        submit.disabled = true;
        submit.textContent = t("login.busy");
        try {
          await deps.login(username.value.trim(), password.value);
        } catch (err) {
          error.textContent = loginErrorText(err, t);
          error.hidden = false;
          password.value = "";
          password.focus();
        } finally {
          submit.disabled = false;
          submit.textContent = t("login.submit");
        }
      },
    },
    h("label", { class: "field" }, h("span", {}, t("login.username")), username),
    h("label", { class: "field" }, h("span", {}, t("login.password")), password),
    error,
    submit,
  );
  element.append(h("p", { class: "muted" }, deps.session.role ? t("login.optional") : t("login.required")), form);
  queueMicrotask(() => username.focus());
  return { element, stations: [], destroy: () => undefined };
}
