// "My account": who I am, my password (changing it ends my other sessions and, unless I untick the
// box, revokes my API tokens), and my personal API tokens (create → shown once, list, revoke).
import { ROLES, roleAtLeast, type ApiTokenInfo, type Role } from "../auth-api.ts";
import { confirmButton } from "../components/confirm-button.ts";
import { dataTable, timeCell, tokenState, zoneHeader } from "../components/data-table.ts";
import { loadInto, notice } from "../components/notice.ts";
import { secretOnce } from "../components/secret-once.ts";
import { roleName } from "../components/session-menu.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";

export function accountPage(ctx: AppContext): Page {
  const { t, auth } = ctx;
  const user = ctx.session.user!;
  let destroyed = false;

  const label = h("input", { name: "label", required: true, maxlength: 100, autocomplete: "off" });
  const role = h("select", { name: "role" });
  for (const r of ROLES.filter((r) => roleAtLeast(user.role, r))) role.append(h("option", { value: r, selected: r === user.role }, roleName(r, t)));
  const expires = h("input", { name: "expiresInDays", type: "number", min: 1, max: 3650, step: 1, inputmode: "numeric" });
  const secretSlot = h("div", { class: "secret-slot" });
  const status = notice(t);
  const list = h("div", { class: "token-list", "data-testid": "my-tokens" }, h("p", { class: "state-loading" }, t("state.loading")));

  const form = h(
    "form",
    {
      class: "inline-form",
      "data-testid": "token-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.clear();
        const days = expires.value ? Number(expires.value) : undefined;
        try {
          const created = await auth.createMyToken({ label: label.value.trim(), role: role.value as Role, expiresInDays: days });
          secretSlot.replaceChildren(secretOnce(created.label, created.token, t, () => secretSlot.replaceChildren()));
          label.value = "";
          expires.value = "";
          await load();
        } catch (err) {
          status.failed(err);
        }
      },
    },
    h("label", { class: "field" }, h("span", {}, t("token.label")), label),
    h("label", { class: "field" }, h("span", {}, t("token.role")), role),
    h("label", { class: "field" }, h("span", {}, t("token.expiresIn")), expires),
    h("button", { type: "submit", class: "primary" }, t("token.create")),
  );

  function render(tokens: ApiTokenInfo[]): void {
    const rows = tokens.map((tok) => {
      const state = tokenState(tok);
      return {
        attrs: { "data-token-id": String(tok.id), "data-state": state },
        cells: [
          tok.label,
          h("code", {}, `wmpt_${tok.prefix}_…`),
          roleName(tok.role, t),
          timeCell(tok.createdAt, ctx.lang, ctx.p.zone),
          timeCell(tok.expiresAt, ctx.lang, ctx.p.zone, t("token.never")),
          h("span", { class: `token-state token-${state}` }, t(`token.${state}` as MessageKey)),
          state === "active"
            ? confirmButton(t("token.revoke"), t, async () => {
                try {
                  await auth.revokeMyToken(tok.id);
                  status.ok(t("token.revokeDone", { label: tok.label }));
                  await load();
                } catch (err) {
                  status.failed(err);
                }
              })
            : null,
        ],
      };
    });
    const headers = [t("token.label"), t("token.prefix"), t("token.role"), zoneHeader(t, t("token.created"), ctx.p.zone), zoneHeader(t, t("token.expires"), ctx.p.zone), t("token.status"), t("token.actions")];
    list.replaceChildren(dataTable(t("account.tokens"), headers, rows, t("token.none")));
  }

  const load = (): Promise<void> => loadInto(list, t, () => auth.myTokens(), render, () => destroyed);

  const currentPassword = h("input", { name: "currentPassword", type: "password", required: true, autocomplete: "current-password" });
  const newPassword = h("input", { name: "newPassword", type: "password", required: true, minlength: 10, autocomplete: "new-password" });
  // On by default: a password is changed because someone else may know it, and a token they made
  // with it would otherwise keep working.
  const revokeTokens = h("input", { name: "revokeTokens", type: "checkbox", checked: true });
  const passwordStatus = notice(t);
  const passwordForm = h(
    "form",
    {
      class: "inline-form",
      "data-testid": "password-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        passwordStatus.clear();
        try {
          const done = await auth.changeMyPassword({ currentPassword: currentPassword.value, newPassword: newPassword.value, revokeTokens: revokeTokens.checked });
          passwordStatus.ok(t("account.passwordChanged", { sessions: done.endedSessions, tokens: done.revokedTokens }));
          currentPassword.value = "";
          newPassword.value = "";
          await load();
        } catch (err) {
          passwordStatus.failed(err);
        }
      },
    },
    h("label", { class: "field" }, h("span", {}, t("account.currentPassword")), currentPassword),
    h("label", { class: "field" }, h("span", {}, t("account.newPassword")), newPassword),
    h("label", { class: "check" }, revokeTokens, h("span", {}, t("account.revokeTokens"))),
    h("button", { type: "submit", class: "primary" }, t("account.passwordSubmit")),
  );

  const element = h(
    "section",
    { class: "account", "aria-labelledby": "account-h" },
    h("h1", { id: "account-h" }, t("account.heading")),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("account.username")),
      h("dd", { "data-testid": "account-username" }, user.username),
      h("dt", {}, t("account.role")),
      h("dd", {}, roleName(user.role, t)),
    ),
    h(
      "section",
      { class: "admin-card", "aria-labelledby": "password-h" },
      h("h2", { id: "password-h" }, t("account.password")),
      passwordForm,
      passwordStatus.element,
    ),
    h(
      "section",
      { class: "admin-card", "aria-labelledby": "tokens-h" },
      h("h2", { id: "tokens-h" }, t("account.tokens")),
      h("p", { class: "muted" }, t("account.tokensIntro")),
      form,
      status.element,
      secretSlot,
      list,
    ),
  );
  void load();
  return { element, stations: [], destroy: () => (destroyed = true) };
}
