// The catalog `npm run sim` runs on: fetched from the server it sends to (GET /api/v1/catalog, which
// needs viewer access: anonymous on a public dashboard, else a personal API token), or read from a
// file (the same JSON, or a bare catalog export), for servers the simulator cannot read from.
import { readFileSync } from "node:fs";
import { catalogSchema } from "../../common/catalog-model.ts";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { SimulatorOptionsError } from "./options.ts";
import type { FetchFn } from "./transport/sink.ts";

function snapshotFrom(body: unknown, where: string): CatalogSnapshot {
  const wrapped = typeof body === "object" && body !== null && "catalog" in body;
  const data = catalogSchema.safeParse(wrapped ? (body as { catalog: unknown }).catalog : body);
  if (!data.success) {
    const first = data.error.issues[0];
    throw new SimulatorOptionsError(`${where} is not a Water Monitor catalog (${first?.path.join(".") || "root"}: ${first?.message})`);
  }
  const version = wrapped ? Number((body as { version?: unknown }).version) : 0;
  return new CatalogSnapshot(data.data, Number.isFinite(version) ? version : 0);
}

export function readCatalogFile(file: string): CatalogSnapshot {
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new SimulatorOptionsError(`--catalog-file ${file}: ${(err as Error).message}`);
  }
  return snapshotFrom(body, `--catalog-file ${file}`);
}

export async function fetchCatalog(baseUrl: string, apiToken: string | undefined, fetchFn: FetchFn = fetch): Promise<CatalogSnapshot> {
  const url = `${baseUrl.replace(/\/$/, "")}/api/v1/catalog`;
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { accept: "application/json", ...(apiToken ? { authorization: `Bearer ${apiToken}` } : {}) } });
  } catch (err) {
    throw new SimulatorOptionsError(`cannot read the catalog from ${url}: ${(err as Error).message}`);
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new SimulatorOptionsError(
      `${url} answered ${res.status}: the server's dashboard is not public. Pass --api-token <a personal API token> or --catalog-file <catalog.json>`,
    );
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    throw new SimulatorOptionsError(`cannot read the catalog from ${url}: ${res.status} ${text.slice(0, 200)}`);
  }
  return snapshotFrom(await res.json(), url);
}
