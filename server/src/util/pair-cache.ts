// Values derived once per pair of strings (station × parameter), found again without building a
// combined key string per lookup: on the ingest path that string building showed up in profiles.

export class PairCache<V> {
  private readonly byFirst = new Map<string, Map<string, V>>();

  constructor(private readonly make: (first: string, second: string) => V) {}

  get(first: string, second: string): V {
    let bySecond = this.byFirst.get(first);
    if (!bySecond) this.byFirst.set(first, (bySecond = new Map()));
    let value = bySecond.get(second);
    if (value === undefined) bySecond.set(second, (value = this.make(first, second)));
    return value;
  }
}
