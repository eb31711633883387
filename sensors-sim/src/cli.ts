// Command line: `npm run sim -- --help`. Parses flags with node:util parseArgs, validates them with
// the simulator's zod schema, runs until --duration or Ctrl-C, and prints a summary.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { createLogger } from "../../common/logger.ts";
import { fetchCatalog, readCatalogFile } from "./catalog-client.ts";
import { FAULT_KINDS, type FaultKind } from "./sensor/fault-settings.ts";
import { SimulatorOptionsError, simulatorOptionsSchema, type SimulatorOptions } from "./options.ts";
import { startSimulator } from "./simulator.ts";

const HELP = `Water Monitor sensor simulator: stations that send readings to the server.

Usage: npm run sim -- [options]

  --url <url>              server URL (default http://localhost:3000); the simulated stations and
                           sensors come from its catalog (GET /api/v1/catalog)
  --api-token <token>      personal API token to read the catalog when the dashboard is not public
  --catalog-file <path>    read the catalog from a file instead (JSON of GET /api/v1/catalog)
  --token <token>          station write token (Authorization: Bearer)
  --token-file <path>      read the token from a file: one token for all stations, or JSON
                           {"<station id>": "<token>", ...} for a token per station (the
                           server's DATA_DIR/simulator-tokens has that form)
  --stations <ids>         comma-separated station ids (default: every station the catalog marks
                           simulated); each sends for every sensor installed there
  --parameters <codes>     comma-separated parameter codes (default: all)
  --interval <duration>    simulated time between readings (default 10m, like a real network)
  --speed <n>              simulated seconds per wall-clock second (default 60)
  --backfill <duration>    history to write first, as fast as the server takes it (e.g. 30d)
  --start <iso|-duration>  simulated start of the live phase, e.g. 2026-07-01T00:00Z or --start=-1d
                           (a day ago; the run speeds through it), default: now
  --allow-future           keep accelerating past the wall clock (the server flags readings
                           from the future and refuses them beyond 24 h)
  --duration <duration>    simulated length of the live phase (default: until Ctrl-C)
  --seed <n>               seed; the same seed gives byte-identical readings (default 1)
  --transport <kind>       http-json (default) or line-protocol
  --database <name>        database for line protocol /write?db= (default water_monitor)
  --batch-size <n>         readings per request, at most 10000 (default 5000)
  --buffer-max <n>         readings buffered while the server is unreachable (default 200000);
                           when full, the oldest are dropped
  --no-faults              no random faults (forced ones still happen)
  --fault-rate <k=r,...>   starts per sensor (station faults: per station) per simulated day,
                           e.g. spike=0.5,stuck=0.1
  --force-fault <kinds>    start these faults on every sensor at --force-after (repeatable)
  --force-after <duration> when forced faults start, after the live start (default 0)
  --scenario spill         a plume entering a river upstream and passing its stations in order
  --spill-river <name>     a river with stations, by id or name: Elbe (default), Yangtze, Jialing, …
  --spill-compound <code>  a compound with a MAC-EQS (default clarithromycin)
  --spill-after <duration> when the plume enters, after the live start (default 1h)
  --spill-velocity <m/s>   river velocity for travel times (default 1.0)
  --lab-token <token>      personal API token of a researcher: the simulated laboratory's results
                           (weekly 24-h composites per station and pharmaceutical, grab samples
                           during a spill) are imported through POST /api/v1/lab/imports
  --lab-token-file <path>  read the lab token from a file
  --lab-history <duration> lab results for this long before the start (e.g. 84d), and readings over
                           the same span for the sensors under validation (default 0: the backfill)
  --sensor-drift <spec>    STATION:PARAMETER[:SENSOR]:PERCENT_PER_MONTH, e.g.
                           DE-ELBE-ZEHREN:carbamazepine:KSI-CBZ-MIP-P2:5 (repeatable; without a
                           sensor: the primary one); the drift counts from the start of the history
  --sensor-bias <spec>     STATION:PARAMETER[:SENSOR]:PERCENT, e.g. DE-ELBE-SCHMILKA:diclofenac:-15
  --maintenance <spec>     STATION,FROM,TO: a maintenance visit (probes out of the water, then in
                           calibration standards), e.g. DE-ELBE-ZEHREN,-3h,-2h (before the live
                           start) or ISO 8601 times (repeatable); mark it on the server too
  --log-level <level>      pino level (default info); logs are JSON lines on stdout
  -h, --help               this text

Durations: 500ms, 30s, 10m, 12h, 30d.
Fault kinds: ${FAULT_KINDS.join(", ")}.
`;

/** A token file holds one token, or a JSON object of per-station tokens. */
function tokenFile(text: string): { token?: string; tokens?: Record<string, string> } {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return { token: trimmed };
  try {
    return { tokens: JSON.parse(trimmed) as Record<string, string> };
  } catch (err) {
    throw new SimulatorOptionsError(`--token-file: not a token and not valid JSON (${(err as Error).message})`);
  }
}

function list(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : text.split(",").map((s) => s.trim()).filter(Boolean);
}

function number(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new SimulatorOptionsError(`${flag}: ${JSON.stringify(text)} is not a number`);
  return n;
}

/** STATION:PARAMETER[:SENSOR]:NUMBER ("5", "5%", "5%/month"). */
export function sensorSpec(text: string, flag: string): { station: string; parameter: string; sensor?: string; value: number } {
  const parts = text.split(":").map((p) => p.trim());
  const raw = parts.pop() ?? "";
  const value = Number(raw.replace(/%(\/month)?$/, ""));
  if ((parts.length !== 2 && parts.length !== 3) || parts.some((p) => p === "") || raw === "" || !Number.isFinite(value)) {
    throw new SimulatorOptionsError(`${flag}: ${JSON.stringify(text)} is not STATION:PARAMETER[:SENSOR]:PERCENT (e.g. DE-ELBE-ZEHREN:carbamazepine:5)`);
  }
  const [station, parameter, sensor] = parts as [string, string, string?];
  return sensor === undefined ? { station, parameter, value } : { station, parameter, sensor, value };
}

function rates(text: string | undefined): Partial<Record<FaultKind, number>> {
  const out: Record<string, number> = {};
  for (const pair of list(text) ?? []) {
    const [kind, rate] = pair.split("=");
    out[kind!.trim()] = Number(rate);
  }
  return out;
}

export type CliCommand =
  | { kind: "help" }
  | { kind: "run"; options: SimulatorOptions; logLevel: string; catalog: { file: string } | { apiToken: string | undefined } };

export function parseCli(argv: string[]): CliCommand {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      url: { type: "string" },
      "api-token": { type: "string" },
      "catalog-file": { type: "string" },
      token: { type: "string" },
      "token-file": { type: "string" },
      stations: { type: "string" },
      parameters: { type: "string" },
      interval: { type: "string" },
      speed: { type: "string" },
      backfill: { type: "string" },
      start: { type: "string" },
      "allow-future": { type: "boolean" },
      duration: { type: "string" },
      seed: { type: "string" },
      transport: { type: "string" },
      database: { type: "string" },
      "batch-size": { type: "string" },
      "buffer-max": { type: "string" },
      "no-faults": { type: "boolean" },
      "fault-rate": { type: "string" },
      "force-fault": { type: "string", multiple: true },
      "force-after": { type: "string" },
      scenario: { type: "string" },
      "spill-river": { type: "string" },
      "spill-compound": { type: "string" },
      "spill-after": { type: "string" },
      "spill-velocity": { type: "string" },
      "lab-token": { type: "string" },
      "lab-token-file": { type: "string" },
      "lab-history": { type: "string" },
      "sensor-drift": { type: "string", multiple: true },
      "sensor-bias": { type: "string", multiple: true },
      maintenance: { type: "string", multiple: true },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { kind: "help" };
  const fromFile = values["token-file"] ? tokenFile(readFileSync(values["token-file"], "utf8")) : {};
  const token = values.token ?? fromFile.token;
  const labToken = values["lab-token"] ?? (values["lab-token-file"] ? readFileSync(values["lab-token-file"], "utf8").trim() : undefined);
  // Undefined keys fall back to the schema's defaults; zod reports bad values with their names.
  const options = JSON.parse(
    JSON.stringify({
      url: values.url,
      token,
      tokens: fromFile.tokens,
      stations: list(values.stations),
      parameters: list(values.parameters),
      interval: values.interval,
      speed: number(values.speed, "--speed"),
      backfill: values.backfill,
      start: values.start,
      noFuture: !values["allow-future"],
      duration: values.duration,
      seed: number(values.seed, "--seed"),
      transport: values.transport,
      database: values.database,
      batchSize: number(values["batch-size"], "--batch-size"),
      maxBuffered: number(values["buffer-max"], "--buffer-max"),
      faults: {
        enabled: !values["no-faults"],
        rates: rates(values["fault-rate"]),
        force: (values["force-fault"] ?? []).flatMap((k) => list(k) ?? []),
        forceAfter: values["force-after"],
      },
      scenario: values.scenario,
      spill: {
        river: values["spill-river"],
        compound: values["spill-compound"],
        after: values["spill-after"],
        velocityMs: number(values["spill-velocity"], "--spill-velocity"),
      },
      lab: { token: labToken, history: values["lab-history"] },
      sensorDrift: (values["sensor-drift"] ?? []).map((t) => {
        const { value, ...ref } = sensorSpec(t, "--sensor-drift");
        return { ...ref, percentPerMonth: value };
      }),
      sensorBias: (values["sensor-bias"] ?? []).map((t) => {
        const { value, ...ref } = sensorSpec(t, "--sensor-bias");
        return { ...ref, percent: value };
      }),
      maintenance: (values.maintenance ?? []).map((spec) => {
        const [station = "", from = "", to = ""] = spec.split(",");
        return { station, from, to };
      }),
    }),
  ) as SimulatorOptions;
  const catalog = values["catalog-file"] ? { file: values["catalog-file"] } : { apiToken: values["api-token"] };
  return { kind: "run", options, logLevel: values["log-level"] ?? "info", catalog };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let command: CliCommand;
  try {
    command = parseCli(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (command.kind === "help") {
    process.stdout.write(HELP);
    return;
  }
  const logger = createLogger(command.logLevel, "sensors-sim");
  let sim;
  try {
    const source = command.catalog;
    const catalog = "file" in source ? readCatalogFile(source.file) : await fetchCatalog(simulatorOptionsSchema.shape.url.parse(command.options.url), source.apiToken);
    sim = startSimulator(command.options, { catalog, logger });
  } catch (err) {
    if (err instanceof SimulatorOptionsError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const onSignal = () => void sim.stop();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const summary = await sim.finished;
  const { sent, retried, buffered, dropped, rejected, generated, flagged } = summary;
  process.stderr.write(
    `Simulator ${summary.state}: generated ${generated}, sent ${sent}, retried ${retried}, buffered ${buffered}, ` +
      `dropped ${dropped}, rejected ${rejected} (server flagged ${flagged.suspect} suspect, ${flagged.fail} fail); ` +
      `simulated ${summary.backfillFrom} → ${summary.simulatedUntil}\n`,
  );
  process.exit(rejected > 0 || dropped > 0 || buffered > 0 ? 1 : 0);
}

// Run only as the entry point (npm run sim), not when imported (tests of parseCli).
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
