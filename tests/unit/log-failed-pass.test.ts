// logFailedPass (errors.ts): a background pass that failed because the metadata database or InfluxDB
// was unavailable for a while logs a warning (the next pass retries: a PostgreSQL restart must not
// raise error-level lines, tests/integration/cluster-restart.test.ts); anything else an error.
import { describe, expect, it } from "vitest";
import { logFailedPass, MetaUnavailableError, StorageUnavailableError, ValidationError } from "../../server/src/errors.ts";
import { captureLog } from "../helpers/log-capture.ts";

describe("logFailedPass", () => {
  it.each([
    { err: new MetaUnavailableError("The metadata database (PostgreSQL) is unavailable", 5), level: 40 },
    { err: new StorageUnavailableError("InfluxDB is unreachable"), level: 40 },
    { err: new ValidationError("bad"), level: 50 },
    { err: new Error("a bug"), level: 50 },
    { err: "a thrown string", level: 50 },
  ])("$err logs at level $level", ({ err, level }) => {
    const log = captureLog();
    logFailedPass(log.logger, err, "outbox pass failed");
    expect(log.lines).toHaveLength(1);
    expect(JSON.parse(log.lines[0]!)).toMatchObject({ level, msg: "outbox pass failed" });
  });
});
