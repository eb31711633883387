// Dashboard client: (1) gzipped size of our production bundle against the minified, gzipped
// full builds of the libraries it uses (Chart.js UMD, socket.io client, luxon) — what a page
// without tree-shaking would ship; (2) time to render a 100k-point line in Chromium with our chart
// settings (no parsing, normalized, min-max decimation, no animation, no point dots) against
// Chart.js defaults for the same data (parsing on, no decimation; animation off too, so both
// timings end when the frame is drawn).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { launchChromium } from "../helpers/chromium.ts";
import type { Benchmark } from "./bench-kit.ts";
import { ROOT, sharedClientBuild } from "./client-build.ts";

const NM = path.join(ROOT, "node_modules");

function gzSize(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

function bundleSizes(): { ours: number; baseline: number } {
  // Every chunk counts, those loaded on demand (the map) too.
  const assets = path.join(sharedClientBuild(), "assets");
  const ours = readdirSync(assets)
    .filter((f) => /\.(js|css)$/.test(f))
    .reduce((sum, f) => sum + gzSize(path.join(assets, f)), 0);
  const baseline = ["chart.js/dist/chart.umd.min.js", "socket.io-client/dist/socket.io.min.js", "luxon/build/global/luxon.min.js"].reduce((sum, f) => sum + gzSize(path.join(NM, f)), 0);
  return { ours, baseline };
}

interface RenderTimes {
  ours: number;
  baseline: number;
}

const RENDER_SCRIPT = `function (n) {
  const data = Array.from({ length: n }, (_, i) => ({ x: i * 600000, y: 100 + 40 * Math.sin(i / 144) + ((i * 7919) % 13) }));
  function time(options, copy) {
    const runs = [];
    for (let r = 0; r < 3; r++) {
      const canvas = document.getElementById("c");
      const t0 = performance.now();
      const chart = new Chart(canvas, {
        type: "line",
        data: { datasets: [{ data: copy ? data.map((p) => ({ ...p })) : data.slice(), borderWidth: 1.5 }] },
        options: Object.assign({ responsive: false, animation: false, scales: { x: { type: "linear" } } }, options),
      });
      runs.push(performance.now() - t0);
      chart.destroy();
    }
    return runs.sort((a, b) => a - b)[1];
  }
  const ours = time({
    parsing: false,
    normalized: true,
    elements: { point: { radius: 0 } },
    plugins: { decimation: { enabled: true, algorithm: "min-max" }, legend: { display: false } },
  }, false);
  const baseline = time({ plugins: { legend: { display: false } } }, true);
  return { ours, baseline };
}`;

async function renderTimes(points: number): Promise<RenderTimes> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 500 } });
    await page.setContent(`<div style="width:1200px;height:400px"><canvas id="c"></canvas></div>`);
    await page.addScriptTag({ path: path.join(NM, "chart.js/dist/chart.umd.min.js") });
    // A string, not a function: tsx (esbuild keepNames) would inject helpers the page lacks.
    return (await page.evaluate(`(${RENDER_SCRIPT})(${points})`)) as RenderTimes;
  } finally {
    await browser.close();
  }
}

export const clientBench: Benchmark = {
  name: "Dashboard client: gzipped bundle and 100k-point chart render in Chromium",
  async run({ scale }) {
    const points = Math.max(2_000, Math.round(100_000 * scale));
    const sizes = bundleSizes();
    const render = await renderTimes(points);
    return {
      name: `${this.name}, ${points.toLocaleString("en-US")} points`,
      ours: { label: "render, our settings (no parsing, decimation, no animation)", value: render.ours, unit: "ms" },
      baseline: { label: "render, Chart.js defaults", value: render.baseline, unit: "ms" },
      ratio: render.ours / render.baseline,
      higherIsBetter: false,
      target: "bundle < 300 KB gzipped",
      extra: [
        { label: "our bundle (JS + CSS, gzipped)", value: sizes.ours / 1024, unit: "KB" },
        { label: "full library builds (Chart.js + socket.io-client + luxon, min+gzip)", value: sizes.baseline / 1024, unit: "KB" },
      ],
    };
  },
};
