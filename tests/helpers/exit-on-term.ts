// Test workers end on SIGTERM through process.exit, so that their "exit" handlers run: the helpers
// that start servers (influxd, PostgreSQL, Redis, HAProxy, Water Monitor processes) stop them there.
// Without this a worker ended while a test was still running (a timed-out benchmark smoke run, its
// file done) left those servers behind, and vitest could not exit.
const key = Symbol.for("water-monitor.exit-on-term");
const state = globalThis as { [key]?: true };
if (!state[key]) {
  state[key] = true;
  process.once("SIGTERM", () => process.exit(143));
}
