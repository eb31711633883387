// What a username and a password must look like, for accounts made by an admin and passwords changed
// by their owner alike.
import { z } from "zod";

export const usernameSchema = z.string().trim().min(2).max(64).regex(/^[\p{L}\p{N}._@-]+$/u, "letters, digits and . _ @ - only");
export const passwordSchema = z.string().min(10, "at least 10 characters").max(1000);
/** With a new password: also revoke the user's personal API tokens (the default). */
export const revokeTokensSchema = z.boolean().default(true);
