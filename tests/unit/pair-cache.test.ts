// PairCache (util/pair-cache.ts): every pair's value is made once and found again, whether its first
// string has one second string (held directly) or several (held in a Map once the second arrives).
// flatString gives back the same string, whatever its characters.
import { describe, expect, it } from "vitest";
import { flatString, PairCache } from "../../server/src/util/pair-cache.ts";

describe("PairCache", () => {
  it.each([
    { name: "one second per first", pairs: [["a", "x"], ["b", "y"], ["a", "x"], ["b", "y"]] },
    { name: "a second second string later", pairs: [["a", "x"], ["a", "y"], ["a", "x"], ["a", "z"], ["a", "y"]] },
    { name: "empty strings and look-alike joins", pairs: [["", ""], ["a", ""], ["", "a"], ["a\t", "b"], ["a", "\tb"], ["a", ""]] },
  ])("$name: the made value, made once per pair", ({ pairs }) => {
    const made: string[] = [];
    const cache = new PairCache((first: string, second: string) => {
      made.push(JSON.stringify([first, second]));
      return { first, second };
    });
    const seen = new Map<string, object>();
    for (const [first, second] of pairs) {
      const value = cache.get(first!, second!);
      expect(value).toEqual({ first, second });
      const key = JSON.stringify([first, second]);
      if (seen.has(key)) expect(value).toBe(seen.get(key));
      seen.set(key, value);
    }
    expect(made.sort()).toEqual([...seen.keys()].sort());
  });
});

describe("flatString", () => {
  it.each([
    ["", "empty"],
    ["DE-ELBE-ZEHREN\tdiclofenac\tKSI-DCF-01", "a series key"],
    [`reading,parameter=ph,station=${"x".repeat(40)} `, "a line prefix"],
    ["Zschopau-Kriebstein\tÄÖÜß", "German letters"],
    ["长江寸滩\t嘉陵江", "Chinese"],
    ["\u{1F30A}\t\u0000", "outside the BMP, and NUL"],
  ])("%j (%s) comes back equal", (s) => {
    expect(flatString(`${s}`)).toBe(s);
  });
});
