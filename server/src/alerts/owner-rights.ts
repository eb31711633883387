// Who may have subscriptions, own alert rules and an in-app inbox: an enabled user with at least the
// researcher role (the routes require it: subscription-routes.ts, alert-routes.ts). What a user owns
// is theirs by id: deleted with them, and paused while they are disabled or below that role. Paused
// is worked out whenever an alert is matched, delivered or evaluated, from the owner's account as it
// is then, so nothing stored is switched off and on again: re-enabling or promoting a user resumes
// everything at once, and a subscription they had switched off stays off.
import { roleAtLeast, type Role } from "../auth/roles.ts";

export const OWNER_ROLE: Role = "researcher";

/** Who a new subscription, rule or inbox entry belongs to (the name is kept as a record). */
export interface Owner {
  id: number;
  username: string;
}

/** The owner's account as a LEFT JOIN on users finds it (all null: no such user). */
export interface OwnerAccount {
  disabled: number | null;
  role: Role | null;
}

/** True when the owner is gone, disabled or below OWNER_ROLE. */
export function ownerPaused(owner: OwnerAccount): boolean {
  return owner.disabled !== 0 || !roleAtLeast(owner.role, OWNER_ROLE);
}
