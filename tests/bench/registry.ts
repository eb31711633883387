import { assessmentBench } from "./assessment.bench.ts";
import type { Benchmark } from "./bench-kit.ts";
import { catalogScale } from "./catalog-scale.bench.ts";
import { clientBench } from "./client.bench.ts";
import { clusterBench } from "./cluster.bench.ts";
import { exportBench } from "./export.bench.ts";
import { influxWrite } from "./influx-write.bench.ts";
import { ingest } from "./ingest.bench.ts";
import { labImportBench } from "./lab-import.bench.ts";
import { labValidationBench } from "./lab-validation.bench.ts";
import { liveFanout } from "./live-fanout.bench.ts";
import { liveLatency } from "./live-latency.bench.ts";
import { mapFirstPaintBench, profileFrameBench } from "./map-profile.bench.ts";
import { readLoad } from "./read-load.bench.ts";
import { reviewChart } from "./review-chart.bench.ts";
import { scaleBench } from "./scale.bench.ts";
import { seriesQuery, seriesQueryYear } from "./series-query.bench.ts";

/** Every benchmark `npm run bench` runs, in order. */
export const benchmarks: Benchmark[] = [influxWrite, ingest, liveLatency, seriesQuery, seriesQueryYear, clientBench, exportBench, readLoad, labImportBench, labValidationBench, catalogScale, reviewChart, assessmentBench, mapFirstPaintBench, profileFrameBench, scaleBench, liveFanout, clusterBench];
