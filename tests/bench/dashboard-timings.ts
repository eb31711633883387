// What a reader of the dashboard waits for, timed against a running server: GET /api/v1/latest
// (everything, and one overview page of 24 stations), the overview's first paint in Chromium
// (navigation until the first page of cards shows data), and — when asked — a station page and a
// compare chart until their charts are drawn. Shared by the catalog-scale and scale benchmarks.
import { get } from "node:http";
import { launchChromium } from "../helpers/chromium.ts";
import { median } from "./bench-kit.ts";

export interface DashboardTimings {
  /** The first GET /api/v1/latest the server answers (its newest readings not yet in memory). */
  latestFirstMs: number;
  /** Median of the following ones. */
  latestAllMs: number;
  latestPageMs: number;
  firstPaintMs: number;
  catalogBytes: number;
  /** What GET /api/v1/catalog sends to a browser (gzip), and how long it takes (median of `runs`). */
  catalogWireBytes: number;
  catalogMs: number;
  /** Station page (#/station/<id>?range=7d) until its first chart shows points. */
  stationPageMs?: number;
  /** Compare view (one compound at `compare.stations`, 30 days) until the chart shows every series. */
  compareMs?: number;
}

export interface PageTimingOptions {
  /** A station and one of its parameters for the station page. */
  station?: { id: string; parameter: string };
  compare?: { parameter: string; stations: string[] };
  /** Saves a screenshot of the overview (the first page of cards) here. */
  screenshot?: string;
}

export async function dashboardTimings(url: string, stations: readonly string[], runs: number, pages: PageTimingOptions = {}): Promise<DashboardTimings> {
  const timed = async (p: string) => {
    const t = performance.now();
    const res = await fetch(`${url}${p}`);
    if (!res.ok) throw new Error(`${p}: ${res.status}`);
    await res.arrayBuffer();
    return performance.now() - t;
  };
  const page = stations.slice(0, 24).join(",");
  const latestFirstMs = await timed("/api/v1/latest");
  const latestAll: number[] = [];
  const latestPage: number[] = [];
  for (let r = 0; r < runs; r++) {
    latestAll.push(await timed("/api/v1/latest"));
    latestPage.push(await timed(`/api/v1/latest?stations=${page}`));
  }
  const catalogBytes = (await (await fetch(`${url}/api/v1/catalog`)).arrayBuffer()).byteLength;
  const catalogTimes: number[] = [];
  let catalogWireBytes = 0;
  for (let r = 0; r < Math.max(3, runs); r++) {
    const t = performance.now();
    catalogWireBytes = await wireBytes(`${url}/api/v1/catalog`);
    catalogTimes.push(performance.now() - t);
  }
  const browser = await launchChromium();
  const paints: number[] = [];
  const stationPages: number[] = [];
  const compares: number[] = [];
  /** Milliseconds from navigation to `selector` in a fresh browser context (no cache). */
  const navigate = async (hash: string, selector: string, screenshot?: string) => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    try {
      const tab = await context.newPage();
      const t = performance.now();
      await tab.goto(`${url}/${hash}`);
      await tab.waitForSelector(selector, { timeout: 120_000 });
      const ms = performance.now() - t;
      if (screenshot) await tab.screenshot({ path: screenshot, fullPage: false });
      return ms;
    } finally {
      await context.close();
    }
  };
  try {
    for (let r = 0; r < Math.max(1, Math.ceil(runs / 2)); r++) {
      paints.push(await navigate("#/", ".card[data-status]", r === 0 ? pages.screenshot : undefined));
      if (pages.station) {
        const { id, parameter } = pages.station;
        stationPages.push(await navigate(`#/station/${encodeURIComponent(id)}?range=7d&p=${parameter}`, `figure[data-parameter='${parameter}'][data-points]`));
      }
      if (pages.compare) {
        const query = new URLSearchParams({ mode: "stations", parameter: pages.compare.parameter, stations: pages.compare.stations.join(","), range: "30d" });
        compares.push(await navigate(`#/compare?${query}`, `.compare-panel[data-series='${pages.compare.stations.length}']`));
      }
    }
  } finally {
    await browser.close();
  }
  return {
    latestFirstMs,
    latestAllMs: median(latestAll),
    latestPageMs: median(latestPage),
    firstPaintMs: median(paints),
    catalogBytes,
    catalogWireBytes,
    catalogMs: median(catalogTimes),
    stationPageMs: stationPages.length ? median(stationPages) : undefined,
    compareMs: compares.length ? median(compares) : undefined,
  };
}

/** Bytes of a GET as they cross the wire to a client accepting gzip (node:http does not decompress, fetch would). */
function wireBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { "accept-encoding": "gzip" } }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${url}: ${res.statusCode}`))));
      res.on("error", reject);
    }).on("error", reject);
  });
}
