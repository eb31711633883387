// The quality-standard labels drawn on a chart wrap to the plot's width (charts/standards-plugin.ts):
// a phone or a long language otherwise cut them at the plot's left edge. Widths here are characters.
import { describe, expect, it } from "vitest";
import { wrapLabel } from "../../client/src/charts/standards-plugin.ts";

const chars = (s: string): number => [...s].length;

describe("wrapLabel", () => {
  it.each([
    ["fits: one line, unchanged", "AA-EQS 50 ng/L", 20, ["AA-EQS 50 ng/L"]],
    ["exactly the width", "AA-EQS 50 ng/L", 14, ["AA-EQS 50 ng/L"]],
    ["broken at spaces", "AA-EQS 50 ng/L — method not sensitive enough", 20, ["AA-EQS 50 ng/L —", "method not sensitive", "enough"]],
    ["German", "JD-UQN 50 ng/L — Verfahren für diese Norm nicht empfindlich genug", 40, ["JD-UQN 50 ng/L — Verfahren für diese", "Norm nicht empfindlich genug"]],
    ["Chinese: between characters where a run is too wide", "年均 EQS 50 ng/L — 方法对此标准不够灵敏", 10, ["年均 EQS 50", "ng/L —", "方法对此标准不够灵敏"]],
    ["a run wider than a line is cut between characters", "年均 方法对此标准不够灵敏", 6, ["年均 方法对", "此标准不够灵", "敏"]],
    ["a word wider than a line, Latin", "Umweltqualitätsnorm 50", 10, ["Umweltqual", "itätsnorm", "50"]],
  ])("%s", (_name, text, width, lines) => {
    const wrapped = wrapLabel(text, width, chars);
    expect(wrapped).toEqual(lines);
    for (const line of wrapped) expect(chars(line)).toBeLessThanOrEqual(width);
  });
});
