// Values derived once per pair of strings (station × parameter), found again without building a
// combined key string per lookup: on the ingest path that string building showed up in profiles.

/** A pair's value while its first string has only one second one (the usual case: one sensor per series). */
interface Single<V> {
  second: string;
  value: V;
}

export class PairCache<V> {
  /**
   * The values by first, then second string. A first string with one second string holds it
   * directly, not in a Map of its own: one Map per series key (the alert engine's) cost the
   * 20,000-series benchmark server about 4 MB of heap, ~200 bytes per series.
   */
  private readonly byFirst = new Map<string, Single<V> | Map<string, V>>();

  constructor(private readonly make: (first: string, second: string) => V) {}

  get(first: string, second: string): V {
    const entry = this.byFirst.get(first);
    if (entry === undefined) {
      const value = this.make(first, second);
      this.byFirst.set(first, { second, value });
      return value;
    }
    if (!(entry instanceof Map)) {
      if (entry.second === second) return entry.value;
      const value = this.make(first, second);
      this.byFirst.set(
        first,
        new Map([
          [entry.second, entry.value],
          [second, value],
        ]),
      );
      return value;
    }
    let value = entry.get(second);
    if (value === undefined) entry.set(second, (value = this.make(first, second)));
    return value;
  }
}

/**
 * `s` as one flat string. A concatenation leaves a tree of its pieces, and V8 keeps that tree beside
 * the flat copy it makes on the first hash lookup: for strings cached per series (keys, line
 * prefixes), about 100 bytes per string that nothing uses.
 */
export const flatString = (s: string): string => Buffer.from(s).toString();
