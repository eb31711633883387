// Admin → Users: create, change role, disable/enable, reset password, delete. Every change ends
// the user's sessions on the server (so a demoted or disabled user is out at once); disabling
// revokes their API tokens, and so does a password reset unless the admin unticks the box.
import { ROLES, type Role, type UserInfo } from "../auth-api.ts";
import { confirmButton } from "../components/confirm-button.ts";
import { dataTable, timeCell, zoneHeader } from "../components/data-table.ts";
import { loadInto, notice } from "../components/notice.ts";
import { roleName } from "../components/session-menu.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";

export function adminUsersPage(ctx: AppContext): Page {
  const { t, auth } = ctx;
  const me = ctx.session.user?.id;
  let destroyed = false;
  const status = notice(t);
  const list = h("div", { "data-testid": "users" }, h("p", { class: "state-loading" }, t("state.loading")));

  const roleSelect = (value: Role, attrs: Record<string, string> = {}) => {
    const select = h("select", attrs);
    for (const r of ROLES) select.append(h("option", { value: r, selected: r === value }, roleName(r, t)));
    return select;
  };

  const username = h("input", { name: "username", required: true, minlength: 2, maxlength: 64, autocomplete: "off", spellcheck: "false" });
  const password = h("input", { name: "password", type: "password", required: true, minlength: 10, autocomplete: "new-password" });
  const role = roleSelect("viewer", { name: "role" });
  const form = h(
    "form",
    {
      class: "inline-form",
      "data-testid": "user-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.clear();
        try {
          const user = await auth.createUser({ username: username.value.trim(), password: password.value, role: role.value as Role });
          status.ok(t("users.createdOk", { username: user.username }));
          username.value = "";
          password.value = "";
          await load();
        } catch (err) {
          status.failed(err);
        }
      },
    },
    h("label", { class: "field" }, h("span", {}, t("users.username")), username),
    h("label", { class: "field" }, h("span", {}, t("users.password")), password),
    h("label", { class: "field" }, h("span", {}, t("users.role")), role),
    h("button", { type: "submit", class: "primary" }, t("users.create")),
  );

  async function change(user: UserInfo, changes: { role?: Role; disabled?: boolean; password?: string; revokeTokens?: boolean }): Promise<void> {
    status.clear();
    try {
      await auth.updateUser(user.id, changes);
      status.ok(t("users.updatedOk", { username: user.username }));
    } catch (err) {
      status.failed(err);
    }
    await load();
  }

  function passwordForm(user: UserInfo, cell: HTMLElement, restore: () => void): HTMLElement {
    const input = h("input", { type: "password", required: true, minlength: 10, autocomplete: "new-password", "aria-label": t("users.newPassword", { username: user.username }) });
    const revokeTokens = h("input", { type: "checkbox", name: "revokeTokens", checked: true });
    queueMicrotask(() => input.focus());
    return h(
      "form",
      { class: "row-form", onsubmit: (e: Event) => (e.preventDefault(), void change(user, { password: input.value, revokeTokens: revokeTokens.checked })) },
      input,
      h("label", { class: "check" }, revokeTokens, h("span", {}, t("users.revokeTokens"))),
      h("button", { type: "submit" }, t("users.setPassword")),
      h("button", { type: "button", class: "quiet", onclick: () => (cell.replaceChildren(), restore()) }, t("action.cancel")),
    );
  }

  function actions(user: UserInfo): HTMLElement {
    const cell = h("div", { class: "row-actions" });
    const fill = () => {
      cell.replaceChildren(
        h(
          "button",
          { type: "button", "data-action": "toggle-disabled", onclick: () => void change(user, { disabled: !user.disabled }) },
          user.disabled ? t("users.enable") : t("users.disable"),
        ),
        h(
          "button",
          { type: "button", "data-action": "reset-password", onclick: () => cell.replaceChildren(passwordForm(user, cell, fill)) },
          t("users.resetPassword"),
        ),
      );
      if (user.id !== me) {
        cell.append(
          confirmButton(t("users.delete"), t, async () => {
            status.clear();
            try {
              await auth.deleteUser(user.id);
              status.ok(t("users.deletedOk", { username: user.username }));
            } catch (err) {
              status.failed(err);
            }
            await load();
          }, { "data-action": "delete" }),
        );
      }
    };
    fill();
    return cell;
  }

  function render(users: UserInfo[]): void {
    const rows = users.map((user) => {
      const select = roleSelect(user.role, { "aria-label": t("users.roleOf", { username: user.username }), "data-action": "role" });
      select.addEventListener("change", () => void change(user, { role: select.value as Role }));
      const state = user.disabled ? t("users.disabledState") : t("users.active");
      return {
        attrs: { "data-user-id": String(user.id), "data-disabled": String(user.disabled) },
        cells: [
          h("span", { class: "user-name" }, user.username, user.id === me ? h("span", { class: "muted" }, ` ${t("users.you")}`) : null),
          select,
          h("span", { class: `user-state${user.disabled ? " user-blocked" : ""}` }, state),
          timeCell(user.createdAt, ctx.lang, ctx.p.zone),
          actions(user),
        ],
      };
    });
    const headers = [t("users.username"), t("users.role"), t("users.status"), zoneHeader(t, t("users.created"), ctx.p.zone), t("users.actions")];
    list.replaceChildren(dataTable(t("admin.users"), headers, rows, "–"));
  }

  const load = (): Promise<void> => loadInto(list, t, () => auth.users(), render, () => destroyed);

  const element = h(
    "section",
    { class: "admin-section", "data-section": "users" },
    h("section", { class: "admin-card" }, h("h2", {}, t("users.create")), form, status.element),
    list,
  );
  void load();
  return { element, stations: [], destroy: () => (destroyed = true) };
}
