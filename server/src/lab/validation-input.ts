// Lab results as the sensor validation takes them (validation/pairing.ts `LabResult`): the sample's
// period and the value or "<LOQ" with its limit, in the parameter's catalog unit.
import type { LabResultInfo } from "../../../common/lab.ts";
import type { LabResult } from "./validation/index.ts";

export function validationLabResult(r: LabResultInfo): LabResult {
  return {
    sampleId: r.sample.sampleId,
    kind: r.sample.kind,
    start: r.sample.start,
    end: r.sample.end,
    result: { value: r.value, qualifier: r.qualifier, limit: r.qualifier === null ? null : r.loq },
  };
}
