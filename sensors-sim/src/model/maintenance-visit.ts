// A maintenance visit at a station: the team takes the probes out of the water (cleaning), then puts
// the conductivity and pH probes into calibration standards before returning them to the river.
// What the sensors report meanwhile is what such a visit looks like in the data: a conductivity cell
// in air has no conducting path (about 0 µS/cm), optical and compound sensors see no water (0, i.e.
// below their LOD); in the calibration step conductivity reads the 0.01 mol/L KCl standard, 141.3
// mS/m = 1413 µS/cm at 25 °C (ISO 7888 / DIN EN 27888, Table 1), and pH a technical buffer of pH
// 7.00 (DIN 19267). Pure: values depend only on the visit, the parameter and the time.
import type { ParameterCode, StationId } from "../../../common/catalog-model.ts";

export interface MaintenanceVisit {
  station: StationId;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export type VisitPhase = "out-of-water" | "calibration";

/** The last quarter of a visit is the calibration step. */
export const CALIBRATION_SHARE = 0.25;

const KCL_0_01_MOL_L_US_CM = 1413;
const TECHNICAL_BUFFER_PH = 7.0;
/** Catalog parameter groups whose sensors read (about) zero out of the water, and turbidity. */
const DRY_ZERO_GROUPS = new Set(["pharmaceutical", "nutrient", "organic"]);
const DRY_CONDUCTIVITY_US_CM = 1;

export function visitPhase(visits: readonly MaintenanceVisit[], station: StationId, t: number): VisitPhase | undefined {
  const visit = visits.find((v) => v.station === station && t >= v.from && t < v.to);
  if (!visit) return undefined;
  return t >= visit.to - (visit.to - visit.from) * CALIBRATION_SHARE ? "calibration" : "out-of-water";
}

/**
 * What a sensor reports during a visit instead of `sensed`. Temperature, oxygen and discharge are
 * left as they are (a simplification: a probe in air reads the air's temperature and oxygen).
 */
export function visitValue(phase: VisitPhase, parameter: ParameterCode, group: string, sensed: number): number {
  if (phase === "calibration") {
    if (parameter === "conductivity") return KCL_0_01_MOL_L_US_CM;
    if (parameter === "ph") return TECHNICAL_BUFFER_PH;
    return sensed;
  }
  if (parameter === "conductivity") return DRY_CONDUCTIVITY_US_CM;
  if (parameter === "turbidity" || DRY_ZERO_GROUPS.has(group)) return 0;
  return sensed;
}
