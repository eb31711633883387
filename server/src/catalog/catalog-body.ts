// The current catalog as GET /api/v1/catalog sends it, serialised and gzipped once per catalog
// version instead of on every request: a national network's catalog (500 stations × 40 parameters)
// is 8.4 MB of JSON, and every dashboard load asked for it — JSON.stringify, Express's ETag hash and
// gzip each time, with an 8 MB string and buffer of garbage per request (CPU and resident memory the
// live fan-out and the heap budget of issue #20 need). Only the gzipped bytes (0.27 MB) are kept; a
// client that does not accept gzip gets the JSON made again.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { CatalogResponse } from "../../../common/api-types.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";

const gzipAsync = promisify(gzip);
/** As http/compression.ts compresses other responses. */
const GZIP_LEVEL = 4;

export interface CatalogBody {
  version: number;
  /** Weak: the same for the gzipped and the plain body (RFC 9110 §8.8.3). */
  etag: string;
  gzipped: Buffer;
}

export function catalogResponse(snapshot: CatalogSnapshot): CatalogResponse {
  return { version: snapshot.version, catalog: snapshot.data };
}

export class CatalogBodyCache {
  private cached: { version: number; body: Promise<CatalogBody> } | undefined;

  /** The body of `snapshot` (the current catalog), made once per version. */
  get(snapshot: CatalogSnapshot): Promise<CatalogBody> {
    if (this.cached?.version !== snapshot.version) {
      const body = make(snapshot);
      this.cached = { version: snapshot.version, body };
      // A failed gzip is tried again by the next request, not served as a failure from now on.
      body.catch(() => {
        if (this.cached?.body === body) this.cached = undefined;
      });
    }
    return this.cached.body;
  }
}

async function make(snapshot: CatalogSnapshot): Promise<CatalogBody> {
  const json = Buffer.from(JSON.stringify(catalogResponse(snapshot)));
  const etag = `W/"${snapshot.version}-${createHash("sha1").update(json).digest("base64url")}"`;
  return { version: snapshot.version, etag, gzipped: await gzipAsync(json, { level: GZIP_LEVEL }) };
}
