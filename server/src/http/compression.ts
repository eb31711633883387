// Responses compressed for clients that accept it (gzip/deflate, RFC 9110 §8.4): the catalog of a
// national network is megabytes of JSON (the benchmark's 500 stations × 40 parameters: 8.4 MB,
// 0.27 MB gzipped at level 4), as is /api/v1/latest, and the dashboard's bundle is several times its
// gzipped size. Exports stay
// uncompressed: they are long streams whose throughput the export benchmark holds against the
// `influx` CLI, and CSV/XLSX/ZIP downloads are handed to files as they are. Small bodies (< 1 kB)
// are not worth it. Level 4: that catalog took 32 ms at level 4 and 78 ms at zlib's default 6 (for
// 0.21 MB) on this project's 2-core machine — CPU a busy server needs more than the last 60 kB.
import compression from "compression";
import type { RequestHandler } from "express";

const UNCOMPRESSED = ["/api/v1/export"];

export function compressResponses(): RequestHandler {
  return compression({
    level: 4,
    threshold: 1024,
    filter: (req, res) => !UNCOMPRESSED.some((prefix) => req.path.startsWith(prefix)) && compression.filter(req, res),
  });
}
