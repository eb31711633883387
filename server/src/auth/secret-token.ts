// Random bearer secrets (station tokens, API tokens, session ids). They carry 192 bits of entropy,
// so the database keeps a plain SHA-256 of each; a slow hash would add nothing but latency.
import { createHash, randomBytes } from "node:crypto";

export interface NewSecret {
  /** Shown once to the user; never stored. */
  token: string;
  /** Short public part for listings. */
  prefix: string;
  hash: string;
}

export function hashSecret(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** `<kind>_<prefix>_<secret>`, e.g. wmst_1a2b3c4d_… for a station token. */
export function newSecret(kind: string): NewSecret {
  const prefix = randomBytes(4).toString("hex");
  const token = `${kind}_${prefix}_${randomBytes(24).toString("base64url")}`;
  return { token, prefix, hash: hashSecret(token) };
}
