// Where a station's label goes on the map, pure: beside its marker on the side where it overlaps
// fewest other labels and markers and stays inside the map (stations a few kilometres apart, such as
// Chaotianmen and Cuntan at the Jialing mouth, would otherwise print over each other).

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LabelInput {
  /** The marker's centre and radius, in map pixels. */
  x: number;
  y: number;
  r: number;
  /** The label's size in map pixels (see textWidth). */
  width: number;
  height: number;
}

export type LabelSide = "right" | "left" | "above" | "below";

export interface LabelPlacement {
  side: LabelSide;
  /** The label's box; text starts at its left edge. */
  box: Rect;
}

const SIDES: readonly LabelSide[] = ["right", "left", "below", "above"];
const GAP = 4;

/** A station's short name: its name before the first bracket ("Schmilka (Elbe, Czech border)" → "Schmilka"). */
export function shortName(name: string): string {
  const cut = name.search(/[(（,，]/);
  const short = (cut > 0 ? name.slice(0, cut) : name).trim();
  return short || name;
}

/** Estimated width of a line of text at `fontSize` px: CJK characters are square, Latin ones about 0.58 em on average. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.58;
  return em * fontSize;
}

function boxAt(label: LabelInput, side: LabelSide): Rect {
  const off = label.r + GAP;
  switch (side) {
    case "right":
      return { x: label.x + off, y: label.y - label.height / 2, width: label.width, height: label.height };
    case "left":
      return { x: label.x - off - label.width, y: label.y - label.height / 2, width: label.width, height: label.height };
    case "below":
      return { x: label.x - label.width / 2, y: label.y + off, width: label.width, height: label.height };
    case "above":
      return { x: label.x - label.width / 2, y: label.y - off - label.height, width: label.width, height: label.height };
  }
}

export function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Area of `r` outside the map. */
function outside(r: Rect, width: number, height: number): number {
  const inside = overlap(r, { x: 0, y: 0, width, height });
  return r.width * r.height - inside;
}

/**
 * One placement per label, in input order: greedily, each label takes the side (right, left, below,
 * above, in that preference) with the least area over labels placed before it, over any marker or
 * other `obstacle` (the locator map) and outside the map. Deterministic, so a map looks the same on
 * every load.
 */
export function placeLabels(labels: readonly LabelInput[], width: number, height: number, obstacles: readonly Rect[] = []): LabelPlacement[] {
  const markers: Rect[] = [...labels.map((l) => ({ x: l.x - l.r, y: l.y - l.r, width: 2 * l.r, height: 2 * l.r })), ...obstacles];
  const placed: Rect[] = [];
  return labels.map((label) => {
    let best: LabelPlacement | undefined;
    let bestCost = Infinity;
    for (const side of SIDES) {
      const box = boxAt(label, side);
      // Leaving the map is worse than touching a neighbour: the text would be cut off.
      const cost = placed.reduce((s, p) => s + overlap(box, p), 0) + markers.reduce((s, m) => s + overlap(box, m), 0) + 4 * outside(box, width, height);
      if (cost < bestCost) {
        bestCost = cost;
        best = { side, box };
      }
    }
    placed.push(best!.box);
    return best!;
  });
}
