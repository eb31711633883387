// Asks the test InfluxDB directly (not through Water Monitor's store) what a database holds.

/** Names of the continuous queries defined on `database` (SHOW CONTINUOUS QUERIES). */
export async function continuousQueriesIn(influxUrl: string, database: string): Promise<string[]> {
  const res = await fetch(`${influxUrl}/query?${new URLSearchParams({ q: "SHOW CONTINUOUS QUERIES" })}`);
  if (!res.ok) throw new Error(`SHOW CONTINUOUS QUERIES failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { results: Array<{ series?: Array<{ name: string; values?: unknown[][] }> }> };
  const series = body.results[0]?.series?.find((s) => s.name === database);
  return (series?.values ?? []).map((row) => String(row[0]));
}
