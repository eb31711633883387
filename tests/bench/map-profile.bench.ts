// The map and the river profile in Chromium (issue #19), two benchmarks, each against a real server
// on port 0 serving a production build, with a day of 10-minute carbamazepine readings at every
// station (a plume passing down the Elbe):
// (1) map first paint: from navigation to the first frame in which all 8 stations stand on the map
//     with their status, against the overview's list view reaching the same point (every card with
//     its status) in the same run: the map's own cost (its on-demand chunk, d3-geo, the SVG) as a ratio;
// (2) profile animation frame: the work of one step of the time slider (the chart and table redrawn,
//     style and layout done) along the day, against the same step on the same page with a compound no
//     station has readings of (an empty chart): what drawing the data adds to a frame.
// Each view is loaded in a fresh browser context (cold cache), alternating ours and the baseline.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { createLogger } from "../../common/logger.ts";
import type { Reading } from "../../common/reading.ts";
import { loadConfig } from "../../server/src/config.ts";
import { startSystem } from "../../server/src/system.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { catalog, median, primarySensor, type Benchmark } from "./bench-kit.ts";
import { sharedClientBuild } from "./client-build.ts";

const STEP_MS = 600_000;
const DAY_MS = 86_400_000;
const COMPOUND = "carbamazepine";
/** Measured at no station in this benchmark: the empty chart. */
const EMPTY_COMPOUND = "diclofenac";

function readings(now: number): Reading[] {
  const out: Reading[] = [];
  const from = Math.floor((now - DAY_MS) / STEP_MS) * STEP_MS;
  catalog.stations.forEach((s, k) => {
    const sensor = primarySensor(s.id, COMPOUND);
    // A plume reaching each Elbe station a few hours after the one upstream.
    const peak = from + (6 + 4 * k) * 3_600_000;
    for (let t = from; t <= now; t += STEP_MS) {
      const plume = 400 * Math.exp(-(((t - peak) / 5_400_000) ** 2));
      out.push({ station: s.id, parameter: COMPOUND, sensor, time: t, value: 90 + 10 * Math.sin(t / 7_200_000) + plume, qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, qc: 1 });
    }
  });
  return out;
}

/** Records, in the page, when the first animation frame shows `condition` true (ms since navigation). */
function paintProbe(condition: string): string {
  return `(() => {
    const loop = () => {
      if (${condition}) { window.__paintedAt = performance.now(); return; }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  })()`;
}

const MAP_READY = `document.querySelectorAll(".station-map a.map-station:not([data-status='unknown'])").length === ${catalog.stations.length}`;
const LIST_READY = `document.querySelectorAll(".card[data-station][data-status]").length === ${catalog.stations.length}`;

async function firstPaint(browser: Browser, url: string, condition: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 }, locale: "en-GB" });
  try {
    await context.addInitScript(paintProbe(condition));
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => (window as { __paintedAt?: number }).__paintedAt !== undefined, undefined, { timeout: 30_000 });
    return (await page.evaluate("window.__paintedAt")) as number;
  } finally {
    await context.close();
  }
}

/** Per slider step: input handler (chart and table redrawn) plus style and layout, in ms. */
const STEP_SCRIPT = `async (steps) => {
  const slider = document.querySelector("[data-testid='profile-slider']");
  const max = Number(slider.max);
  const times = [];
  for (let i = 0; i < steps; i++) {
    await new Promise((r) => requestAnimationFrame(r));
    const t0 = performance.now();
    slider.value = String(Math.round((i * max) / Math.max(1, steps - 1)));
    slider.dispatchEvent(new Event("input"));
    document.body.getBoundingClientRect();
    times.push(performance.now() - t0);
  }
  return times;
}`;

async function profileFrames(browser: Browser, url: string, steps: number): Promise<number[]> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 }, locale: "en-GB" });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector("[data-testid='profile-table'] tr[data-station]");
    return (await page.evaluate(`(${STEP_SCRIPT})(${steps})`)) as number[];
  } finally {
    await context.close();
  }
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}

/** A server with the day of readings and a browser, for one benchmark; both gone afterwards. */
async function withServer<T>(influxUrl: string, measure: (base: string, browser: Browser) => Promise<T>): Promise<T> {
  const database = `bench_map_${randomBytes(4).toString("hex")}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-map-"));
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, INFLUX_URL: influxUrl, INFLUX_DATABASE: database, SIMULATOR: "off", LOG_LEVEL: "silent" });
  const server = await startSystem({ config, logger: createLogger("silent"), influxUrl, influxMode: "external", clientDir: sharedClientBuild() });
  let browser: Browser | undefined;
  try {
    await server.store.writeReadings(readings(Date.now()));
    browser = await launchChromium();
    return await measure(`http://127.0.0.1:${server.port}/`, browser);
  } finally {
    await browser?.close();
    await server.store.query(`DROP DATABASE "${database}"`).catch(() => undefined);
    await server.close(2_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const mapFirstPaintBench: Benchmark = {
  name: "Map view first paint in Chromium vs the overview's list view",
  async run({ influxUrl, scale }) {
    // The test suite's smoke run (scale 0.005) only checks that it works: one load each, no warm-up.
    const smoke = scale < 0.05;
    const loads = scale >= 0.5 ? 9 : smoke ? 1 : 3;
    return withServer(influxUrl, async (base, browser) => {
      const mapUrl = `${base}#/?view=map&p=${COMPOUND}`;
      // One load of each first: Chromium's own start-up and the server's first queries are not the views'.
      if (!smoke) {
        await firstPaint(browser, mapUrl, MAP_READY);
        await firstPaint(browser, base, LIST_READY);
      }
      const mapRuns: number[] = [];
      const listRuns: number[] = [];
      for (let i = 0; i < loads; i++) {
        mapRuns.push(await firstPaint(browser, mapUrl, MAP_READY));
        listRuns.push(await firstPaint(browser, base, LIST_READY));
      }
      const mapMs = median(mapRuns);
      const listMs = median(listRuns);
      return {
        name: `${this.name}: ${catalog.stations.length} stations, ${loads} cold loads each`,
        ours: { label: "map view, first frame with every station's status (median)", value: mapMs, unit: "ms" },
        baseline: { label: "list view, first frame with every card's status (median)", value: listMs, unit: "ms" },
        ratio: mapMs / listMs,
        higherIsBetter: false,
        target: "≤ 1.5× the list view",
        extra: [{ label: "map view, slowest load", value: Math.max(...mapRuns), unit: "ms" }],
      };
    });
  },
};

export const profileFrameBench: Benchmark = {
  name: "River profile animation frame in Chromium vs an empty chart",
  async run({ influxUrl, scale }) {
    const smoke = scale < 0.05;
    const steps = smoke ? 3 : Math.max(20, Math.round(144 * scale));
    const rounds = smoke ? 1 : 3;
    return withServer(influxUrl, async (base, browser) => {
      // Alternating pages, so a busy moment of the machine does not fall on one side only.
      const frames: number[] = [];
      const emptyFrames: number[] = [];
      for (let i = 0; i < rounds; i++) {
        frames.push(...(await profileFrames(browser, `${base}#/profile?river=elbe&p=${COMPOUND}`, steps)));
        emptyFrames.push(...(await profileFrames(browser, `${base}#/profile?river=elbe&p=${EMPTY_COMPOUND}`, steps)));
      }
      const frameMs = median(frames);
      const emptyMs = median(emptyFrames);
      return {
        name: `${this.name}: the Elbe's 3 stations, ${rounds * steps} slider steps each`,
        ours: { label: "slider step with the day's readings: chart, table, layout (median)", value: frameMs, unit: "ms" },
        baseline: { label: "the same step, compound without readings: empty chart (median)", value: emptyMs, unit: "ms" },
        ratio: frameMs / emptyMs,
        higherIsBetter: false,
        target: "a step within a 60 fps frame (16.7 ms)",
        extra: [{ label: "slider step with readings (95th percentile)", value: p95(frames), unit: "ms" }],
      };
    });
  },
};
