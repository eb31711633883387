import { describe, expect, it } from "vitest";
import { isWellFormedReading, readingSchema } from "../../server/src/ingest/reading-schema.ts";
import { batchBodySchema, isBatchBody } from "../../server/src/ingest/readings-route.ts";

const base = { station: "DE-ELBE-ZEHREN", parameter: "ph", time: "2026-11-24T10:00:00Z", value: 7.2 };

const inputs: unknown[] = [
  base,
  { ...base, time: 1_764_000_000_000 },
  { ...base, time: "2026-11-24T10:00:00.123+08:00" },
  { ...base, time: "2026-11-24T10:00:00" },
  { ...base, time: "2026-11-24 10:00:00Z" },
  { ...base, time: "2026-02-30T10:00:00Z" },
  { ...base, time: -1 },
  { ...base, time: 1.5 },
  { ...base, value: "7" },
  { ...base, value: undefined, belowLod: { lod: 5 } },
  { ...base, value: undefined, belowLod: { lod: "5" } },
  { ...base, value: undefined, belowLod: { lod: 5, extra: 1 } },
  { ...base, value: undefined, belowLoq: { loq: 16.7 } },
  { ...base, value: undefined, belowLoq: { lod: 16.7 } },
  { ...base, value: undefined, belowLoq: { loq: "16.7" } },
  { ...base, belowLod: { lod: 5 } },
  { ...base, value: undefined, belowLod: { lod: 5 }, belowLoq: { loq: 16.7 } },
  { ...base, value: undefined },
  { ...base, sensor: "SIM-DE-ELBE-ZEHREN-PH" },
  { ...base, sensor: "" },
  { ...base, sensor: 5 },
  { ...base, uncertainty: 0.2 },
  { ...base, uncertainty: "0.2" },
  { ...base, raw: { signal: 12.5, calibration: 2 } },
  { ...base, raw: { signal: 12.5, calibration: 2.5 } },
  { ...base, raw: { signal: "12.5", calibration: 2 } },
  { ...base, raw: { signal: 12.5 } },
  { ...base, raw: { signal: 12.5, calibration: 2, unit: "nA" } },
  { ...base, unit: "pH" },
  { ...base, unit: "" },
  { ...base, unit: "x".repeat(33) },
  { ...base, extra: true },
  { ...base, station: "" },
  { ...base, station: "x".repeat(101) },
  { ...base, parameter: 5 },
  null,
  [],
  "reading",
];

describe("reading schema fast path", () => {
  it.each(inputs.map((input) => [JSON.stringify(input), input]))("never accepts what the zod schema rejects: %s", (_label, input) => {
    if (isWellFormedReading(input)) expect(readingSchema.safeParse(input).success).toBe(true);
  });

  it("takes the fast path for the common valid shapes", () => {
    expect(isWellFormedReading(base)).toBe(true);
    expect(isWellFormedReading({ ...base, time: 1_764_000_000_000 })).toBe(true);
    expect(isWellFormedReading({ ...base, value: undefined, belowLod: { lod: 5 } })).toBe(true);
    expect(isWellFormedReading({ ...base, value: undefined, belowLoq: { loq: 16.7 }, sensor: "S", uncertainty: 2 })).toBe(true);
    expect(isWellFormedReading({ ...base, sensor: "S", raw: { signal: 12.5, calibration: 2 } })).toBe(true);
  });

  it("asks for exactly one result: value, belowLod or belowLoq", () => {
    const message = JSON.stringify(readingSchema.safeParse({ ...base, belowLoq: { loq: 16.7 } }).error?.issues);
    expect(message).toContain("exactly one of value, belowLod (not detected) or belowLoq (detected, not quantified)");
    expect(readingSchema.safeParse({ ...base, value: undefined }).success).toBe(false);
  });
});

describe("batch body fast path", () => {
  const max = 3;
  const schema = batchBodySchema(max);
  const bodies: unknown[] = [
    { readings: [base] },
    { readings: [base, base, base] },
    { readings: [base, base, base, base] },
    { readings: [] },
    { readings: [null, "x", 5] },
    { readings: [base], extra: 1 },
    { readings: { 0: base, length: 1 } },
    { readings: "[]" },
    { readings: undefined },
    {},
    [base],
    null,
    "readings",
  ];
  it.each(bodies.map((body) => [JSON.stringify(body), body]))("never accepts what the zod schema rejects: %s", (_label, body) => {
    if (isBatchBody(body, max)) expect(schema.safeParse(body).success).toBe(true);
  });

  it("takes the fast path for every body the schema accepts", () => {
    for (const body of bodies) expect(isBatchBody(body, max)).toBe(schema.safeParse(body).success);
  });
});
