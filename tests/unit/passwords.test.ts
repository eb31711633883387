// Password hashes (server/src/auth/passwords.ts): scrypt with its parameters in the stored string.
import { describe, expect, it } from "vitest";
import { hashPassword, unmatchableHash, verifyPassword } from "../../server/src/auth/passwords.ts";

const fields = (stored: string) => stored.split("$");

describe("password hashes", () => {
  it("a hash matches its password and no other", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
  });

  it("the hash for unknown names has a real hash's scheme, parameters and lengths, and matches no password", async () => {
    const real = fields(await hashPassword("some password"));
    const dummy = unmatchableHash();
    const [scheme, n, r, p, salt, key] = fields(dummy);
    expect([scheme, n, r, p]).toEqual(real.slice(0, 4));
    expect(Buffer.from(salt!, "base64")).toHaveLength(Buffer.from(real[4]!, "base64").length);
    expect(Buffer.from(key!, "base64")).toHaveLength(Buffer.from(real[5]!, "base64").length);
    for (const password of ["", "admin", "some password"]) expect(await verifyPassword(password, dummy)).toBe(false);
    expect(unmatchableHash()).not.toBe(dummy);
  });
});
