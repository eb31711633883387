// Words lab files use for stations and sample types, matched to the catalog and to SAMPLE_KINDS.
import leven from "leven";
import type { Station } from "../../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import type { SampleKind } from "../../../../common/lab.ts";

const normalise = (text: string) => text.normalize("NFKC").toLowerCase().replace(/[\s_]+/g, " ").trim();

/** The part of a station name before its bracketed explanation: "Zehren (Elbe, below Dresden)" → "Zehren". */
const shortName = (name: string) => name.replace(/\s*[(（].*$/u, "").trim();

/**
 * Finds stations by id, by name in any language (whole, or without its bracketed part when that is
 * unique), or by the agencies' identifiers (state site number, WISE code, Chinese section code).
 */
export class StationMatcher {
  private readonly byName = new Map<string, Station>();

  constructor(catalog: CatalogSnapshot) {
    const shortNames = new Map<string, Station[]>();
    for (const s of catalog.stations) {
      const names = [s.name.en, s.name.de, s.name.zh].filter((n): n is string => n !== undefined);
      for (const n of [s.id, ...names, ...Object.values(s.identifiers)]) if (n) this.byName.set(normalise(n), s);
      for (const n of new Set(names.map(shortName))) {
        const list = shortNames.get(normalise(n)) ?? [];
        list.push(s);
        shortNames.set(normalise(n), list);
      }
    }
    for (const [n, list] of shortNames) if (list.length === 1 && !this.byName.has(n)) this.byName.set(n, list[0]!);
  }

  match(text: string): Station | undefined {
    return this.byName.get(normalise(text));
  }

  /** The closest station ids, for "did you mean". */
  suggest(text: string, count = 3): string[] {
    const target = normalise(text);
    const scored = [...this.byName.entries()].map(([name, s]) => ({ id: s.id, d: leven(target, name) }));
    scored.sort((a, b) => a.d - b.d);
    return [...new Set(scored.map((s) => s.id))].slice(0, count);
  }
}

/**
 * Words for each sample type in English, German and Chinese. A word that does not say whether a
 * composite was time- or flow-proportional ("Mischprobe", "混合水样") is refused, not guessed: the
 * validation compares the two kinds with different sensor means. Add a lab's own words here.
 */
const KIND_WORDS: Readonly<Record<SampleKind, readonly string[]>> = {
  grab: ["grab", "grab sample", "spot sample", "stichprobe", "schöpfprobe", "einzelprobe", "瞬时水样", "瞬时样"],
  "time-proportional composite": [
    "time-proportional composite",
    "time proportional composite",
    "time-proportional composite sample",
    "zeitproportionale mischprobe",
    "zeitproportional",
    "时间比例混合水样",
    "时间比例混合样",
    "等时混合水样",
  ],
  "flow-proportional composite": [
    "flow-proportional composite",
    "flow proportional composite",
    "flow-proportional composite sample",
    "durchflussproportionale mischprobe",
    "abflussproportionale mischprobe",
    "mengenproportionale mischprobe",
    "durchflussproportional",
    "流量比例混合水样",
    "流量比例混合样",
    "等比例混合水样",
  ],
};

const KIND_INDEX = new Map<string, SampleKind>(
  (Object.entries(KIND_WORDS) as Array<[SampleKind, readonly string[]]>).flatMap(([kind, words]) => words.map((w) => [normalise(w), kind] as const)),
);

export function matchSampleKind(text: string): SampleKind | undefined {
  return KIND_INDEX.get(normalise(text));
}
