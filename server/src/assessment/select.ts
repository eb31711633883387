// Which values count: the data basis the user chose, only QC-passed values ("Failed values are
// stored but excluded from alerts and means", QARTOD flags), only approved ones when asked. Each
// value is tagged once with the first reason that excludes it, so every assessed span can say how
// many values it left out and why.
import { QC } from "../../../common/reading.ts";
import { sliceIndex, type PeriodGrid } from "./period.ts";
import type { AssessedValue, BasisChoice, ExclusionCounts } from "./types.ts";

export type Exclusion = "other-basis" | "lab-preferred" | "qc" | "not-approved" | null;

export interface TaggedValue {
  value: AssessedValue;
  excludedBy: Exclusion;
  /** Index of the local day in the period grid. */
  day: number;
}

const inBasis = (v: AssessedValue, basis: BasisChoice): boolean =>
  basis === "both" || (basis === "lab" ? v.basis === "lab" : v.basis === "sensor-daily");

/**
 * The period's values in time order, each tagged. With basis "both", a sensor daily mean is left out
 * on a day that has a lab result that counts (QC-passed, approved if asked): the lab is the reference a sensor is validated against
 * (domain README), and counting both would give that day two votes in the mean.
 */
export function tagValues(values: readonly AssessedValue[], grid: PeriodGrid, basis: BasisChoice, approvedOnly: boolean): TaggedValue[] {
  const { from, to } = grid.period;
  const inPeriod = values.filter((v) => v.time >= from && v.time < to).sort((a, b) => a.time - b.time);
  const tagged = inPeriod.map((value): TaggedValue => ({ value, excludedBy: null, day: sliceIndex(grid.days, value.time) }));
  const labDays = new Set<number>();
  const counts = (v: AssessedValue): boolean => v.qc === QC.pass && (!approvedOnly || v.approval === "approved");
  if (basis === "both") for (const t of tagged) if (t.value.basis === "lab" && counts(t.value)) labDays.add(t.day);
  for (const t of tagged) {
    const v = t.value;
    if (!inBasis(v, basis)) t.excludedBy = "other-basis";
    else if (basis === "both" && v.basis === "sensor-daily" && labDays.has(t.day)) t.excludedBy = "lab-preferred";
    else if (v.qc !== QC.pass) t.excludedBy = "qc";
    else if (approvedOnly && v.approval !== "approved") t.excludedBy = "not-approved";
  }
  return tagged;
}

export interface WindowSelection {
  /** Values that count. */
  counted: TaggedValue[];
  /** QC-passed values of the basis, approved or not (what would count without "approved only"). */
  qcPassed: TaggedValue[];
  /** Values of the chosen basis in the window, whatever their flags. */
  inBasis: number;
  excluded: ExclusionCounts;
}

/** The tagged values within [from, to). */
export function selectWindow(tagged: readonly TaggedValue[], from: number, to: number): WindowSelection {
  const counted: TaggedValue[] = [];
  const qcPassed: TaggedValue[] = [];
  const excluded: ExclusionCounts = { otherBasis: 0, labPreferred: 0, qc: 0, notApproved: 0 };
  let inBasisCount = 0;
  for (const t of tagged) {
    if (t.value.time < from || t.value.time >= to) continue;
    switch (t.excludedBy) {
      case "other-basis":
        excluded.otherBasis++;
        continue;
      case "lab-preferred":
        excluded.labPreferred++;
        continue;
      case "qc":
        excluded.qc++;
        inBasisCount++;
        continue;
      case "not-approved":
        excluded.notApproved++;
        inBasisCount++;
        qcPassed.push(t);
        continue;
      case null:
        inBasisCount++;
        qcPassed.push(t);
        counted.push(t);
    }
  }
  // A lab-preferred sensor mean still shows that the basis had data that day.
  return { counted, qcPassed, inBasis: inBasisCount + excluded.labPreferred, excluded };
}
