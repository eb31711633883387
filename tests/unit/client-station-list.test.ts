// Finding stations in a large network: search over names in every language, ids, rivers, regions
// and identifiers; filters; pages; grouping by region.
import { describe, expect, it } from "vitest";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { byRegion, filterStations, groupRuns, paginate, readFilter, writeFilter } from "../../client/src/station-list.ts";
import { largeCatalog } from "../bench/large-catalog.ts";
import { seed } from "../helpers/catalog.ts";

const ids = (list: ReadonlyArray<{ id: string }>) => list.map((s) => s.id);

describe("station search and filters", () => {
  it.each<[string, Record<string, string>, string[]]>([
    ["a Chinese name", { q: "寸滩" }, ["CN-YANGTZE-CUNTAN"]],
    ["a German name, any case", { q: "DOMMITZSCH landesgrenze" }, ["DE-ELBE-DOMMITZSCH"]],
    ["a river's Chinese name (and a name that mentions it)", { q: "嘉陵江" }, ["CN-JIALING-BEIBEI", "CN-YANGTZE-CHAOTIANMEN"]],
    ["part of an id", { q: "zschopau" }, ["DE-ZSCHOPAU-WALDHEIM"]],
    ["a region", { region: "chongqing" }, ["CN-JIALING-BEIBEI", "CN-YANGTZE-CHAOTIANMEN", "CN-YANGTZE-CUNTAN"]],
    ["a river and a word", { river: "elbe", q: "dresden" }, ["DE-ELBE-ZEHREN"]],
    ["a status nobody has", { status: "retired" }, []],
  ])("finds stations by %s", (_what, filter, expected) => {
    expect(ids(filterStations(seed, filter))).toEqual(expected);
  });

  it("pages a long list and clamps the page into range", () => {
    const list = Array.from({ length: 50 }, (_, i) => i);
    expect(paginate(list, 1, 24)).toEqual({ items: list.slice(24, 48), page: 1, pages: 3, total: 50 });
    expect(paginate(list, 9, 24).page).toBe(2);
    expect(paginate([], 0, 24)).toEqual({ items: [], page: 0, pages: 1, total: 0 });
  });

  it("groups a page by region, regions in catalog order", () => {
    const mixed = [seed.station("CN-YANGTZE-CUNTAN")!, seed.station("DE-ELBE-ZEHREN")!, seed.station("CN-JIALING-BEIBEI")!];
    expect(groupRuns(byRegion(seed, mixed)).map((g) => [g.region, ids(g.stations)])).toEqual([
      ["saxony", ["DE-ELBE-ZEHREN"]],
      ["chongqing", ["CN-YANGTZE-CUNTAN", "CN-JIALING-BEIBEI"]],
    ]);
  });

  it("keeps the filter in the URL, leaving empty fields out", () => {
    const q = new URLSearchParams("page=2");
    writeFilter(q, { q: "elbe", region: "", river: "elbe", status: "" });
    expect(q.toString()).toBe("page=2&q=elbe&river=elbe");
    expect(readFilter(q)).toEqual({ q: "elbe", region: "", river: "elbe", status: "" });
  });

  it("searches 500 stations quickly", () => {
    const big = new CatalogSnapshot(largeCatalog(500, 19), 1);
    filterStations(big, { q: "x" });
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) filterStations(big, { q: `#${i} elbe`, region: "saxony" });
    expect((performance.now() - t0) / 100).toBeLessThan(20);
    expect(ids(filterStations(big, { q: "第17号" }))).toEqual(["BENCH-0017"]);
  });
});
