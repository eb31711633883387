// The tags of the common /write line shape, `station=…,parameter=…[,sensor=…][,other tags]`, read
// without intermediate objects (reading-lines.ts reads such lines from text, received-lines.ts from
// the received bytes, once per tag set).
import { TAG } from "../../../common/wire.ts";

/** Whether the tag key from `start` to `eq` is `name`, compared in place: no string cut per tag. */
const keyIs = (line: string, start: number, eq: number, name: string): boolean => eq - start === name.length && line.startsWith(name, start);

/** The tags of a simple line: station and parameter (always there), sensor, and whether they are the only tags, each once. */
export interface SimpleTags {
  station: string;
  parameter: string;
  sensor: string | undefined;
  canonical: boolean;
}

/**
 * The tags `key=value,…` of `line` from `from` to `to` (the space before the fields), read as
 * readSimpleLine reads them; undefined where that shape does not hold (an empty key or value, a
 * second '=', no station or parameter).
 */
export function readTags(line: string, from: number, to: number): SimpleTags | undefined {
  let station: string | undefined;
  let parameter: string | undefined;
  let sensor: string | undefined;
  let canonical = true;
  for (let start = from; start < to + 1; ) {
    let end = line.indexOf(",", start);
    if (end < 0 || end > to) end = to;
    const eq = line.indexOf("=", start);
    if (eq <= start || eq >= end - 1) return undefined; // no key, no value, or no '=' in this tag
    const secondEq = line.indexOf("=", eq + 1);
    if (secondEq >= 0 && secondEq < end) return undefined;
    if (keyIs(line, start, eq, TAG.station)) {
      if (station !== undefined) canonical = false;
      station = line.slice(eq + 1, end);
    } else if (keyIs(line, start, eq, TAG.parameter)) {
      if (parameter !== undefined) canonical = false;
      parameter = line.slice(eq + 1, end);
    } else if (keyIs(line, start, eq, TAG.sensor)) {
      if (sensor !== undefined) canonical = false;
      sensor = line.slice(eq + 1, end);
    } else canonical = false;
    start = end + 1;
  }
  if (!station || !parameter) return undefined;
  return { station, parameter, sensor, canonical };
}
