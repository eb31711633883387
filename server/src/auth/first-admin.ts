// First start: create an admin account so somebody can log in. The password comes from
// ADMIN_PASSWORD or is generated and printed once in the log.
import type { Logger } from "../../../common/logger.ts";
import { hashPassword, randomPassword } from "./passwords.ts";
import type { UserRepository } from "./users.ts";

export async function ensureFirstAdmin(users: UserRepository, configured: string | undefined, logger: Logger): Promise<void> {
  if ((await users.count()) > 0) return;
  const password = configured ?? randomPassword();
  await users.create("admin", await hashPassword(password), "admin");
  if (configured) logger.info("created the first admin account 'admin' with the password from ADMIN_PASSWORD");
  else logger.warn({ username: "admin", password }, "created the first admin account; this password is shown only once — change it after logging in");
}
