import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCli } from "../../sensors-sim/src/cli.ts";
import { resolveOptions } from "../../sensors-sim/src/options.ts";
import { seed } from "../helpers/catalog.ts";
import { tempDirsPerTest } from "../helpers/test-system.ts";

const tempDir = tempDirsPerTest();

function tokenFile(content: string): string {
  const file = path.join(tempDir("wm-sim-cli-"), "tokens");
  writeFileSync(file, content);
  return file;
}

describe("simulator command line: --token-file", () => {
  it("reads one token for all stations", () => {
    const command = parseCli(["--token-file", tokenFile("wmst_abc\n")]);
    expect(command).toMatchObject({ kind: "run", options: { token: "wmst_abc" } });
  });

  it("reads per-station tokens from the server's simulator-tokens file", () => {
    const command = parseCli(["--token-file", tokenFile(JSON.stringify({ "DE-ELBE-SCHMILKA": "wmst_1", "CN-YANGTZE-CUNTAN": "wmst_2" })), "--stations", "DE-ELBE-SCHMILKA,CN-YANGTZE-CUNTAN"]);
    expect(command.kind).toBe("run");
    if (command.kind !== "run") return;
    expect(resolveOptions(command.options, seed).tokens).toEqual({ "DE-ELBE-SCHMILKA": "wmst_1", "CN-YANGTZE-CUNTAN": "wmst_2" });
  });

  it("names the stations a per-station token file leaves without a token", () => {
    const command = parseCli(["--token-file", tokenFile(JSON.stringify({ "DE-ELBE-SCHMILKA": "wmst_1" })), "--stations", "DE-ELBE-SCHMILKA,DE-ELBE-ZEHREN"]);
    if (command.kind !== "run") throw new Error("expected a run");
    expect(() => resolveOptions(command.options, seed)).toThrow(/tokens: no token for DE-ELBE-ZEHREN/);
  });

  it("says so when the file is neither a token nor JSON", () => {
    expect(() => parseCli(["--token-file", tokenFile("{ not json")])).toThrow(/--token-file: not a token and not valid JSON/);
  });
});

describe("simulator command line: numbers", () => {
  it.each([
    ["--speed", "x"],
    ["--seed", "one"],
    ["--batch-size", ""],
  ])("names %s when %j is not a number", (flag, value) => {
    expect(() => parseCli([flag, value])).toThrow(`${flag}: ${JSON.stringify(value)} is not a number`);
  });
});
