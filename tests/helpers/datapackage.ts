// The datapackage.json of an export bundle (metadata=1): the zip unpacked with the system's unzip.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function dataPackageOf(res: Response): Promise<any> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wm-datapackage-"));
  try {
    writeFileSync(path.join(dir, "bundle.zip"), Buffer.from(await res.arrayBuffer()));
    await run("unzip", ["-q", "bundle.zip"], { cwd: dir });
    return JSON.parse(readFileSync(path.join(dir, "datapackage.json"), "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
